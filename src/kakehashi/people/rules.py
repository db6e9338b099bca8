"""Permission predicates about people and roles."""

import rules

from kakehashi.core.roles import is_candidate, is_officer, is_supervisor
from kakehashi.people.selectors import person_list_visible

__all__ = ["can_view_person", "is_candidate", "is_officer", "is_self", "is_supervisor"]


@rules.predicate
def is_self(user, person) -> bool:
    return person is not None and person.pk == user.pk


@rules.predicate
def is_visible_person(user, person) -> bool:
    """`person` is among those `user` may see (``selectors.person_list_visible``,
    where projects and applications add their rules)."""
    return person is not None and person_list_visible(user=user).filter(pk=person.pk).exists()


can_view_person = is_self | is_officer | is_visible_person

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
#: One's own data: everyone signed in may download it and delete their own account
#: (the service refuses superusers; the views only ever act on the caller).
rules.add_perm("people.export_own_data", rules.is_authenticated)
rules.add_perm("people.delete_own_account", rules.is_authenticated)


@rules.predicate
def is_org_admin(user) -> bool:
    """`user` administers an organisation (an `admin` affiliation)."""
    return bool(getattr(user, "pk", None)) and user.affiliations.filter(role="admin").exists()


#: Asking to be affiliated with an organisation: anyone signed in; deciding: the
#: organisation's admins and officers (the loader only finds requests they may decide).
rules.add_perm("people.add_affiliationrequest", rules.is_authenticated)
rules.add_perm("people.view_affiliationrequest_list", is_officer | is_org_admin)
rules.add_perm("people.change_affiliationrequest", is_officer | is_org_admin)
