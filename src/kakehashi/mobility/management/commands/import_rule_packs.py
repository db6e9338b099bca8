from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kakehashi.mobility.services import (
    SHIPPED_PACKS,
    plans_without_nationality_fill,
    plans_without_pack_derive,
    rule_pack_import,
)


class Command(BaseCommand):
    help = (
        "Import mobility rule packs (YAML): the files named, or every pack shipped with "
        "the code. A new version is stored beside the older ones; the same version "
        "again changes nothing. Plans that had no pack for their country are derived."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="YAML files (default: the shipped packs)")

    def handle(self, *args, **options):
        paths = [Path(f) for f in options["files"]] or sorted(SHIPPED_PACKS.glob("*.yaml"))
        for path in paths:
            try:
                pack, created = rule_pack_import(
                    text=path.read_text(encoding="utf-8"), source_file=path.name
                )
            except (OSError, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise CommandError(f"{path.name}: {' '.join(messages)}") from exc
            state = "imported" if created else "already imported"
            self.stdout.write(f"{path.name}: {pack.country} version {pack.version} {state}.")
        derived = plans_without_pack_derive() + plans_without_nationality_fill()
        if derived:
            self.stdout.write(f"Derived {derived} plans that had no rule pack or no nationality.")
