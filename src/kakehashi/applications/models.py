from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.core import limits
from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel


class Application(TimestampedModel):
    """A candidate's application to one project of a call.

    `rank` is the application's place in the candidate's rank list for the call
    (1 = first choice); null while unranked. The rank list is therefore always a
    subset of the candidate's own applications.
    """

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="applications"
    )
    call = models.ForeignKey("programs.Call", on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    statement = models.TextField(
        _("motivation statement"),
        blank=True,
        validators=[limits.text_max_length_validator(limits.STATEMENT)],
    )
    submitted_at = models.DateTimeField(_("submitted"))
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        ordering = ["rank", "submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "project"], name="apply_once"),
            models.UniqueConstraint(
                fields=["candidate", "call", "rank"],
                condition=Q(rank__isnull=False),
                name="one_application_per_rank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.project}"


class HostRank(TimestampedModel):
    """One line of a supervisor's ranking of the applicants to their projects in a call.

    An applicant without a line is unranked: unacceptable to that supervisor.
    """

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="host_ranks"
    )
    call = models.ForeignKey("programs.Call", on_delete=models.CASCADE, related_name="host_ranks")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ranked_by"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("host ranking entry")
        verbose_name_plural = _("host ranking entries")
        constraints = [
            models.UniqueConstraint(
                fields=["supervisor", "call", "candidate"], name="rank_candidate_once"
            ),
            models.UniqueConstraint(fields=["supervisor", "call", "rank"], name="one_per_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.supervisor}: {self.rank}. {self.candidate}"


class RankListVersion(models.Model):
    """One saved version of a candidate's rank list for a call, kept for good.

    Every save (and every withdrawal, which shortens the list) adds the next number,
    with the whole ordered list as it was then: the candidate can prove what they
    submitted, and officers can check it, like a certified list. Never edited.
    `entries`: ``[{"rank", "project_id", "key", "title"}]`` best first (the key and
    title as they were when saved).
    """

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rank_list_versions"
    )
    call = models.ForeignKey(
        "programs.Call", on_delete=models.PROTECT, related_name="rank_list_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    saved_at = models.DateTimeField(_("saved"))
    actor = actor_field()
    reason = models.CharField(_("reason"), max_length=16, default="saved")
    entries = models.JSONField(_("ranked projects"), default=list, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("rank list version")
        verbose_name_plural = _("rank list versions")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "call", "number"], name="rank_list_version_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.call} · v{self.number}"
