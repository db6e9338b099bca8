from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kakehashi.people"
    verbose_name = _("People")

    def ready(self) -> None:
        # Importing it connects its receivers (@receiver): the audit of signing in and
        # out (Django's and django-axes' signals); services import models, hence here.
        from kakehashi.people import services  # noqa: F401
