import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import translation


def openapi_document() -> dict:
    """The API's OpenAPI document, in English (the committed copy is English)."""
    # The whole API is composed at the project level, above every app (the one
    # import that runs up the layers; docs/architecture.md says why): import it
    # only when the document is wanted.
    from kakehashi.api import api

    with translation.override("en"):
        return api.get_openapi_schema(path_prefix="/api/v1/")


def openapi_text() -> str:
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document of /api/v1/ (e.g. -o docs/api/openapi.json)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")

    def handle(self, *args, **options):
        text = openapi_text()
        if options["output"]:
            Path(options["output"]).parent.mkdir(parents=True, exist_ok=True)
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
