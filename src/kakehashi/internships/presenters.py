"""What the internship page shows, shaped from plain data (views load, check, call
this and render; the API reads the same pieces)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kakehashi.internships.enums import AgreementStatus, AmendmentStatus, Party
from kakehashi.internships.models import Internship, in_language
from kakehashi.internships.parties import (
    agreement_of,
    host_supervisor_ids,
    parties_of,
    required_parties,
)
from kakehashi.internships.security import (
    attestation_statement,
    current_list,
    may_screen,
    security_state,
)
from kakehashi.internships.services import agreement_blockers_for, local_today
from kakehashi.internships.signals import internship_page
from kakehashi.organisations.regions import timezone_for_region
from kakehashi.people.models import User

#: What each audited verb of an internship's history says.
VERBS = {
    "internship.created": _("Internship created (offer accepted)"),
    "agreement.drafted": _("Agreement drafted from the program's template"),
    "agreement.edited": _("Agreement edited"),
    "agreement.parties_named": _("Parties named"),
    "agreement.approved": _("Agreement approved"),
    "agreement.in_force": _("Agreement in force"),
    "amendment.proposed": _("Amendment proposed"),
    "amendment.approved": _("Amendment approved"),
    "amendment.withdrawn": _("Amendment withdrawn"),
    "amendment.in_force": _("Amendment in force"),
    "internship.ended_early": _("Internship ended early"),
    "internship.status": _("Status changed"),
    "security.sensitivity": _("Sensitive-area decision recorded"),
    "security.attested": _("Research-security attestation"),
    "security.screened": _("Export-control screening recorded"),
}


def party_rows(internship, agreement, *, amendment=None) -> list[dict]:
    """Each required party: who holds it and their approval (of the agreement's current
    version, or of `amendment`)."""
    supervisors = {u.pk: u for u in User.objects.filter(pk__in=host_supervisor_ids(internship))}
    approvals = {}
    if agreement is not None:
        qs = agreement.approvals.select_related("person")
        qs = (
            qs.filter(amendment=amendment)
            if amendment
            else qs.filter(amendment=None, version=agreement.version)
        )
        approvals = {a.party: a for a in qs}
    holders = {
        Party.INTERN: [internship.intern],
        Party.HOST_SUPERVISOR: [
            supervisors[pk] for pk in host_supervisor_ids(internship) if pk in supervisors
        ],
        Party.HOME_SUPERVISOR: [internship.home_supervisor] if internship.home_supervisor else [],
        Party.PARTNER_SIGNATORY: (
            [agreement.partner_signatory] if agreement and agreement.partner_signatory else []
        ),
        Party.OFFICER: [],
    }
    return [
        {
            "party": p,
            "label": Party(p).label,
            "people": holders[p],
            "approval": approvals.get(p),
        }
        for p in required_parties(internship)
    ]


def _candidates(organisation_id) -> list[tuple[str, str]]:
    if organisation_id is None:
        return []
    people = (
        User.objects.filter(affiliations__organisation_id=organisation_id, is_active=True)
        .exclude(affiliations__role="student", affiliations__organisation_id=organisation_id)
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )
    # Imported here: the templates' name filter lives with people's template tags.
    from kakehashi.people.names import person_name

    return [(str(u.pk), person_name(u)) for u in people]


def page_context(internship: Internship, user) -> dict:
    agreement = agreement_of(internship)
    mine = parties_of(internship, user)
    security = security_state(internship)
    researchers = {u.pk: u for u in User.objects.filter(pk__in=security["researchers"])}
    context = {
        "zone": timezone_for_region(internship.region),
        "security_rows": [
            {"person": researchers[pk], "attestation": security["attested"].get(pk)}
            for pk in security["researchers"]
            if pk in researchers
        ],
        "may_attest": getattr(user, "pk", None) in security["researchers"]
        and user.pk not in security["attested"]
        and security["organisations"] is not None,
        "attestation_statement": attestation_statement(security["organisations"])
        if security["organisations"]
        else "",
        "may_screen": security["screening_needed"] and may_screen(internship, user),
        "internship": internship,
        "agreement": agreement,
        "my_parties": mine,
        "today": local_today(internship),
        "security": security,
        "areas": list(current_list("areas").entries.all()) if current_list("areas") else [],
        "panels": sorted(
            [
                panel
                for _r, answer in internship_page.send(
                    sender=Internship, internship=internship, user=user
                )
                for panel in (answer or [])
            ],
            key=lambda p: p.get("order", 0),
        ),
        "history": [],
    }
    if agreement is not None:
        rows = party_rows(internship, agreement)
        approved_parties = {r["party"] for r in rows if r["approval"]}
        amendments = list(
            agreement.amendments.select_related("proposed_by").prefetch_related("approvals__person")
        )
        open_amendment = next((a for a in amendments if a.status == AmendmentStatus.PROPOSED), None)
        context.update(
            {
                "sections": [
                    {
                        "title": in_language(s["title"]),
                        "body": in_language(s["body"]),
                    }
                    for s in agreement.sections
                ],
                "ip": (
                    {
                        "label": in_language(agreement.ip_terms.get("label", {})),
                        "text": in_language(agreement.ip_terms.get("text", {})),
                    }
                    if agreement.ip_terms
                    else None
                ),
                "party_rows": rows,
                "to_approve": [(p, Party(p).label) for p in mine if p not in approved_parties]
                if agreement.status == AgreementStatus.DRAFT
                else [],
                "blockers": agreement_blockers_for(agreement)
                if agreement.status == AgreementStatus.DRAFT
                else [],
                "amendments": amendments,
                "open_amendment": open_amendment,
                "amendment_rows": party_rows(internship, agreement, amendment=open_amendment)
                if open_amendment
                else [],
                "amendment_to_approve": [
                    (p, Party(p).label)
                    for p in mine
                    if open_amendment and p not in {a.party for a in open_amendment.approvals.all()}
                ],
                "home_choices": _candidates(internship.home_organisation_id)
                if (Party.INTERN in mine or Party.OFFICER in mine)
                else [],
                "partner_choices": _candidates(internship.partner_id)
                if (Party.HOST_SUPERVISOR in mine or Party.OFFICER in mine)
                else [],
                "editor": bool(
                    {Party.INTERN, Party.HOST_SUPERVISOR, Party.HOME_SUPERVISOR, Party.OFFICER}
                    & set(mine)
                ),
            }
        )
    return context
