"""Base classes of the import_* and export_* management commands."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kakehashi.core.imports import guess_format, render_report


class ImportCommand(BaseCommand):
    """``import_<noun> FILE [--format …]``: all rows or none; exit status 1 on any error."""

    noun = ""
    formats: tuple[str, ...] = ("csv", "json")
    importer: Callable = staticmethod(lambda *, data, format: None)

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import ('-' reads standard input).")
        parser.add_argument(
            "--format",
            choices=self.formats,
            help="File format (default: from the file name's extension, else csv).",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise CommandError(
                    _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
                ) from exc
        fmt = options["format"] or guess_format(path, self.formats) or "csv"
        try:
            result = type(self).importer(data=data, format=fmt)
        except ValidationError as exc:
            self.stderr.write(render_report(exc))
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(noun)s: %(created)d created, %(updated)d updated, %(skipped)d skipped.")
                % {
                    "noun": self.noun,
                    "created": result.created,
                    "updated": result.updated,
                    "skipped": result.skipped,
                }
            )
        )


class MachineUser(AnonymousUser):
    """An export command runs with the machine's authority: like an officer, it sees everything."""

    is_officer = True


class ExportCommand(BaseCommand):
    """``export_<noun> [--format csv|json] [-o FILE]`` (standard output by default).

    Each command defines ``export(self, format) -> str``."""

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")

    def handle(self, *args, **options):
        text = self.export(options["format"])
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
