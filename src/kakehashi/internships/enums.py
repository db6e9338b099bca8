from django.db import models
from django.utils.translation import gettext_lazy as _


class InternshipStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


class Party(models.TextChoices):
    """The parties of an internship's agreement, in the order they are shown."""

    INTERN = "intern", _("Intern")
    HOST_SUPERVISOR = "host_supervisor", _("Host supervisor")
    HOME_SUPERVISOR = "home_supervisor", _("Home supervisor")
    PARTNER_SIGNATORY = "partner_signatory", _("Partner's signatory")
    OFFICER = "officer", _("Program officer")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: awaiting approvals")
    IN_FORCE = "in_force", _("In force")


class AmendmentKind(models.TextChoices):
    EXTENSION = "extension", _("Extension")
    NEW_DATES = "new_dates", _("New dates")
    EARLY_END = "early_end", _("Early end")


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed: awaiting approvals")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SecurityListKind(models.TextChoices):
    """The two lists Canada's research-security policy names."""

    ORGANISATIONS = "organisations", _("Named research organisations")
    AREAS = "areas", _("Sensitive technology research areas")


class Sensitivity(models.TextChoices):
    """An officer's decision whether the project is in a sensitive technology area."""

    UNDECIDED = "", _("Not decided yet")
    NOT_SENSITIVE = "not_sensitive", _("Not in a sensitive technology research area")
    SENSITIVE = "sensitive", _("In a sensitive technology research area")


class ScreeningOutcome(models.TextChoices):
    """The host's export-control (deemed export) screening of the incoming intern."""

    CLEARED = "cleared", _("Cleared: no controlled technology, or no licence needed")
    LICENCE_OBTAINED = "licence_obtained", _("Cleared: export licence obtained")
    RESTRICTED = "restricted", _("Cleared with no access to controlled technology")
    REFUSED = "refused", _("Not cleared")
