from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ResearchField(models.Model):
    """A field of research of the CRDC 2020 (Statistics Canada), with our Japanese labels.

    Levels: 1 division, 2 group, 3 class, 4 subclass (field). Every field has an
    English, a French and a Japanese title (data/ATTRIBUTION.md); `title` falls back
    to English only for a field added without one.
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_ja = models.CharField(_("title (Japanese)"), max_length=300, blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_fr = models.TextField(_("definition (French)"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("research field")
        verbose_name_plural = _("research fields")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def shown(self, field: str = "title") -> tuple[str, str]:
        """`(title, its language)` in the active language, falling back to English."""
        lang = (get_language() or "en")[:2]
        text = getattr(self, f"title_{lang}", "")
        return (text, lang) if text else (self.title_en, "en")

    @property
    def title(self) -> str:
        """The title in the active language, falling back to English."""
        lang = (get_language() or "en")[:2]
        return getattr(self, f"title_{lang}", "") or self.title_en
