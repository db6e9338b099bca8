from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationLog(models.Model):
    """One notification sent to one person. The unique (user, kind, key) is what
    makes a reminder go out once, however often the sender runs and however
    many senders run at the same time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    key = models.CharField(
        _("key"), max_length=200, help_text=_("What it is about, e.g. call:12:applications:opened.")
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="notify_once")]
        verbose_name = _("notification sent")
        verbose_name_plural = _("notifications sent")

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.user}"
