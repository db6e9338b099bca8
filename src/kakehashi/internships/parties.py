"""Who is which party of an internship's agreement (reads only; pages, API, rules and
services share them)."""

from __future__ import annotations

from kakehashi.core.roles import is_officer
from kakehashi.internships.enums import Party
from kakehashi.projects.models import ProjectSupervisor


def host_supervisor_ids(internship) -> list[int]:
    """The supervisors of the host project, in their order (cached on the internship)."""
    cached = getattr(internship, "_host_supervisor_ids", None)
    prefetched = getattr(internship.project, "_prefetched_objects_cache", {}).get("supervisions")
    if cached is None and prefetched is not None:
        # A list prefetched them (`project__supervisions`): no query per internship.
        cached = [s.person_id for s in sorted(prefetched, key=lambda s: (s.order, s.pk))]
        internship._host_supervisor_ids = cached
    if cached is None:
        cached = list(
            ProjectSupervisor.objects.filter(project_id=internship.project_id)
            .order_by("order", "id")
            .values_list("person_id", flat=True)
        )
        internship._host_supervisor_ids = cached
    return cached


def agreement_of(internship):
    """The internship's agreement, or None (no template for its program yet)."""
    try:
        return internship.agreement
    except internship._meta.model.agreement.RelatedObjectDoesNotExist:
        return None


def required_parties(internship) -> list[str]:
    """The parties whose approval puts the agreement (or an amendment) in force: the
    partner's signatory only when the internship has an industry partner."""
    return [
        p for p in Party.values if p != Party.PARTNER_SIGNATORY or internship.partner_id is not None
    ]


def parties_of(internship, user) -> list[str]:
    """The parties `user` is on `internship`'s agreement, in the parties' order."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return []
    agreement = agreement_of(internship)
    held = {
        Party.INTERN: internship.intern_id == pk,
        Party.HOST_SUPERVISOR: pk in host_supervisor_ids(internship),
        Party.HOME_SUPERVISOR: internship.home_supervisor_id == pk,
        Party.PARTNER_SIGNATORY: agreement is not None and agreement.partner_signatory_id == pk,
        Party.OFFICER: bool(is_officer(user)),
    }
    return [p for p in required_parties(internship) if held[p]]


def researchers_of(internship) -> list[int]:
    """The people who attest under Canada's research-security policy: the intern, the
    host supervisors and the home supervisor (when named)."""
    ids = [internship.intern_id, *host_supervisor_ids(internship)]
    if internship.home_supervisor_id:
        ids.append(internship.home_supervisor_id)
    return list(dict.fromkeys(ids))
