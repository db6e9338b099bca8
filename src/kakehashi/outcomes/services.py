"""Writes of outcomes: validated, atomic, audited in the internship's call record."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_record
from kakehashi.core.errors import errors_on
from kakehashi.outcomes.crossref import crossref_metadata, doi_normalise
from kakehashi.outcomes.enums import OutcomeKind
from kakehashi.outcomes.models import Outcome

#: Kinds that name at least one organisation besides the internship's.
NEEDS_ORGANISATION = {
    OutcomeKind.HIRE: _("Name the organisation that hired the intern."),
    OutcomeKind.CONTRACT: _("Name the organisation of the contract or grant."),
}


def outcome_record(
    *,
    actor,
    internship,
    kind: str,
    date: dt.date,
    title: str = "",
    organisations=(),
    doi: str = "",
    crossref_record: str | bytes = "",
    patent_office: str = "",
    patent_number: str = "",
) -> Outcome:
    """Record an outcome of ``internship``. A publication's DOI may come with its
    Crossref record (pasted or uploaded), whose title and authors are kept; a record
    for another DOI is refused. Nothing is saved unless everything is valid."""
    metadata = {}
    if crossref_record:
        if kind != OutcomeKind.PUBLICATION:
            raise ValidationError(
                {"crossref_record": _("Only a publication has a Crossref record.")}
            )
        with errors_on("crossref_record"):
            metadata = crossref_metadata(crossref_record)
        if doi:
            with errors_on("doi"):
                typed = doi_normalise(doi)
            if typed != metadata["doi"]:
                raise ValidationError(
                    {
                        "crossref_record": _(
                            "The Crossref record is of %(record)s, not of %(doi)s."
                        )
                        % {"record": metadata["doi"], "doi": typed}
                    }
                )
        doi = metadata["doi"]
        title = title or metadata["title"]
    organisations = list(organisations)
    if kind in NEEDS_ORGANISATION and not organisations:
        raise ValidationError({"organisations": NEEDS_ORGANISATION[kind]})
    outcome = Outcome(
        internship=internship,
        kind=kind,
        title=(title or "").strip(),
        date=date,
        doi=doi.strip(),
        metadata=metadata,
        patent_office=patent_office,
        patent_number=patent_number.strip(),
        recorded_by=actor,
    )
    # The one-DOI constraint is left to the database, which names it in our words below.
    outcome.full_clean(exclude=["recorded_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            outcome.save()
            outcome.organisations.set(organisations)
            audit_record(
                scope=internship.project.call,
                verb="outcome.recorded",
                actor=actor,
                target=f"internship {internship.pk}",
                data={
                    "outcome": outcome.pk,
                    "kind": kind,
                    "date": date.isoformat(),
                    "doi": outcome.doi,
                    "organisations": sorted(o.pk for o in organisations),
                },
            )
    except IntegrityError as exc:
        raise ValidationError({"doi": _("This publication is already recorded.")}) from exc
    return outcome


def outcome_delete(*, actor, outcome: Outcome) -> None:
    """Remove an outcome recorded by mistake (audited, with what it said)."""
    with transaction.atomic():
        audit_record(
            scope=outcome.internship.project.call,
            verb="outcome.deleted",
            actor=actor,
            target=f"internship {outcome.internship_id}",
            data={"outcome": outcome.pk, "kind": outcome.kind, "title": outcome.title},
        )
        outcome.delete()
