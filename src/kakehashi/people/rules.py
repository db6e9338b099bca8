"""Permission predicates about people and roles."""

import rules


@rules.predicate
def is_officer(user) -> bool:
    return bool(getattr(user, "is_officer", False)) or bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_candidate(user) -> bool:
    return bool(getattr(user, "pk", None)) and hasattr(user, "candidate_profile")


@rules.predicate
def is_supervisor(user) -> bool:
    return bool(getattr(user, "pk", None)) and user.supervisions.exists()


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and person.pk == user.pk


@rules.predicate
def supervises_applicant(user, person) -> bool:
    from kakehashi.applications.models import Application

    return (
        person is not None
        and Application.objects.filter(
            candidate_id=person.pk, project__supervisions__person_id=user.pk
        ).exists()
    )


@rules.predicate
def is_public_supervisor(user, person) -> bool:
    """Supervisors of published projects are named on public pages anyway."""
    return (
        person is not None
        and person.supervisions.filter(project__status__in=["approved", "closed"]).exists()
    )


can_view_person = is_self | is_officer | supervises_applicant | is_public_supervisor

rules.add_perm("people.view_user", can_view_person)
rules.add_perm("people.change_user", is_self)
