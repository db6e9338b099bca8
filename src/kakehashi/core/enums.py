from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """Languages of content and of the interface."""

    EN = "en", _("English")
    FR = "fr", _("French")
    JA = "ja", _("Japanese")


class Country(models.TextChoices):
    CA = "CA", _("Canada")
    JP = "JP", _("Japan")


class Direction(models.TextChoices):
    """Direction of mobility: home country → host country."""

    CA_JP = "CA_JP", _("Canada → Japan")
    JP_CA = "JP_CA", _("Japan → Canada")

    @classmethod
    def host_country(cls, direction: str) -> str:
        return {"CA_JP": "JP", "JP_CA": "CA"}[direction]
