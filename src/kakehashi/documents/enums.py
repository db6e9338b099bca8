from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    CV = "cv", _("CV")
    TRANSCRIPT = "transcript", _("Transcripts")


class MailLanguage(models.TextChoices):
    EN = "en", "English"
    FR = "fr", "Français"
    JA = "ja", "日本語"
