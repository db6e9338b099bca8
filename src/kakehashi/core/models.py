from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    """Base model: every row knows when it was created and last changed (UTC)."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


#: The largest value an id column holds (a 64-bit integer on SQLite and PostgreSQL).
MAX_ID = 2**63 - 1


def possible_ids(ids: Iterable[int]) -> list[int]:
    """The ids among `ids` that a row could have, in order. Any other names no row, and
    SQLite refuses even to compare a number past 64 bits (Django's exact lookups know
    this; ``pk__in`` and ``in_bulk`` do not): filter ids a client sent through this."""
    return [i for i in ids if 0 < i <= MAX_ID]


class DataVersion(models.Model):
    """One row whose token changes with every write to data that public answers show.

    Cached public answers (`core.cache`) are keyed by it, so a write anywhere — by any
    worker or server sharing the database — retires them all at once. The token is
    random, not a counter, so a rolled-back change can never bring an old number back
    with other content behind it."""

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return self.token
