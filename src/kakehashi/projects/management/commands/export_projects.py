from django.contrib.auth.models import AnonymousUser

from kakehashi.core.management.transfer import ExportCommand
from kakehashi.projects.imports import projects_export


class _Everyone(AnonymousUser):
    """The command runs with the machine's authority: like an officer, it sees every project."""

    is_officer = True


class Command(ExportCommand):
    help = "Export every project as CSV or JSON (the import columns)."

    def export(self, format: str) -> str:
        return projects_export(user=_Everyone(), format=format)
