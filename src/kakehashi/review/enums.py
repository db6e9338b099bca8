from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalKind(models.TextChoices):
    PROJECTS = "projects", _("Project proposals, before they are posted")
    APPLICATIONS = "applications", _("Internship agreements, before funding")


class RoundStatus(models.TextChoices):
    BIDDING = "bidding", _("Bidding")
    REVIEWING = "reviewing", _("Reviewing (assignment released)")
    CLOSED = "closed", _("Closed")


class BidLevel(models.TextChoices):
    EAGER = "eager", _("Eager")
    WILLING = "willing", _("Willing")
    NOT_WILLING = "not_willing", _("Not willing")
    CONFLICT = "conflict", _("Conflict of interest")


#: A bid's part of the affinity (0–1): no bid counts as between willing and not willing.
BID_VALUE = {"eager": 1.0, "willing": 0.6, "": 0.3, "not_willing": 0.0}


class ConflictReason(models.TextChoices):
    DECLARED = "declared", _("Declared")
    SAME_ORGANISATION = "same_organisation", _("Same organisation")
    RELATED_ORGANISATION = "related_organisation", _("Parent or child organisation")
    HOME_UNIVERSITY = "home_university", _("Same home university")
    CO_SUPERVISION = "co_supervision", _("Co-supervision")
    AUTHOR = "author", _("Author of the proposal")
    NAME_VARIANT = "name_variant", _("Same name in another script")
    CO_AUTHORSHIP = "co_authorship", _("Co-authorship")


class AssignmentMode(models.TextChoices):
    SUM = "sum", _("Largest total affinity")
    FAIR = "fair", _("Best for the worst-served proposal")
    RANDOMIZED = "randomized", _("Randomized (each pair at most 50%)")


class AssignmentSource(models.TextChoices):
    ENGINE = "engine", _("Assignment run")
    MANUAL = "manual", _("Added by hand")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REVISE = "revise", _("Revise")
    REJECT = "reject", _("Reject")
