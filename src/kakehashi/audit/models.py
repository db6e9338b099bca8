from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet):
    def for_scope(self, scope: models.Model) -> "AuditQuerySet":
        """The entries recorded against `scope` (e.g. one call), oldest first."""
        return self.filter(
            scope_type=ContentType.objects.get_for_model(scope, for_concrete_model=False),
            scope_id=scope.pk,
        )


class AuditEntry(models.Model):
    """Append-only record of what was done, by whom, when, within a scope (a call …).

    `verb` is a stable machine word (``run.published``, ``offer.declined``);
    `target` names the object acted on inside the scope (``run 12``).
    """

    scope_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("scope type")
    )
    scope_id = models.PositiveBigIntegerField(_("scope id"))
    scope = GenericForeignKey("scope_type", "scope_id")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(_("action"), max_length=64)
    target = models.CharField(_("target"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["scope_type", "scope_id", "at"], name="audit_scope_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.verb} {self.target}"
