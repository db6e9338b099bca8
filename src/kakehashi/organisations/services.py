"""Writes for organisations."""

from __future__ import annotations

from django.db import transaction

from kakehashi.organisations.models import Organisation
from kakehashi.organisations.validators import normalise_ror


@transaction.atomic
def organisation_create(*, ror_id: str | None = None, **fields) -> Organisation:
    organisation = Organisation(ror_id=normalise_ror(ror_id) if ror_id else None, **fields)
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    if fields.get("ror_id"):
        fields["ror_id"] = normalise_ror(fields["ror_id"])
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation
