from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.core.models import TimestampedModel
from kakehashi.network.enums import ActivityKind
from kakehashi.organisations.fields import organisation_field


class RecordedActivity(TimestampedModel):
    """An activity that tied organisations and that Kakehashi did not itself run: the
    partnership's history before the software, or a tie an officer learnt of. Internships,
    co-supervision and outcomes recorded in Kakehashi are read from their own apps."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)]
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        related_name="recorded_activities",
        verbose_name=_("organisations"),
    )
    route_from = organisation_field(_("from (internships)"), related_name="+", optional=True)
    route_to = organisation_field(_("to (internships)"), related_name="+", optional=True)
    description = models.CharField(_("description"), max_length=limits.LINE, blank=True)
    source = models.CharField(
        _("source"), max_length=limits.LINE, help_text=_("Where this was learnt.")
    )
    invented = models.BooleanField(
        _("invented"), default=False, help_text=_("Demo content: not a real activity.")
    )

    class Meta:
        ordering = ["year", "id"]
        verbose_name = _("recorded activity")
        verbose_name_plural = _("recorded activities")

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()}: {self.description or self.pk}"

    def clean(self) -> None:
        if bool(self.route_from_id) != bool(self.route_to_id):
            raise ValidationError(_("Give both ends of the route, or neither."))
        if self.route_from_id and self.route_from_id == self.route_to_id:
            raise ValidationError(_("A route goes from one organisation to another."))


class NetworkSnapshot(TimestampedModel):
    """The engine's measures of the whole history at one moment (a `network.measure` job)."""

    engine_version = models.CharField(_("engine version"), max_length=40)
    history_hash = models.CharField(_("history hash"), max_length=64)
    organisations_count = models.PositiveIntegerField(_("organisations"))
    activities_count = models.PositiveIntegerField(_("activities"))
    ties_count = models.PositiveIntegerField(_("ties"))
    # The engine's result, split so that each page reads only what it shows (a national
    # history's ties, measures and conduits are megabytes): `result` holds the rest.
    result = models.JSONField(_("result"))
    summary = models.JSONField(_("summary"), default=dict)
    graph = models.JSONField(_("graph"), default=dict)
    conduits = models.JSONField(_("conduits"), default=list)
    conduits_recent = models.JSONField(_("recent conduits"), default=list)
    measures = models.JSONField(_("measures"), default=dict)
    ties = models.JSONField(_("ties"), default=list)
    names = models.JSONField(
        _("names"), default=dict, help_text=_("Organisations' names and attributes by id.")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = _("network snapshot")
        verbose_name_plural = _("network snapshots")

    def __str__(self) -> str:
        return f"network {self.created_at:%Y-%m-%d %H:%M} ({self.ties_count} ties)"
