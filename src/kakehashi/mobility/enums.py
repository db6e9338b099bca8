from django.db import models
from django.utils.translation import gettext_lazy as _


class StepOwner(models.TextChoices):
    INTERN = "intern", _("Intern")
    HOST = "host", _("Host")
    HOME = "home", _("Home university")
    OFFICER = "officer", _("Officer")


class StepStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("Not needed")


class CoverageKind(models.TextChoices):
    PRIVATE = "private", _("Private or travel insurance")
    PUBLIC = "public", _("Public health insurance (province or Japan's National Health Insurance)")
    HOST = "host", _("Host's insurance")
