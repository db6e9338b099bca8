"""Proposal review: a call's review round, its proposals, the reviewers' profiles, bids
and conflicts, the assignment runs and the assignment, the reviews and the decisions
(docs/review.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.organisations.fields import organisation_field
from kakehashi.review.enums import (
    AssignmentMode,
    AssignmentSource,
    BidLevel,
    ConflictReason,
    Decision,
    ProposalKind,
    RoundStatus,
)

LANGUAGES = ("en", "fr", "ja")


def validate_criteria(value) -> None:
    """A review form's criteria: a list of {key, min, max, label: {en, fr, ja},
    guidance: {en, fr, ja}} with distinct keys and min < max."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("A review form needs at least one criterion."), code="criteria")
    keys = set()
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"]:
            raise ValidationError(_("Criterion %(n)d needs a key.") % {"n": i + 1}, code="criteria")
        if item["key"] in keys:
            raise ValidationError(
                _("Criterion %(key)s appears twice.") % {"key": item["key"]}, code="criteria"
            )
        keys.add(item["key"])
        low, high = item.get("min"), item.get("max")
        if not isinstance(low, int) or not isinstance(high, int) or low >= high:
            raise ValidationError(
                _("Criterion %(key)s needs an integer scale with min below max.")
                % {"key": item["key"]},
                code="criteria",
            )
        label = item.get("label")
        if not isinstance(label, dict) or not all(label.get(lang) for lang in LANGUAGES):
            raise ValidationError(
                _("Criterion %(key)s needs a label in English, French and Japanese.")
                % {"key": item["key"]},
                code="criteria",
            )


class ReviewForm(TimestampedModel):
    """A program's review form, as data: criteria with their scales, labels and
    guidance in the three languages. Officers edit it in the admin."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="review_forms"
    )
    name = models.CharField(_("name"), max_length=limits.LABEL)
    criteria = models.JSONField(_("criteria"), default=list, validators=[validate_criteria])
    source = models.CharField(
        _("source"), max_length=limits.LINE, blank=True, help_text=_("Where the form comes from.")
    )
    review_date = models.DateField(_("review date"), null=True, blank=True)

    class Meta:
        ordering = ["program", "name"]
        verbose_name = _("review form")
        verbose_name_plural = _("review forms")

    def __str__(self) -> str:
        return self.name

    def criterion_keys(self) -> list[str]:
        return [c["key"] for c in self.criteria]


class ReviewRound(TimestampedModel):
    """A call's review: what is reviewed, by how many reviewers each, with which form."""

    call = models.OneToOneField(
        "programs.Call", on_delete=models.CASCADE, related_name="review_round"
    )
    kind = models.CharField(_("what is reviewed"), max_length=16, choices=ProposalKind.choices)
    form = models.ForeignKey(ReviewForm, on_delete=models.PROTECT, related_name="rounds")
    reviewers_per_proposal = models.PositiveSmallIntegerField(
        _("reviewers per proposal"), default=2
    )
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.BIDDING
    )
    released_at = models.DateTimeField(_("assignment released"), null=True, blank=True)
    reviews_due_at = models.DateTimeField(
        _("reviews due"),
        null=True,
        blank=True,
        help_text=_("Stored in UTC; shown in the call's time zone. Reviewers are reminded before."),
    )

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")

    def __str__(self) -> str:
        return f"{self.call} · {self.kind}"


class ReviewerProfile(TimestampedModel):
    """What a reviewer reviews: expertise (any language), fields, languages read, load."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    expertise = models.TextField(_("expertise"), max_length=limits.SHORT_TEXT, blank=True)
    fields = models.ManyToManyField(
        "research_fields.ResearchField", blank=True, related_name="+", verbose_name=_("fields")
    )
    languages = models.JSONField(
        _("languages read"), default=list, blank=True, help_text=_("Codes: en, fr, ja.")
    )
    organisation = organisation_field(_("organisation"), related_name="+", optional=True)
    max_load = models.PositiveSmallIntegerField(_("most proposals"), default=4)
    min_load = models.PositiveSmallIntegerField(_("fewest proposals"), default=0)

    class Meta:
        verbose_name = _("reviewer profile")
        verbose_name_plural = _("reviewer profiles")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        bad = [code for code in self.languages or [] if code not in LANGUAGES]
        if bad or not isinstance(self.languages, list):
            raise ValidationError({"languages": _("Languages are en, fr or ja.")})
        if self.min_load > self.max_load:
            raise ValidationError({"min_load": _("The fewest cannot exceed the most.")})


class Proposal(TimestampedModel):
    """One thing a round reviews: a project (before it is posted) or an application
    (the internship agreement, before funding). Exactly one of the two is set."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="proposals")
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("note to the authors"), max_length=limits.TEXT, blank=True)
    decided_by = actor_field()
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = _("proposal under review")
        verbose_name_plural = _("proposals under review")
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False, application__isnull=True)
                | Q(project__isnull=True, application__isnull=False),
                name="proposal_one_subject",
            ),
            models.UniqueConstraint(fields=["round", "project"], name="proposal_project_once"),
            models.UniqueConstraint(
                fields=["round", "application"], name="proposal_application_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject_project(self):
        """The project the proposal is about (an application's project too)."""
        return self.project if self.project_id else self.application.project

    @property
    def title(self) -> str:
        return self.subject_project.title

    @property
    def language(self) -> str:
        return self.subject_project.language


class Bid(TimestampedModel):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="bids")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_bids"
    )
    level = models.CharField(_("bid"), max_length=12, choices=BidLevel.choices)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="bid_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} · {self.proposal_id} · {self.level}"


