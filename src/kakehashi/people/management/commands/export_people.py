from django.contrib.auth.models import AnonymousUser

from kakehashi.core.management.transfer import ExportCommand
from kakehashi.people.imports import people_export


class _Everyone(AnonymousUser):
    """The command runs with the machine's authority: like an officer, it sees everyone."""

    is_officer = True


class Command(ExportCommand):
    help = "Export every active person as CSV or JSON (the import columns)."

    def export(self, format: str) -> str:
        return people_export(user=_Everyone(), format=format)
