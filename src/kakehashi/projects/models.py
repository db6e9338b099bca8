from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.core.enums import Language
from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.organisations.fields import organisation_field
from kakehashi.organisations.regions import REGIONS
from kakehashi.projects.enums import ProjectStatus, SupervisorRole
from kakehashi.projects.validators import validate_title, validate_translations


class Project(TimestampedModel):
    """An internship opportunity at a host, written in its original language."""

    call = models.ForeignKey("programs.Call", on_delete=models.PROTECT, related_name="projects")
    key = models.SlugField(_("key"), max_length=80, unique=True)
    host = organisation_field(_("host organisation"), related_name="projects")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    title = models.CharField(_("title"), max_length=limits.LINE, validators=[validate_title])
    summary = models.TextField(
        _("summary"), blank=True, validators=[limits.text_max_length_validator(limits.SHORT_TEXT)]
    )
    description = models.TextField(
        _("description"), validators=[limits.text_max_length_validator(limits.LONG_TEXT)]
    )
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_("Optional: {language: {title, summary, description}}"),
        validators=[validate_translations],
    )
    fields = models.ManyToManyField(
        "research_fields.ResearchField", blank=True, verbose_name=_("research fields")
    )
    skills = models.JSONField(
        _("skills"), default=list, blank=True, validators=[limits.TextListValidator()]
    )
    working_language = models.CharField(
        _("working language"), max_length=2, choices=Language.choices
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=6)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    # The same bound on every database (SQLite would take far more, PostgreSQL not).
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=1, validators=[MaxValueValidator(32767)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    #: When it was last submitted for vetting (the vetting queue's age); None in draft.
    submitted_at = models.DateTimeField(_("submitted for vetting"), null=True, blank=True)
    #: What the host's admin or an officer said when they last returned it to draft;
    #: shown on its edit page until it is submitted again (each return is audited).
    return_comment = models.TextField(
        _("comment on return"),
        blank=True,
        validators=[limits.text_max_length_validator(limits.SHORT_TEXT)],
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="ProjectSupervisor",
        related_name="supervised_projects",
        verbose_name=_("supervisors"),
    )

    class Meta:
        ordering = ["-created_at", "key"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.region and self.region not in REGIONS:
            errors["region"] = _("“%(code)s” is not an ISO 3166-2 code of Canada or Japan.") % {
                "code": self.region
            }
        if self.start_date and self.end_date and self.start_date >= self.end_date:
            errors["end_date"] = _("The project must end after it starts.")
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = _("A project has at least one place.")
        if errors:
            raise ValidationError(errors)

    def translated(self, field: str) -> str:
        """A field in the viewer's language when a translation exists, else the original."""
        lang = (get_language() or "en")[:2]
        # Rows stored before translations were validated may hold any JSON: ignore it.
        entry = self.translations.get(lang) if isinstance(self.translations, dict) else None
        text = entry.get(field) if isinstance(entry, dict) else None
        return text if isinstance(text, str) and text else getattr(self, field)

    def shown(self, field: str) -> tuple[str, str]:
        """`(text, language)` of a field as a reader of the active language sees it: the
        translation when there is one, else the original in the posting's language."""
        lang = (get_language() or "en")[:2]
        text = self.translated(field)
        original = getattr(self, field)
        return text, (lang if text != original else self.language)

    @property
    def weeks(self) -> int:
        return (self.end_date - self.start_date).days // 7


class ProjectSupervisor(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supervisions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions"
    )
    role = models.CharField(_("role"), max_length=16, choices=SupervisorRole.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("project supervisor")
        verbose_name_plural = _("project supervisors")
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="supervise_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.project}"


class SupervisionInvitation(TimestampedModel):
    """A person named as a supervisor of a project by someone else.

    They are not a supervisor (not listed on pages, API answers, exports, not matched,
    no rights on the project) until they accept: accepting turns the invitation into
    a `ProjectSupervisor`, declining deletes it (``projects.services``). Kept apart from
    `ProjectSupervisor` so that every reader of a project's supervisors sees only the
    accepted ones without a filter of its own."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervision_invitations"
    )
    role = models.CharField(_("role"), max_length=16, choices=SupervisorRole.choices)
    #: The place among the project's supervisors the person was named at.
    order = models.PositiveSmallIntegerField(default=0)
    invited_by = actor_field(_("invited by"))

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("invitation to supervise")
        verbose_name_plural = _("invitations to supervise")
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="invite_once")]

    def __str__(self) -> str:
        return f"{self.person} → {self.project}"


class ProjectVersion(models.Model):
    """One numbered edit of a project, kept for good (never edited).

    `before`/`after` hold the changed fields only (research fields by code,
    supervisors as ``[person id, role]``). `after_opening`: made once the call's
    application phase had opened or the project had applications, so candidates
    may have applied to the earlier text (the project page says so).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    edited_at = models.DateTimeField(_("edited"))
    actor = actor_field()
    after_opening = models.BooleanField(_("edited after applications opened"), default=False)
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("project version")
        verbose_name_plural = _("project versions")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="project_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.project} · v{self.number}"

    @property
    def changed(self) -> list[dict]:
        """``[{"field", "label", "before", "after"}]`` in the project's field order."""
        labels = {
            f.name: f.verbose_name for f in Project._meta.get_fields() if hasattr(f, "verbose_name")
        }
        return [
            {
                "field": name,
                "label": labels.get(name, name),
                "before": self.before.get(name),
                "after": self.after.get(name),
            }
            for name in self.after
        ]
