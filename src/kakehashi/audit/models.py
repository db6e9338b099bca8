from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from kakehashi.core.fields import actor_field


class AuditQuerySet(models.QuerySet):
    def for_scope(self, scope: models.Model) -> "AuditQuerySet":
        """The entries recorded against `scope` (e.g. one call), oldest first."""
        return self.filter(
            scope_type=ContentType.objects.get_for_model(scope, for_concrete_model=False),
            scope_id=scope.pk,
        )


class AuditEntry(models.Model):
    """Append-only record of what was done, by whom, when, within a scope (a call, a
    person, a project, an organisation … or none).

    `verb` is a stable machine word (``run.published``, ``offer.declined``; the table
    is in docs/audit.md); `target` names the object acted on inside the scope
    (``run 12``); `data` keeps what changed (``before``/``after`` of changed fields,
    a saved list in full), never a password or a token's key.
    """

    # Null for an entry about no object in particular (a failed sign-in under an
    # unknown name); otherwise the call, person, project … whose record it belongs to.
    scope_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("scope type"),
    )
    scope_id = models.PositiveBigIntegerField(_("scope id"), null=True, blank=True)
    scope = GenericForeignKey("scope_type", "scope_id")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = actor_field()
    verb = models.CharField(_("action"), max_length=64)
    target = models.CharField(_("target"), max_length=200, blank=True)
    # Dates, times and decimals of a before/after are kept as their ISO text.
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["scope_type", "scope_id", "at"], name="audit_scope_at"),
            models.Index(fields=["verb", "at"], name="audit_verb_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.verb} {self.target}"
