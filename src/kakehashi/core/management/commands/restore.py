from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kakehashi.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup`: checks its manifest, refuses a "
        "database that holds data unless --force, then checks every table's rows and "
        "checksum against the manifest. Stop the server first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by `manage.py backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite a database that holds data."
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, **options):
        try:
            manifest = backup_restore(
                path=Path(options["path"]),
                force=options["force"],
                connection=connections[options["database"]],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(manifest['tables'])} "
            f"tables, {rows} rows, each matching the manifest."
        )
