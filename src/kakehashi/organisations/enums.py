from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    COMPANY = "company", _("Company")
    INCUBATOR = "incubator", _("Incubator")
    GOVERNMENT = "government", _("Government")
    NONPROFIT = "nonprofit", _("Non-profit")
