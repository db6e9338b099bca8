from kakehashi.core.management.transfer import ExportCommand
from kakehashi.organisations.imports import organisations_export


class Command(ExportCommand):
    help = "Export every organisation as CSV or JSON (the import columns)."

    def export(self, format: str) -> str:
        return organisations_export(format=format)
