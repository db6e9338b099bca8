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
