from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kakehashi.core.enums import Direction, Language
from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.internships.enums import (
    AgreementStatus,
    AmendmentKind,
    AmendmentStatus,
    InternshipStatus,
    Party,
    ScreeningOutcome,
    SecurityListKind,
    Sensitivity,
)
from kakehashi.internships.fields import internship_field
from kakehashi.organisations.fields import organisation_field
from kakehashi.people.enums import AcademicLevel
from kakehashi.programs.fields import program_field


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
    program = program_field(related_name="internships")
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    level = models.CharField(_("academic level"), max_length=16, choices=AcademicLevel.choices)
    home_organisation = organisation_field(
        _("home university"), related_name="internships_from", optional=True
    )
    home_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="internships_home_supervised",
        verbose_name=_("home supervisor"),
        null=True,
        blank=True,
    )
    host = organisation_field(_("host"), related_name="internships_hosted")
    partner = organisation_field(
        _("industry partner"), related_name="internships_partnered", optional=True
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


# ---------------------------------------------------------------- templates (data)


def in_language(texts: dict, lang: str | None = None) -> tuple[str, str]:
    """`(text, its language)` of a ``{"en": …, "fr": …, "ja": …}`` dict in `lang` (the
    active language by default), falling back to English, then any."""
    lang = (lang or get_language() or "en")[:2]
    for code in (lang, "en", "fr", "ja"):
        if texts.get(code):
            return texts[code], code
    return "", "en"


class _Trilingual(models.Model):
    """A text in English, French and Japanese (French and Japanese may be left empty:
    the English one is shown then)."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.shown()[0]

    def texts(self, field: str) -> dict[str, str]:
        return {code: getattr(self, f"{field}_{code}") for code in ("en", "fr", "ja")}

    def shown(self, field: str = "title") -> tuple[str, str]:
        return in_language(self.texts(field))


class AgreementTemplate(TimestampedModel):
    """A program's agreement template: its sections and intellectual-property options,
    edited by officers in the Django admin. An agreement copies the text it uses when
    it is drafted, so a later edit of the template never rewrites one."""

    program = program_field(related_name="agreement_templates")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("New agreements use the newest template in use.")
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Who wrote the text, or where it is from."),
    )
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    invented = models.BooleanField(
        _("invented example"),
        default=False,
        help_text=_("Demonstration text, not a real agreement."),
    )

    class Meta:
        ordering = ["program", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="one_template_version")
        ]
        verbose_name = _("agreement template")
        verbose_name_plural = _("agreement templates")

    def __str__(self) -> str:
        return f"{self.program} v{self.version}"


class TemplateSection(_Trilingual):
    template = models.ForeignKey(
        AgreementTemplate,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("template"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200, blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=20000)
    body_fr = models.TextField(_("text (French)"), max_length=20000, blank=True)
    body_ja = models.TextField(_("text (Japanese)"), max_length=20000, blank=True)

    class Meta:
        ordering = ["template", "order", "id"]
        verbose_name = _("agreement section")
        verbose_name_plural = _("agreement sections")

    def __str__(self) -> str:
        return self.title_en


class IPOption(_Trilingual):
    """One intellectual-property option a program offers, with its terms."""

    template = models.ForeignKey(
        AgreementTemplate,
        on_delete=models.CASCADE,
        related_name="ip_options",
        verbose_name=_("template"),
    )
    key = models.SlugField(_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_fr = models.CharField(_("label (French)"), max_length=200, blank=True)
    label_ja = models.CharField(_("label (Japanese)"), max_length=200, blank=True)
    text_en = models.TextField(_("terms (English)"), max_length=20000)
    text_fr = models.TextField(_("terms (French)"), max_length=20000, blank=True)
    text_ja = models.TextField(_("terms (Japanese)"), max_length=20000, blank=True)

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "key"], name="one_ip_option_per_key")
        ]
        verbose_name = _("intellectual-property option")
        verbose_name_plural = _("intellectual-property options")

    def __str__(self) -> str:
        return self.label_en

    def snapshot(self) -> dict:
        return {"key": self.key, "label": self.texts("label"), "text": self.texts("text")}


# ---------------------------------------------------------------- agreement


class Agreement(TimestampedModel):
    """The internship's agreement: research plan in two languages, dates, budget,
    intellectual-property terms, and the parties' approvals. In force once every party
    has approved its current version; then changes are amendments."""

    internship = models.OneToOneField(
        Internship, on_delete=models.CASCADE, related_name="agreement", verbose_name=_("internship")
    )
    template = models.ForeignKey(
        AgreementTemplate,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("template"),
    )
    sections = models.JSONField(_("sections"), default=list)
    plan_intern_language = models.CharField(
        _("language of the intern's plan"), max_length=2, choices=Language.choices
    )
    plan_intern = models.TextField(
        _("research plan (intern's language)"), blank=True, max_length=20000
    )
    plan_host_language = models.CharField(
        _("language of the host's plan"), max_length=2, choices=Language.choices
    )
    plan_host = models.TextField(_("research plan (host's language)"), blank=True, max_length=20000)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    ip_option = models.ForeignKey(
        IPOption,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("intellectual property"),
        null=True,
        blank=True,
    )
    ip_terms = models.JSONField(_("intellectual-property terms"), default=dict, blank=True)
    partner_signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agreements_signed_for_partner",
        verbose_name=_("partner's signatory"),
        null=True,
        blank=True,
    )
    budget = models.JSONField(_("budget"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Each edit of a draft makes a new version.")
    )
    in_force_at = models.DateTimeField(_("in force since"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"agreement {self.pk} ({self.internship_id})"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValidationError({"end_date": _("The internship ends before it starts.")})


class Amendment(TimestampedModel):
    """A change to an agreement in force (extension, new dates, early end), approved by
    the parties again; applied to the agreement and the internship on the last approval."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("agreement")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=16, choices=AmendmentKind.choices)
    start_date = models.DateField(_("new start"), null=True, blank=True)
    end_date = models.DateField(_("new end"), null=True, blank=True)
    ended_on = models.DateField(_("last day"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=4000)
    changes = models.JSONField(_("changes"), default=dict)
    budget = models.JSONField(_("budget"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="amendments_proposed",
        verbose_name=_("proposed by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_amendment_number")
        ]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self) -> str:
        return f"amendment {self.number} ({self.get_kind_display()})"


class Approval(models.Model):
    """One party's approval of a version of an agreement, or of an amendment."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("agreement")
    )
    amendment = models.ForeignKey(
        Amendment,
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name=_("amendment"),
        null=True,
        blank=True,
    )
    party = models.CharField(_("party"), max_length=20, choices=Party.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="agreement_approvals",
        verbose_name=_("approved by"),
    )
    version = models.PositiveIntegerField(_("version approved"))
    approved_at = models.DateTimeField(_("approved"))

    class Meta:
        ordering = ["approved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "party", "version"],
                condition=models.Q(amendment__isnull=True),
                name="one_agreement_approval_per_party",
            ),
            models.UniqueConstraint(
                fields=["amendment", "party"],
                condition=models.Q(amendment__isnull=False),
                name="one_amendment_approval_per_party",
            ),
        ]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.person}"


# ---------------------------------------------------------------- research security


class SecurityList(TimestampedModel):
    """One imported version of a research-security list (named research organisations,
    or sensitive technology research areas), with where it came from. The newest
    version of each kind is the one in use; older ones stay, as attestations name them."""

    kind = models.CharField(_("list"), max_length=16, choices=SecurityListKind.choices)
    version = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("source"), max_length=300)
    published_on = models.DateField(_("published on"))
    imported_by = actor_field(_("imported by"))
    sha256 = models.CharField(_("file's SHA-256"), max_length=64)
    invented = models.BooleanField(
        _("invented sample"),
        default=False,
        help_text=_("A sample for demonstrations, not the official list."),
    )

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_security_list_version")
        ]
        verbose_name = _("research-security list")
        verbose_name_plural = _("research-security lists")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.published_on})"


class SecurityListEntry(_Trilingual):
    """An organisation of concern (name, aliases, country) or a sensitive area (code,
    names)."""

    security_list = models.ForeignKey(
        SecurityList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("list")
    )
    code = models.CharField(_("code"), max_length=40, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300, blank=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=300, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)

    class Meta:
        ordering = ["security_list", "code", "name_en", "id"]
        verbose_name = _("research-security list entry")
        verbose_name_plural = _("research-security list entries")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}".strip()

    def shown(self, field: str = "name") -> tuple[str, str]:
        return in_language(self.texts(field))


class SecurityReview(TimestampedModel):
    """An internship's research-security state: the officer's decision whether the
    project is in a sensitive technology research area (and which)."""

    internship = models.OneToOneField(
        Internship,
        on_delete=models.CASCADE,
        related_name="security_review",
        verbose_name=_("internship"),
    )
    sensitivity = models.CharField(
        _("sensitive technology research area"),
        max_length=16,
        choices=Sensitivity.choices,
        default=Sensitivity.UNDECIDED,
        blank=True,
    )
    area = models.ForeignKey(
        SecurityListEntry,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area"),
        null=True,
        blank=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("research-security review")
        verbose_name_plural = _("research-security reviews")

    def __str__(self) -> str:
        return f"review of internship {self.internship_id}"


class Attestation(models.Model):
    """A researcher's attestation that they have no affiliation with, and receive no
    funding or in-kind support from, any organisation of a version of the list."""

    internship = internship_field(related_name="attestations", on_delete=models.CASCADE)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="research_attestations",
        verbose_name=_("person"),
    )
    organisations = models.ForeignKey(
        SecurityList,
        on_delete=models.PROTECT,
        related_name="attestations",
        verbose_name=_("list attested against"),
    )
    statement = models.TextField(_("statement"))
    attested_at = models.DateTimeField(_("attested"))

    class Meta:
        ordering = ["attested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["internship", "person", "organisations"], name="one_attestation_per_list"
            )
        ]
        verbose_name = _("research-security attestation")
        verbose_name_plural = _("research-security attestations")

    def __str__(self) -> str:
        return f"{self.person} ({self.organisations})"


class ExportScreening(models.Model):
    """The host's export-control screening of an incoming intern (Japan: deemed
    exports under the Foreign Exchange and Foreign Trade Act). The newest counts."""

    internship = internship_field(related_name="screenings", on_delete=models.CASCADE)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ScreeningOutcome.choices)
    screened_on = models.DateField(_("screened on"))
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("export-control screening")
        verbose_name_plural = _("export-control screenings")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.screened_on})"
