"""Internships' answers to people's personal-data export and account deletion
(``people.signals.person_data_export`` and ``person_erase``, connected in ``ready()``).

An internship PROTECTs its intern: it is a contract between several parties, with
money committed against it, so deleting an account keeps the internships, the
agreements (research plan included), the approvals and the research-security
attestations, with the anonymised account (docs/privacy.md)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.internships.models import Approval, Attestation, Internship
from kakehashi.people.privacy import KEPT, data_section, erase_item, field_labels
from kakehashi.people.signals import person_data_export, person_erase


@receiver(person_data_export, dispatch_uid="internships.privacy")
def internships_data_export(*, sender, person, **kwargs) -> dict:
    internships = (
        Internship.objects.filter(intern=person)
        .select_related("host", "project", "agreement")
        .order_by("start_date", "pk")
    )
    approvals = Approval.objects.filter(person=person).select_related("amendment").order_by("pk")
    attestations = Attestation.objects.filter(person=person).select_related("organisations")
    records = []
    for i in internships:
        agreement = getattr(i, "agreement", None)
        records.append(
            {
                "id": i.pk,
                "project": i.project.key,
                "host": i.host.display_name,
                "start_date": i.start_date.isoformat(),
                "end_date": i.end_date.isoformat(),
                "ended_on": i.ended_on.isoformat() if i.ended_on else None,
                "status": i.status,
                "plan_intern": agreement.plan_intern if agreement else "",
                "plan_host": agreement.plan_host if agreement else "",
            }
        )
    keys = ["id", "project", "host", "start_date", "end_date", "ended_on", "status"]
    return {
        "internships": data_section(
            title=_("Internships"),
            explanation=_("Your internships and the research plans of their agreements."),
            labels=field_labels(
                Internship,
                keys,
                id=_("number"),
                project=_("project key"),
                plan_intern=_("research plan (your language)"),
                plan_host=_("research plan (host's language)"),
            )
            | {
                "plan_intern": _("research plan (your language)"),
                "plan_host": _("research plan (host's language)"),
            },
            records=records,
        ),
        "agreement_approvals": data_section(
            title=_("Agreement approvals"),
            explanation=_("The agreements and amendments you approved, and as which party."),
            labels=field_labels(Approval, ["agreement", "amendment", "party", "approved_at"]),
            records=[
                {
                    "agreement": a.agreement_id,
                    "amendment": a.amendment.number if a.amendment else None,
                    "party": a.party,
                    "approved_at": a.approved_at.isoformat(),
                }
                for a in approvals
            ],
        ),
        "research_attestations": data_section(
            title=_("Research-security attestations"),
            explanation=_("What you attested, against which version of the list."),
            labels=field_labels(Attestation, ["internship", "list", "statement", "attested_at"])
            | {"list": _("list attested against")},
            records=[
                {
                    "internship": a.internship_id,
                    "list": a.organisations.version,
                    "statement": a.statement,
                    "attested_at": a.attested_at.isoformat(),
                }
                for a in attestations
            ],
        ),
    }


@receiver(person_erase, dispatch_uid="internships.privacy")
def internships_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    why = _(
        "An internship is a contract between several parties, with funds committed "
        "against it: the internship, its agreement, approvals and research-security "
        "attestations stay, with the anonymised account."
    )
    count = (
        Internship.objects.filter(intern=person).count()
        + Approval.objects.filter(person=person).count()
        + Attestation.objects.filter(person=person).count()
    )
    return [erase_item(what=_("Internships and agreements"), count=count, action=KEPT, why=why)]
