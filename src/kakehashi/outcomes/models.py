from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.internships.fields import internship_field
from kakehashi.outcomes.crossref import doi_normalise
from kakehashi.outcomes.enums import OutcomeKind, PatentOffice


class Outcome(TimestampedModel):
    """Something an internship led to, tied to it and to the organisations involved."""

    internship = internship_field(related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=16, choices=OutcomeKind.choices)
    title = models.CharField(_("title"), max_length=limits.LINE, blank=True)
    date = models.DateField(_("date"))
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="outcomes",
        verbose_name=_("organisations involved"),
        help_text=_(
            "Besides the internship's: the employer, the incubator, co-authors' or the "
            "contract's organisations."
        ),
    )
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    metadata = models.JSONField(_("publication record"), default=dict, blank=True)
    patent_office = models.CharField(
        _("patent office"), max_length=8, choices=PatentOffice.choices, blank=True
    )
    patent_number = models.CharField(_("patent number"), max_length=40, blank=True)
    recorded_by = actor_field(_("recorded by"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["internship", "doi"],
                condition=~models.Q(doi=""),
                name="one_outcome_per_doi_per_internship",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self) -> None:
        errors = {}
        if self.kind == OutcomeKind.PUBLICATION:
            if not self.doi:
                errors["doi"] = _("A publication needs its DOI.")
            else:
                try:
                    self.doi = doi_normalise(self.doi)
                except ValidationError as exc:
                    errors["doi"] = exc.messages
        elif self.doi:
            errors["doi"] = _("Only a publication has a DOI.")
        if self.kind == OutcomeKind.PATENT:
            if not self.patent_office:
                errors["patent_office"] = _("A patent needs its office.")
            if not self.patent_number.strip():
                errors["patent_number"] = _("A patent needs its number.")
        elif self.patent_office or self.patent_number:
            errors["patent_number"] = _("Only a patent has an office and a number.")
        if self.date and self.internship_id and self.date < self.internship.start_date:
            errors["date"] = _("An outcome of the internship cannot come before it started.")
        if not self.title.strip() and self.kind != OutcomeKind.HIRE:
            errors.setdefault("title", _("Give a title or a short description."))
        if errors:
            raise ValidationError(errors)
