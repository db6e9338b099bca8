from kakehashi.core.management.transfer import ImportCommand
from kakehashi.projects.imports import projects_import


class Command(ImportCommand):
    help = (
        "Import projects from CSV or JSON; existing ones (same key) are updated. "
        "A file with any bad row changes nothing."
    )
    noun = "projects"
    importer = staticmethod(projects_import)
