from kakehashi.core.management.transfer import ExportCommand, MachineUser
from kakehashi.projects.imports import projects_export


class Command(ExportCommand):
    help = "Export every project as CSV or JSON (the import columns)."

    def export(self, format: str) -> str:
        return projects_export(user=MachineUser(), format=format)
