from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.labels import MODE_SHORT_LABELS
from kakehashi.organisations.fields import organisation_field


class MatchRun(TimestampedModel):
    """One run of the match engine on a frozen snapshot of a call's rankings.

    `snapshot` is the engine instance exactly as solved (rank lists, host
    rankings, capacities, groups) and `input_hash` its canonical hash, so a run
    can be reproduced byte for byte. Once published, a run is immutable.
    Round 2 runs keep the placements of `base_run` and fill what is left.
    """

    call = models.ForeignKey("programs.Call", on_delete=models.PROTECT, related_name="match_runs")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    label = models.CharField(_("label"), max_length=200, blank=True)
    policy = models.JSONField(_("match policy"), default=dict, blank=True)
    mode = models.CharField(_("mode"), max_length=16, default="student")
    seed = models.BigIntegerField(_("seed"), default=0)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    input_hash = models.CharField(_("input hash"), max_length=100, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    result = models.JSONField(_("result"), null=True, blank=True)
    summary = models.JSONField(_("summary"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    base_run = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_rounds"
    )
    created_by = actor_field()
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = actor_field()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "round"],
                condition=Q(published_at__isnull=False),
                name="one_published_run_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.call} · run {self.pk} (round {self.round})"

    @property
    def mode_short(self) -> str:
        """The mode's short name in the reader's language."""
        return str(MODE_SHORT_LABELS.get(self.mode, self.mode))

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def save(self, *args, **kwargs):
        # A published run is the public record: its row never changes again.
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("published_at", flat=True)
            if stored and stored[0] is not None:
                raise ValidationError(_("A published run cannot be changed."), code="immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise ValidationError(_("A published run cannot be deleted."), code="immutable")
        return super().delete(*args, **kwargs)


class HomePriority(TimestampedModel):
    """A home's order of its own candidates in a call, for a balanced exchange: who
    goes first when places are scarce (the home's bylaws). A home is a country (its
    national funder; used when the exchange balances countries) or an organisation
    (used when it balances organisations). `candidates` holds person numbers, first
    goes first; candidates left out follow in the run's seeded lottery."""

    call = models.ForeignKey(
        "programs.Call", on_delete=models.CASCADE, related_name="home_priorities"
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    organisation = organisation_field(
        _("organisation"), related_name="+", optional=True, on_delete=models.CASCADE
    )
    candidates = models.JSONField(_("candidates in order"), default=list, blank=True)
    updated_by = actor_field()

    class Meta:
        ordering = ["call", "country", "organisation"]
        verbose_name = _("home priority")
        verbose_name_plural = _("home priorities")
        constraints = [
            models.CheckConstraint(
                condition=(Q(country="") & Q(organisation__isnull=False))
                | (~Q(country="") & Q(organisation__isnull=True)),
                name="home_priority_one_home",
            ),
            models.UniqueConstraint(
                fields=["call", "country"],
                condition=Q(organisation__isnull=True),
                name="one_priority_per_country",
            ),
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=Q(organisation__isnull=False),
                name="one_priority_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} · {self.country or self.organisation}"
