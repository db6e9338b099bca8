"""Internships' answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``).

An internship PROTECTs its intern: it is a contract between several parties, with
money committed against it, so deleting an account keeps the internships, the
agreements (research plan included), the approvals and the research-security
attestations, with the anonymised account (docs/privacy.md)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.internships.models import Approval, Attestation, Internship
from kakehashi.people.privacy import KEPT, erase_item, model_section
from kakehashi.people.signals import person_data_export, person_erase


def _internship_values(internship) -> dict:
    """An internship's references and its agreement's research plans (empty before
    one is drafted)."""
    agreement = getattr(internship, "agreement", None)
    return {
        "project": internship.project.key,
        "host": internship.host.display_name,
        "plan_intern": agreement.plan_intern if agreement else "",
        "plan_host": agreement.plan_host if agreement else "",
    }


@receiver(person_data_export, dispatch_uid="internships.privacy")
def internships_data_export(*, sender, person, **kwargs) -> dict:
    internships = (
        Internship.objects.filter(intern=person)
        .select_related("host", "project", "agreement")
        .order_by("start_date", "pk")
    )
    approvals = Approval.objects.filter(person=person).select_related("amendment").order_by("pk")
    attestations = Attestation.objects.filter(person=person).select_related("organisations")
    keys = ["id", "project", "host", "start_date", "end_date", "ended_on", "status"]
    keys += ["plan_intern", "plan_host"]
    return {
        "internships": model_section(
            title=_("Internships"),
            explanation=_("Your internships and the research plans of their agreements."),
            model=Internship,
            keys=keys,
            rows=internships,
            labels={
                "plan_intern": _("research plan (your language)"),
                "plan_host": _("research plan (host's language)"),
            },
            values=_internship_values,
        ),
        "agreement_approvals": model_section(
            title=_("Agreement approvals"),
            explanation=_("The agreements and amendments you approved, and as which party."),
            model=Approval,
            keys=["agreement", "amendment", "party", "approved_at"],
            rows=approvals,
            values=lambda a: {
                "agreement": a.agreement_id,
                "amendment": a.amendment.number if a.amendment else None,
            },
        ),
        "research_attestations": model_section(
            title=_("Research-security attestations"),
            explanation=_("What you attested, against which version of the list."),
            model=Attestation,
            keys=["internship", "list", "statement", "attested_at"],
            rows=attestations,
            labels={"list": _("list attested against")},
            values=lambda a: {"internship": a.internship_id, "list": a.organisations.version},
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
