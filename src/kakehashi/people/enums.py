from django.db import models
from django.utils.translation import gettext_lazy as _


class LanguageLevel(models.TextChoices):
    """CEFR levels, JLPT levels (Japanese only) and native."""

    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    N5 = "N5", _("JLPT N5")
    N4 = "N4", _("JLPT N4")
    N3 = "N3", _("JLPT N3")
    N2 = "N2", _("JLPT N2")
    N1 = "N1", _("JLPT N1")
    NATIVE = "native", _("Native")


class AcademicLevel(models.TextChoices):
    MASTERS = "masters", _("Master's student")
    PHD = "phd", _("PhD student")
    POSTDOC = "postdoc", _("Postdoctoral fellow")


class AffiliationRole(models.TextChoices):
    STUDENT = "student", _("Student")
    RESEARCHER = "researcher", _("Researcher")
    SUPERVISOR = "supervisor", _("Host supervisor")
    ADMIN = "admin", _("Organisation admin")


class Role(models.TextChoices):
    """The roles a person can hold; one person may hold several."""

    CANDIDATE = "candidate", _("Candidate")
    SUPERVISOR = "supervisor", _("Host supervisor")
    ORG_ADMIN = "org_admin", _("Organisation admin")
    OFFICER = "officer", _("Program officer")
    REVIEWER = "reviewer", _("Reviewer")


class NameOrder(models.TextChoices):
    """How a person's name in Latin script is written (people.names)."""

    AUTO = "", _("Automatic: family name first for a Japanese name, else given name first")
    FAMILY_FIRST = "family_first", _("Family name first")
    GIVEN_FIRST = "given_first", _("Given name first")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
