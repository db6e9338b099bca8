from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


#: Short names of the engine's modes, for tables, menus and legends.
MODE_SHORT_LABELS = {
    "student": _("Student-proposing"),
    "host": _("Host-proposing"),
    "welfare": _("Most placements"),
    "flexible": _("Student-proposing with caps"),
    "ties": _("Student-proposing with ties"),
}
