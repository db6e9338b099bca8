from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kakehashi.core.enums import Direction, Language
from kakehashi.core.models import TimestampedModel
from kakehashi.internships.enums import InternshipStatus
from kakehashi.people.enums import AcademicLevel


class Internship(TimestampedModel):
    """The placement an accepted offer starts: who goes where, from where, when.

    What the offer, the project and the intern's profile said at acceptance is copied
    here (direction, level, home university, host, place, dates, working language), so
    later edits to a profile or a project never rewrite an internship; its own changes
    go through its services and are audited.
    """

    offer = models.OneToOneField(
        "offers.Offer", on_delete=models.PROTECT, related_name="internship", verbose_name=_("offer")
    )
    intern = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="internships",
        verbose_name=_("intern"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="internships",
        verbose_name=_("project"),
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="internships",
        verbose_name=_("program"),
    )
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    level = models.CharField(_("academic level"), max_length=16, choices=AcademicLevel.choices)
    home_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="internships_from",
        verbose_name=_("home university"),
        null=True,
        blank=True,
    )
    home_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="internships_home_supervised",
        verbose_name=_("home supervisor"),
        null=True,
        blank=True,
    )
    host = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="internships_hosted",
        verbose_name=_("host"),
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="internships_partnered",
        verbose_name=_("industry partner"),
        null=True,
        blank=True,
    )
    region = models.CharField(_("region"), max_length=6, help_text=_("ISO 3166-2 code"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    working_language = models.CharField(
        _("working language"), max_length=2, choices=Language.choices
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InternshipStatus.choices,
        default=InternshipStatus.PLANNED,
    )

    class Meta:
        ordering = ["start_date", "id"]
        verbose_name = _("internship")
        verbose_name_plural = _("internships")

    def __str__(self) -> str:
        return f"{self.intern} @ {self.host} ({self.start_date}–{self.end_date})"

    @property
    def host_country(self) -> str:
        return Direction.host_country(self.direction)

    @property
    def home_country(self) -> str:
        return self.direction.split("_")[0]

    @property
    def last_day(self):
        """The internship's last day: the early end when there is one."""
        return self.ended_on or self.end_date

    def clean(self) -> None:
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValidationError({"end_date": _("The internship ends before it starts.")})
        if self.ended_on and not (self.start_date <= self.ended_on <= self.end_date):
            raise ValidationError(
                {"ended_on": _("An early end must fall within the internship's dates.")}
            )
