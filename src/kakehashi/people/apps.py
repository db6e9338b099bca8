from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kakehashi.people"
    verbose_name = _("People")

    def ready(self) -> None:
        # Imported once the app registry is ready: services import models.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        # Services import models: also only once the registry is ready.
        from kakehashi.people.services import (
            locked_out_audit,
            sign_in_audit,
            sign_in_failed_audit,
            sign_out_audit,
        )

        user_logged_in.connect(sign_in_audit, dispatch_uid="people.audit.signed_in")
        user_logged_out.connect(sign_out_audit, dispatch_uid="people.audit.signed_out")
        user_login_failed.connect(sign_in_failed_audit, dispatch_uid="people.audit.failed")
        user_locked_out.connect(locked_out_audit, dispatch_uid="people.audit.locked_out")
