"""How other apps' models name an organisation."""

from django.db import models


def organisation_field(
    verbose_name=None, *, related_name: str, optional: bool = False, on_delete=models.PROTECT
):
    """A link to an organisation: protected by default (an organisation a record names is
    not deleted under it); `optional` allows none (null in the table, blank in forms)."""
    return models.ForeignKey(
        "organisations.Organisation",
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=verbose_name,
        null=optional,
        blank=optional,
    )
