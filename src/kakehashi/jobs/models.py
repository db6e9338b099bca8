from django.db import models
from django.utils.translation import gettext_lazy as _

from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.jobs.enums import JobStatus


class Job(TimestampedModel):
    """One piece of long work (a match run, re-embedding texts, a report) and its progress.

    Runs in a worker, never in a web request: Huey's consumer on its SQLite queue in
    the embedded default, Celery workers on Redis in production (docs/architecture.md,
    Background jobs). Pages poll it to draw a progress bar. A running job's
    `heartbeat_at` moves while its worker lives; the reaper re-queues one whose
    heartbeat stopped, counting `attempts`, and fails it after the last one.
    """

    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = actor_field(related_name=None)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)
