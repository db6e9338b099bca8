from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "kakehashi.documents"
    verbose_name = _("Documents and reference letters")

    def ready(self) -> None:
        # Registers the `documents.letter_reminders` job kind.
        from kakehashi.documents import tasks  # noqa: F401

        # Imported once the app registry is ready: privacy imports models.
        from kakehashi.documents.privacy import documents_data_export, documents_erase
        from kakehashi.people.signals import person_data_export, person_erase

        # Answer the personal-data export and the account deletion (people/privacy.py).
        person_data_export.connect(documents_data_export, dispatch_uid="documents.privacy")
        person_erase.connect(documents_erase, dispatch_uid="documents.privacy")
        # The candidate's card on their home: missing documents and letters.
        from kakehashi.documents.home import home_cards_documents
        from kakehashi.programs.signals import home_cards

        home_cards.connect(home_cards_documents, dispatch_uid="documents.home")
