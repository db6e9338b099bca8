"""How other records name the internship they belong to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def internship_field(*, related_name: str, optional: bool = False, on_delete=models.PROTECT):
    """A link to the internship a record is about: protected by default (an internship
    with payments, invoices, outcomes or reports is never deleted under them);
    `optional` allows none (null in the table, blank in forms)."""
    return models.ForeignKey(
        "internships.Internship",
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=_("internship"),
        null=optional,
        blank=optional,
    )
