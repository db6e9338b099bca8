from kakehashi.core.management.transfer import ImportCommand
from kakehashi.organisations.imports import IMPORT_FORMATS, organisations_import


class Command(ImportCommand):
    help = (
        "Import organisations from CSV, JSON or ROR records (JSON Lines or a JSON list); "
        "existing ones (same ROR id) are updated. A file with any bad row changes nothing."
    )
    noun = "organisations"
    formats = IMPORT_FORMATS
    importer = staticmethod(organisations_import)
