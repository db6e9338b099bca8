"""Fields that many apps' models declare alike, defined once."""

from django.conf import settings
from django.db import models


def actor_field(verbose_name=None, *, related_name: str | None = "+", blank: bool = True):
    """Who did something to a record: created, decided, imported, recorded it.

    The record outlives the person's account: deleting the account empties the field
    (``SET_NULL``) and leaves the record. No reverse accessor by default (``"+"``):
    nothing asks a person for everything they did this way."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name=related_name,
        verbose_name=verbose_name,
    )
