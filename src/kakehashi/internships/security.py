"""Research security on both sides (docs/internships.md, Research security).

Canada: a project in a sensitive technology research area asks its researchers (the
intern, the host supervisors, the home supervisor) to attest that they have no
affiliation with a named research organisation of concern. Officers import both lists
(the organisations, the areas) as versioned data from CSV files, each version with
its source and publication date. Japan: the host records its export-control (deemed
export) screening of the incoming intern.

Until done, both block the agreement's approval through this app's own receiver of
``signals.agreement_blockers``. Every write is audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.audit.services import audit_record
from kakehashi.core.errors import ImportRejected
from kakehashi.core.imports import decode
from kakehashi.core.roles import is_officer
from kakehashi.internships.enums import ScreeningOutcome, SecurityListKind, Sensitivity
from kakehashi.internships.models import (
    Attestation,
    ExportScreening,
    Internship,
    SecurityList,
    SecurityListEntry,
    SecurityReview,
)
from kakehashi.internships.parties import host_supervisor_ids, researchers_of
from kakehashi.internships.services import internship_audit as _audit
from kakehashi.internships.signals import agreement_blockers
from kakehashi.people.names import person_name

#: The columns of each list's CSV file (the first row names them; other columns are
#: ignored). Aliases are separated by "|".
COLUMNS = {
    SecurityListKind.ORGANISATIONS: ("name", "aliases", "country"),
    SecurityListKind.AREAS: ("code", "name_en", "name_fr", "name_ja"),
}
REQUIRED = {SecurityListKind.ORGANISATIONS: ("name",), SecurityListKind.AREAS: ("code", "name_en")}
#: Outcomes that do not clear the intern.
NOT_CLEARED = {ScreeningOutcome.REFUSED}


def current_list(kind: str) -> SecurityList | None:
    """The newest imported version of a list, or None."""
    return SecurityList.objects.filter(kind=kind).order_by("-version").first()


def security_list_import(
    *,
    kind: str,
    data: bytes | str,
    source: str,
    published_on: dt.date,
    actor,
    invented: bool = False,
) -> SecurityList:
    """Import a new version of a list from CSV. A file with any bad row is rejected
    whole (the rows and what is wrong), and nothing changes."""
    if kind not in COLUMNS:
        raise ValidationError(_("Unknown list."), code="invalid")
    if not (source or "").strip():
        raise ValidationError(
            {"source": ValidationError(_("Say where the list comes from."), code="required")}
        )
    if published_on > timezone.now().date():
        raise ValidationError(
            {
                "published_on": ValidationError(
                    _("The publication date is in the future."), code="future"
                )
            }
        )
    raw = data.encode() if isinstance(data, str) else data
    reader = csv.DictReader(io.StringIO(decode(raw)))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        raise ValidationError(
            _("The file's first row must name the columns %(columns)s; missing: %(missing)s.")
            % {"columns": ", ".join(COLUMNS[kind]), "missing": ", ".join(missing)},
            code="columns",
        )
    rows, problems, seen = [], [], set()
    for number, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        empty = [c for c in REQUIRED[kind] if not row.get(c)]
        key = (row.get("code") or row.get("name") or "").casefold()
        if empty:
            problems.append({"row": number, "errors": {c: [_("Required.")] for c in empty}})
        elif key in seen:
            problems.append({"row": number, "errors": {REQUIRED[kind][0]: [_("Listed twice.")]}})
        seen.add(key)
        rows.append(row)
    if problems:
        raise ImportRejected(_("The file was not imported: some rows are not valid."), problems)
    if not rows:
        raise ValidationError(_("The file lists nothing."), code="empty")
    with transaction.atomic():
        version = (
            SecurityList.objects.filter(kind=kind)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
            or 0
        ) + 1
        imported = SecurityList.objects.create(
            kind=kind,
            version=version,
            source=source.strip(),
            published_on=published_on,
            imported_by=actor if getattr(actor, "pk", None) else None,
            sha256=hashlib.sha256(raw).hexdigest(),
            invented=invented,
        )
        SecurityListEntry.objects.bulk_create(
            SecurityListEntry(
                security_list=imported,
                code=row.get("code", ""),
                name_en=row.get("name_en") or row.get("name", ""),
                name_fr=row.get("name_fr", ""),
                name_ja=row.get("name_ja", ""),
                aliases=[a.strip() for a in row.get("aliases", "").split("|") if a.strip()],
                country=row.get("country", ""),
            )
            for row in rows
        )
        audit_record(
            scope=None,
            verb="security_list.imported",
            actor=actor,
            target=f"{kind} v{version}",
            data={
                "kind": kind,
                "version": version,
                "source": imported.source,
                "published_on": published_on.isoformat(),
                "entries": len(rows),
                "sha256": imported.sha256,
                "invented": invented,
            },
        )
    return imported


def security_review(internship: Internship) -> SecurityReview | None:
    return SecurityReview.objects.filter(internship=internship).select_related("area").first()


def sensitivity_set(*, internship: Internship, actor, sensitivity: str, area_code: str = ""):
    """An officer's decision: is the project in a sensitive technology research area
    (one of the current list's, by code)?"""
    if not is_officer(actor):
        raise ValidationError(_("Only officers decide this."), code="not_allowed")
    if sensitivity not in (Sensitivity.SENSITIVE, Sensitivity.NOT_SENSITIVE):
        raise ValidationError({"sensitivity": ValidationError(_("Choose one."), code="invalid")})
    area = None
    if sensitivity == Sensitivity.SENSITIVE:
        areas = current_list(SecurityListKind.AREAS)
        area = areas and areas.entries.filter(code=area_code).first()
        if not area:
            message = _(
                "Choose an area of the current list of sensitive technology research areas."
            )
            raise ValidationError({"area": ValidationError(message, code="unknown_area")})
    with transaction.atomic():
        review, _created = SecurityReview.objects.select_for_update().get_or_create(
            internship=internship
        )
        before = [review.sensitivity, review.area.code if review.area else ""]
        after = [sensitivity, area.code if area else ""]
        if before == after:
            raise ValidationError(_("Nothing changed."), code="unchanged")
        review.sensitivity = sensitivity
        review.area = area
        review.decided_by = actor
        review.decided_at = timezone.now()
        review.save()
        _audit(
            internship,
            "security.sensitivity",
            actor,
            {
                "before": before,
                "after": after,
                "areas_list": area.security_list_id if area else None,
            },
        )
    return review


def attestation_statement(organisations: SecurityList) -> str:
    return _(
        "I attest that I have no affiliation with, and receive no funding or in-kind "
        "support from, any organisation named on the list of named research organisations "
        "(version %(version)s, published %(date)s)."
    ) % {"version": organisations.version, "date": organisations.published_on.isoformat()}


def attest(*, internship: Internship, actor, now=None) -> Attestation:
    """`actor` attests against the current list of named research organisations."""
    if actor.pk not in researchers_of(internship):
        raise ValidationError(
            _("Only the intern and the supervisors attest for this internship."),
            code="not_a_researcher",
        )
    review = security_review(internship)
    if review is None or review.sensitivity != Sensitivity.SENSITIVE:
        raise ValidationError(
            _("No attestation is needed: the project is not in a sensitive area."),
            code="not_needed",
        )
    organisations = current_list(SecurityListKind.ORGANISATIONS)
    if organisations is None:
        raise ValidationError(
            _("Officers have not imported the list of named research organisations yet."),
            code="no_list",
        )
    with transaction.atomic():
        if Attestation.objects.filter(
            internship=internship, person=actor, organisations=organisations
        ).exists():
            raise ValidationError(
                _("You have already attested against this version of the list."),
                code="already_attested",
            )
        attestation = Attestation.objects.create(
            internship=internship,
            person=actor,
            organisations=organisations,
            statement=attestation_statement(organisations),
            attested_at=now or timezone.now(),
        )
        _audit(
            internship,
            "security.attested",
            actor,
            {"list": organisations.pk, "version": organisations.version},
        )
    return attestation


def may_screen(internship: Internship, user) -> bool:
    """The host's people (supervisors, admins) and officers record the screening."""
    if is_officer(user):
        return True
    if user.pk in host_supervisor_ids(internship):
        return True
    return user.affiliations.filter(organisation_id=internship.host_id, role="admin").exists()


def screening_record(
    *,
    internship: Internship,
    actor,
    outcome: str,
    screened_on: dt.date,
    reference: str = "",
    notes: str = "",
    now=None,
) -> ExportScreening:
    """The host's export-control screening of the intern (internships in Japan)."""
    if internship.host_country != "JP":
        raise ValidationError(
            _("Only hosts in Japan record a deemed-export screening here."), code="not_needed"
        )
    if not may_screen(internship, actor):
        raise ValidationError(
            _("Only the host's supervisors and admins, and officers, record the screening."),
            code="not_allowed",
        )
    now = now or timezone.now()
    if outcome not in ScreeningOutcome.values:
        raise ValidationError({"outcome": ValidationError(_("Choose an outcome."), code="invalid")})
    if screened_on > now.date() + dt.timedelta(days=1):
        raise ValidationError(
            {
                "screened_on": ValidationError(
                    _("The screening date is in the future."), code="future"
                )
            }
        )
    with transaction.atomic():
        screening = ExportScreening(
            internship=internship,
            outcome=outcome,
            screened_on=screened_on,
            reference=(reference or "").strip(),
            notes=(notes or "").strip(),
            recorded_by=actor,
            recorded_at=now,
        )
        screening.full_clean()
        screening.save()
        _audit(
            internship,
            "security.screened",
            actor,
            {"outcome": outcome, "screened_on": screened_on.isoformat(), "reference": reference},
        )
    return screening


def security_state(internship: Internship) -> dict:
    """What the internship page and the API show: the decision, who must attest and
    who did (against the current list), and the screening. A fixed number of queries."""
    review = security_review(internship)
    organisations = current_list(SecurityListKind.ORGANISATIONS)
    sensitive = review is not None and review.sensitivity == Sensitivity.SENSITIVE
    attested = {}
    if organisations is not None:
        attested = {
            a.person_id: a
            for a in Attestation.objects.filter(internship=internship, organisations=organisations)
        }
    screenings = list(
        ExportScreening.objects.filter(internship=internship).select_related("recorded_by")
    )
    return {
        "review": review,
        "decided": review is not None and review.sensitivity != Sensitivity.UNDECIDED,
        "sensitive": sensitive,
        "organisations": organisations,
        "researchers": researchers_of(internship) if sensitive else [],
        "attested": attested,
        "screening_needed": internship.host_country == "JP",
        "screening": screenings[-1] if screenings else None,
        "screenings": screenings,
    }


@receiver(agreement_blockers, dispatch_uid="internships.security")
def security_blockers(sender, *, internship, agreement, amendment=None, **kwargs) -> list[str]:
    """Receiver of ``agreement_blockers``: research security not done yet blocks the
    agreement (amendments are not blocked: an early end must always be possible)."""
    if amendment is not None:
        return []
    # Imported here: people's model is needed only to name who has not attested.
    from kakehashi.people.models import User

    state = security_state(internship)
    reasons = []
    if not state["decided"]:
        reasons.append(
            _(
                "An officer has not decided whether the project is in a sensitive "
                "technology research area."
            )
        )
    elif state["sensitive"]:
        if state["organisations"] is None:
            reasons.append(
                _("Officers have not imported the list of named research organisations yet.")
            )
        else:
            missing = [pk for pk in state["researchers"] if pk not in state["attested"]]
            for person in User.objects.filter(pk__in=missing).order_by("pk"):
                reasons.append(
                    _("%(person)s has not attested against the named research organisations.")
                    % {"person": person_name(person)}
                )
    if state["screening_needed"]:
        if state["screening"] is None:
            reasons.append(
                _("The host has not recorded its export-control screening of the intern.")
            )
        elif state["screening"].outcome in NOT_CLEARED:
            reasons.append(_("The host's export-control screening did not clear the intern."))
    return reasons
