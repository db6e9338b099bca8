from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    """Kinds of recorded activity that tie organisations (the network engine's kinds)."""

    INTERNSHIP = "internship", _("Internship")
    CO_SUPERVISION = "co_supervision", _("Co-supervision")
    PUBLICATION = "publication", _("Co-authored publication")
    HIRE = "hire", _("Hire")
    STARTUP = "startup", _("Start-up")
    CONTRACT = "contract", _("Follow-on contract or grant")
    AWARD = "award", _("Award")
