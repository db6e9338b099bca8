from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kakehashi.core.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write a consistent backup while the server runs: the database (SQLite online "
        "backup or pg_dump), the embedding cache and media files, with a manifest, in "
        "one tar (default var/backups/kakehashi-<UTC time>.tar.gz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="The archive to write.")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args, **options):
        output = Path(options["output"]) if options["output"] else None
        try:
            manifest = backup_write(output=output, connection=connections[options["database"]])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"Backup written: {manifest['path']} ({manifest['database']['vendor']}, "
            f"{len(manifest['tables'])} tables, {rows} rows, {len(manifest['files'])} files)"
        )
