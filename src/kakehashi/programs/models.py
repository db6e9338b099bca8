import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kakehashi.core.enums import Direction
from kakehashi.core.models import TimestampedModel
from kakehashi.people.enums import AcademicLevel
from kakehashi.people.models import validate_timezone
from kakehashi.programs.enums import CallStatus, PhaseKind
from kakehashi.programs.policy import MatchPolicy


class _Named(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.shown()[0]

    def shown(self, field: str = "name") -> tuple[str, str]:
        """`(name, its language)` in the active language, falling back to English."""
        lang = (get_language() or "en")[:2]
        text = getattr(self, f"name_{lang}", "")
        return (text, lang) if text else (self.name_en, "en")


class Program(_Named, TimestampedModel):
    """A funded scheme: who may go where, at what level, for how long, funded how."""

    slug = models.SlugField(_("slug"), unique=True)
    directions = models.JSONField(_("directions"), default=list)
    eligible_levels = models.JSONField(_("eligible levels"), default=list)
    unit_weeks_min = models.PositiveSmallIntegerField(_("shortest unit (weeks)"), default=12)
    unit_weeks_max = models.PositiveSmallIntegerField(_("longest unit (weeks)"), default=24)
    max_units_per_person = models.PositiveSmallIntegerField(_("units per person"), default=1)
    funding_rules = models.JSONField(
        _("funding rules"), default=list, blank=True, help_text=_("Rules as data, per currency.")
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def clean(self) -> None:
        errors = {}
        # An empty list is refused by the field itself (blank=False).
        bad = [d for d in self.directions if d not in Direction.values]
        if bad:
            errors["directions"] = _("Directions must be chosen from CA_JP and JP_CA.")
        bad_levels = [lv for lv in self.eligible_levels if lv not in AcademicLevel.values]
        if bad_levels:
            errors["eligible_levels"] = _(
                "Eligible levels must be chosen from masters, phd, postdoc."
            )
        if self.unit_weeks_min > self.unit_weeks_max:
            errors["unit_weeks_min"] = _("The shortest unit is longer than the longest.")
        if errors:
            raise ValidationError(errors)


class Call(_Named, TimestampedModel):
    """One round of a program, with its phases, ranking limit and match policy."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="calls")
    slug = models.SlugField(_("slug"), unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    timezone = models.CharField(
        _("time zone of the call"),
        max_length=64,
        default="Asia/Tokyo",
        validators=[validate_timezone],
    )
    ranking_limit = models.PositiveSmallIntegerField(_("ranking limit"), default=5)
    match_policy = models.JSONField(
        _("match policy"), default=dict, blank=True, help_text=_("See docs/calls.md.")
    )
    eligibility = models.JSONField(
        _("eligibility rules"),
        default=dict,
        blank=True,
        help_text=_("Beyond the program's levels and directions; see docs/calls.md."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    @property
    def policy(self) -> MatchPolicy:
        """The stored match policy, typed (the default one when none is set)."""
        return MatchPolicy.from_stored(self.match_policy)

    def phase(self, kind: str) -> "CallPhase | None":
        """The call's phase of `kind`, or None; read from the prefetched phases when the
        caller prefetched them (``prefetch_related("phases")``), so a list pays no query
        per call."""
        return next((p for p in self.phases.all() if p.kind == kind), None)

    def clean(self) -> None:
        if not 1 <= self.ranking_limit <= 20:
            raise ValidationError({"ranking_limit": _("The ranking limit must be from 1 to 20.")})


class CallPhase(models.Model):
    """A window of a call. Stored in UTC; `timezone` names the zone its deadline is set in."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=16, choices=PhaseKind.choices)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])

    class Meta:
        ordering = ["opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="one_phase_of_each_kind")
        ]
        verbose_name = _("call phase")
        verbose_name_plural = _("call phases")

    def __str__(self) -> str:
        return f"{self.call} · {self.get_kind_display()}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("A phase must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    @property
    def closes_local(self):
        """The deadline in the zone it was set in."""
        return self.closes_at.astimezone(zoneinfo.ZoneInfo(self.timezone))

    @property
    def opens_local(self):
        return self.opens_at.astimezone(zoneinfo.ZoneInfo(self.timezone))
