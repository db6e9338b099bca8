from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "kakehashi.documents"
    verbose_name = _("Documents and reference letters")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver: the personal-data export
        # and deletion, the candidate's home card) and registers the
        # `documents.letter_reminders` job kind; they import models, hence here.
        from kakehashi.documents import home, privacy, tasks  # noqa: F401
