from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kakehashi.core.models import TimestampedModel
from kakehashi.offers.enums import OfferStatus


class Offer(TimestampedModel):
    """A place offered to a candidate by a published run, answered by a deadline."""

    run = models.ForeignKey("matching.MatchRun", on_delete=models.PROTECT, related_name="offers")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers"
    )
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="offers")
    status = models.CharField(
        _("status"), max_length=16, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    deadline = models.DateTimeField(_("answer by"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["run", "candidate"], name="one_offer_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.project} ({self.status})"