class ConflictQuerySet(models.QuerySet):
    def standing(self):
        """The conflicts that keep their pair apart: all but homonym overrides."""
        return self.filter(overridden_at__isnull=True)


class Conflict(TimestampedModel):
    """A reason why `reviewer` may not review `proposal`: declared, or detected."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts"
    )
    reason = models.CharField(_("reason"), max_length=24, choices=ConflictReason.choices)
    detail = models.CharField(_("detail"), max_length=limits.LINE, blank=True)
    declared = models.BooleanField(_("declared by the reviewer"), default=False)
    # An officer's finding that a name variant is a homonym ("not the same person"):
    # the conflict stays on record, shown with the reason, and no longer excludes the
    # pair. Carried over when conflicts are detected again.
    overridden_at = models.DateTimeField(_("marked not the same person"), null=True, blank=True)
    overridden_by = actor_field()
    override_reason = models.CharField(
        _("why not the same person"), max_length=limits.LINE, blank=True
    )

    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["proposal", "reviewer", "reason"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "reviewer", "reason"], name="conflict_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} × {self.proposal_id}: {self.reason}"

    @property
    def overridden(self) -> bool:
        return self.overridden_at is not None


class AssignmentRun(TimestampedModel):
    """One run of the assignment engine: its mode, its instance's hash and what it gave
    (assignment, objective, worst score, loads, explanations)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="runs")
    mode = models.CharField(_("mode"), max_length=12, choices=AssignmentMode.choices)
    seed = models.PositiveIntegerField(_("seed"), default=0)
    input_hash = models.CharField(_("instance hash"), max_length=64)
    result = models.JSONField(_("result"), default=dict)
    affinity = models.JSONField(_("affinity parts"), default=dict)
    created_by = actor_field(blank=False)
    applied = models.BooleanField(_("applied"), default=False)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")

    def __str__(self) -> str:
        return f"{self.round} · {self.mode} #{self.pk}"

    @property
    def done(self) -> bool:
        return bool(self.result)


class Assignment(TimestampedModel):
    """`reviewer` reviews `proposal` (visible to the reviewer once the round is released)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    source = models.CharField(_("source"), max_length=8, choices=AssignmentSource.choices)
    run = models.ForeignKey(
        AssignmentRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    affinity = models.FloatField(_("affinity"), default=0.0)

    class Meta:
        ordering = ["proposal", "reviewer"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="assignment_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.proposal_id}"


class Review(TimestampedModel):
    """A reviewer's review of an assigned proposal: scores per the round's form and two
    comments, in the language they wrote it in. Submitted reviews are final."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(_("scores"), default=dict)
    comment_authors = models.TextField(
        _("comments for the authors"), max_length=limits.TEXT, blank=True
    )
    comment_committee = models.TextField(
        _("comments for the committee"), max_length=limits.TEXT, blank=True
    )
    language = models.CharField(_("language"), max_length=2, default="en")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"review of {self.assignment}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None


class DiscussionComment(TimestampedModel):
    """A comment on a proposal's discussion thread: between its reviewers (once their own
    review is submitted) and officers. Authors never see it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_comments"
    )
    text = models.TextField(_("comment"), max_length=limits.TEXT)

    class Meta:
        ordering = ["proposal", "created_at", "pk"]
        verbose_name = _("discussion comment")
        verbose_name_plural = _("discussion comments")

    def __str__(self) -> str:
        return f"{self.author} on {self.proposal_id}"
