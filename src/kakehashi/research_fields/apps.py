from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchFieldsConfig(AppConfig):
    name = "kakehashi.research_fields"
    verbose_name = _("Research fields")
