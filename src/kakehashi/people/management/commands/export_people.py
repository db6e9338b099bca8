from kakehashi.core.management.transfer import ExportCommand, MachineUser
from kakehashi.people.imports import people_export


class Command(ExportCommand):
    help = "Export every active person as CSV or JSON (the import columns)."

    def export(self, format: str) -> str:
        return people_export(user=MachineUser(), format=format)
