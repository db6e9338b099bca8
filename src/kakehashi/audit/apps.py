from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kakehashi.audit"
    verbose_name = _("Audit record")

    def ready(self) -> None:
        # Imported once the app registry is ready: the admin's models and our services.
        from django.contrib.admin.models import LogEntryManager

        # Our services import our models: also only once the registry is ready.
        from kakehashi.audit.services import admin_log_actions_audited

        # The admin logs every change through this one method (bulk deletions with
        # bulk_create, which sends no signal): wrap it once so each is audited too.
        if not getattr(LogEntryManager.log_actions, "audited", False):
            LogEntryManager.log_actions = admin_log_actions_audited(LogEntryManager.log_actions)
