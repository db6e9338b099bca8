import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.core.enums import Country
from kakehashi.core.models import TimestampedModel
from kakehashi.organisations.enums import OrganisationType
from kakehashi.organisations.regions import REGIONS
from kakehashi.organisations.validators import validate_ror

#: Kana and kanji: a name written in them is Japanese.
_JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


class Organisation(TimestampedModel):
    """A university, institute, company, incubator… identified by its ROR id when it has one."""

    ror_id = models.CharField(
        _("ROR id"), max_length=9, unique=True, null=True, blank=True, validators=[validate_ror]
    )
    name = models.CharField(_("name"), max_length=limits.LINE)
    name_en = models.CharField(_("English name"), max_length=limits.LINE, blank=True)
    name_fr = models.CharField(_("French name"), max_length=limits.LINE, blank=True)
    name_ja = models.CharField(_("Japanese name"), max_length=limits.LINE, blank=True)
    aliases = models.JSONField(
        _("aliases"),
        default=list,
        blank=True,
        validators=[limits.TextListValidator(max_length=limits.LINE)],
    )
    acronyms = models.JSONField(
        _("acronyms"), default=list, blank=True, validators=[limits.TextListValidator()]
    )
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.CharField(_("region"), max_length=6, help_text=_("ISO 3166-2 code"))
    city = models.CharField(_("city"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.display_name

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""

    @property
    def display_name(self) -> str:
        """The name in the active language when known, else the ROR display name."""
        lang = (get_language() or "en")[:2]
        return getattr(self, f"name_{lang}", "") or self.name

    def shown(self, field: str = "display_name") -> tuple[str, str]:
        """`(display name, its language)`: the name in the active language when known, else
        the ROR name in the language of the name it equals (English by default, Japanese
        when written in Japanese script)."""
        lang = (get_language() or "en")[:2]
        if getattr(self, f"name_{lang}", ""):
            return getattr(self, f"name_{lang}"), lang
        for code in ("en", "fr", "ja"):
            if self.name and getattr(self, f"name_{code}", "") == self.name:
                return self.name, code
        return self.name, ("ja" if _JAPANESE_SCRIPT.search(self.name or "") else "en")

    def clean(self) -> None:
        region = REGIONS.get(self.region)
        if region is None:
            raise ValidationError(
                {
                    "region": _("“%(code)s” is not an ISO 3166-2 code of Canada or Japan.")
                    % {"code": self.region}
                },
                code="unknown_region",
            )
        if region["country"] != self.country:
            raise ValidationError(
                {
                    "region": _("Region %(code)s is not in country %(country)s.")
                    % {"code": self.region, "country": self.country}
                },
                code="region_country_mismatch",
            )
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
