from django.db import models
from django.utils.translation import gettext_lazy as _


class OutcomeKind(models.TextChoices):
    PUBLICATION = "publication", _("Publication")
    PATENT = "patent", _("Patent")
    HIRE = "hire", _("Intern hired")
    STARTUP = "startup", _("Start-up founded")
    CONTRACT = "contract", _("Follow-on contract or grant")
    AWARD = "award", _("Award")


class PatentOffice(models.TextChoices):
    JPO = "JPO", _("Japan Patent Office")
    CIPO = "CIPO", _("Canadian Intellectual Property Office")
    USPTO = "USPTO", _("United States Patent and Trademark Office")
    EPO = "EPO", _("European Patent Office")
    WIPO = "WIPO", _("WIPO (PCT)")
