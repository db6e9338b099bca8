from kakehashi.core.management.transfer import ImportCommand
from kakehashi.people.imports import people_import


class Command(ImportCommand):
    help = (
        "Import people from CSV or JSON; existing ones (same username) are updated. "
        "A file with any bad row changes nothing."
    )
    noun = "people"
    importer = staticmethod(people_import)
