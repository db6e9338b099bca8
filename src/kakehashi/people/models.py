import hashlib
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from kakehashi.core import limits
from kakehashi.core.enums import Direction, Language
from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.organisations.fields import organisation_field
from kakehashi.people.enums import (
    AcademicLevel,
    AffiliationRole,
    LanguageLevel,
    NameOrder,
    RequestStatus,
)
from kakehashi.people.names import kanji_name, latin_name, person_name
from kakehashi.people.validators import validate_orcid


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(value)s” is not a time zone (e.g. Asia/Tokyo)."),
            code="invalid_timezone",
            params={"value": value},
        ) from exc


#: A person's name fields, in the order the admin and the imports list them.
NAME_FIELDS = [
    "family_name",
    "given_name",
    "family_name_kanji",
    "given_name_kanji",
    "family_name_kana",
    "given_name_kana",
]


class User(AbstractUser):
    """One account per person, with names in several scripts and global role flags.

    `first_name`/`last_name` of Django's user are not used: names are family and
    given (romaji for Japanese people), plus kanji and kana forms.
    """

    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name_kanji = models.CharField(_("family name (kanji)"), max_length=150, blank=True)
    given_name_kanji = models.CharField(_("given name (kanji)"), max_length=150, blank=True)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=150, blank=True)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=150, blank=True)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_orcid],
    )
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    name_order = models.CharField(
        _("name order"), max_length=12, choices=NameOrder.choices, default="", blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    is_officer = models.BooleanField(_("program officer"), default=False)
    is_reviewer = models.BooleanField(_("reviewer"), default=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name", "username"]

    def __str__(self) -> str:
        """The name as the active language writes it (see `people.names`)."""
        return person_name(self)

    @property
    def display_name(self) -> str:
        """The name in Latin script, in its own order (`people.names.latin_name`)."""
        return latin_name(self)

    @property
    def display_name_ja(self) -> str:
        """On Japanese pages: the kanji name (unspaced) when known, else the Latin-script
        name in its own order; "" without a name."""
        return kanji_name(self) or latin_name(self)


class LanguageSkill(models.Model):
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    level = models.CharField(_("level"), max_length=6, choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("language skill")
        verbose_name_plural = _("language skills")
        constraints = [
            models.UniqueConstraint(fields=["person", "language"], name="one_level_per_language")
        ]
        ordering = ["language"]

    def __str__(self) -> str:
        return f"{self.language} {self.level}"

    def clean(self) -> None:
        if self.level.startswith("N") and self.level != "native" and self.language != "ja":
            raise ValidationError({"level": _("JLPT levels apply to Japanese only.")})


class Affiliation(TimestampedModel):
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="affiliations")
    organisation = organisation_field(related_name="affiliations")
    role = models.CharField(_("role"), max_length=16, choices=AffiliationRole.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "role"], name="unique_affiliation_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organisation} ({self.role})"


class AffiliationRequest(TimestampedModel):
    """A person asks to be affiliated with an organisation in a role; an admin of the
    organisation (or an officer) confirms it, which creates the `Affiliation`, or refuses
    it. Until then it grants nothing."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="affiliation_requests")
    organisation = organisation_field(
        _("organisation"), related_name="affiliation_requests", on_delete=models.CASCADE
    )
    role = models.CharField(_("role"), max_length=16, choices=AffiliationRole.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = actor_field()
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("affiliation request")
        verbose_name_plural = _("affiliation requests")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "role"],
                condition=models.Q(status="pending"),
                name="one_pending_affiliation_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.organisation} ({self.role}, {self.status})"


class CandidateProfile(TimestampedModel):
    """What a candidate tells the program: level, home, interests, skills, fields."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="candidate_profile")
    level = models.CharField(_("academic level"), max_length=16, choices=AcademicLevel.choices)
    home_organisation = organisation_field(_("home institution"), related_name="candidates")
    direction = models.CharField(_("direction"), max_length=5, choices=Direction.choices)
    nationality = CountryField(
        _("nationality"),
        blank=True,
        help_text=_(
            "The country of the passport you will travel on (ISO 3166-1 alpha-2): "
            "it decides the visa or permit of an internship abroad."
        ),
    )
    degree = models.CharField(_("degree programme"), max_length=200, blank=True)
    research_interests = models.TextField(
        _("research interests"),
        blank=True,
        validators=[limits.text_max_length_validator(limits.TEXT)],
    )
    interests_language = models.CharField(
        _("language of the research interests"), max_length=2, choices=Language.choices
    )
    skills = models.JSONField(
        _("skills"), default=list, blank=True, validators=[limits.TextListValidator()]
    )
    fields = models.ManyToManyField(
        "research_fields.ResearchField", blank=True, verbose_name=_("research fields")
    )

    class Meta:
        verbose_name = _("candidate profile")
        verbose_name_plural = _("candidate profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.level})"


class ApiToken(TimestampedModel):
    """A bearer token for the JSON API. Only its SHA-256 is stored; from `expires_at`
    on it is refused (settings.API_TOKEN_LIFETIME after its creation)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
