from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.core.models import TimestampedModel
from kakehashi.internships.fields import internship_field
from kakehashi.programs.fields import program_field
from kakehashi.reports.enums import Anchor, FormKind, QuestionType, Respondent


class _Texts(models.Model):
    """A text in the three languages; the reader's first, English when it is missing."""

    text_en = models.CharField(_("text (English)"), max_length=limits.LINE)
    text_fr = models.CharField(_("text (French)"), max_length=limits.LINE, blank=True)
    text_ja = models.CharField(_("text (Japanese)"), max_length=limits.LINE, blank=True)

    class Meta:
        abstract = True

    @property
    def text(self) -> str:
        lang = (translation.get_language() or "en")[:2]
        return getattr(self, f"text_{lang}", "") or self.text_en


class ReportForm(_Texts, TimestampedModel):
    """A program's report form or exit survey, as data officers edit (the admin)."""

    program = program_field(related_name="report_forms", on_delete=models.CASCADE)
    kind = models.CharField(_("kind"), max_length=16, choices=FormKind.choices)
    respondent = models.CharField(_("who answers"), max_length=16, choices=Respondent.choices)
    due_days = models.SmallIntegerField(
        _("due (days)"), help_text=_("Days after the anchor; negative: before it.")
    )
    due_anchor = models.CharField(_("from"), max_length=8, choices=Anchor.choices)
    source = models.CharField(_("source"), max_length=limits.LINE, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["program", "kind", "respondent"]
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "respondent"], name="one_form_per_kind_and_respondent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_kind_display()} · {self.get_respondent_display()}"


class ReportQuestion(_Texts):
    form = models.ForeignKey(
        ReportForm, on_delete=models.CASCADE, related_name="questions", verbose_name=_("form")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=40)
    type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    choices = models.JSONField(
        _("choices"), default=list, blank=True,
        help_text=_("For one choice: a list of {\"value\", \"en\", \"fr\", \"ja\"}."),
    )  # fmt: skip
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["form", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["form", "key"], name="one_question_per_key")]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        if self.type == QuestionType.CHOICE:
            ok = (
                isinstance(self.choices, list)
                and self.choices
                and all(
                    isinstance(c, dict) and c.get("value") and c.get("en") for c in self.choices
                )
            )
            if not ok:
                raise ValidationError(
                    {
                        "choices": _(
                            "A choice question needs choices, each with a value and English."
                        )
                    }
                )

    def choice_label(self, value: str) -> str:
        lang = (translation.get_language() or "en")[:2]
        for c in self.choices:
            if c.get("value") == value:
                return c.get(lang) or c["en"]
        return value


class Report(TimestampedModel):
    """One person's answers to one form about one internship."""

    form = models.ForeignKey(
        ReportForm, on_delete=models.PROTECT, related_name="reports", verbose_name=_("form")
    )
    internship = internship_field(related_name="reports")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports",
        verbose_name=_("respondent"),
    )  # fmt: skip
    language = models.CharField(_("language"), max_length=2)
    answers = models.JSONField(_("answers"), default=dict)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "internship", "respondent"], name="one_report_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form} · {self.internship_id} · {self.respondent}"
