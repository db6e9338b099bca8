from django.db import models
from django.utils.translation import gettext_lazy as _


class PhaseKind(models.TextChoices):
    """The phases of a call, in order."""

    APPLICATIONS = "applications", _("Applications and candidate ranking")
    HOST_RANKING = "host_ranking", _("Host ranking")
    MATCHING = "matching", _("Matching")
    OFFERS = "offers", _("Offers")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
