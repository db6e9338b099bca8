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
#: Anyone may sign in, sign out and choose the interface's language.
rules.add_perm("people.sign_in", rules.always_allow)
rules.add_perm("people.sign_out", rules.always_allow)
rules.add_perm("people.set_language", rules.always_allow)
#: One's own profile and API tokens (the selectors only ever return one's own).
rules.add_perm("people.view_profile", rules.is_authenticated)
rules.add_perm("people.change_profile", rules.is_authenticated)
rules.add_perm("people.view_apitoken", rules.is_authenticated)
rules.add_perm("people.add_apitoken", rules.is_authenticated)
rules.add_perm("people.delete_apitoken", rules.is_authenticated)
#: The people directory: each caller sees whom `person_list_visible` lets them see.
rules.add_perm("people.view_user_list", rules.is_authenticated)
rules.add_perm("people.export_user", is_officer)
rules.add_perm("people.import_user", is_officer)
