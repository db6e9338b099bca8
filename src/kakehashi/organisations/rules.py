"""Permission predicates for organisations: public to read; officers and admins edit."""

import rules

from kakehashi.core.roles import is_officer


def is_organisation_admin(user, organisation_id: int) -> bool:
    """Whether signed-in `user` is an admin of the organisation `organisation_id` (one query)."""
    return (
        user.is_authenticated
        and user.affiliations.filter(organisation_id=organisation_id, role="admin").exists()
    )


@rules.predicate
def administers_organisation(user, organisation) -> bool:
    return organisation is not None and is_organisation_admin(user, organisation.pk)


can_change_organisation = is_officer | administers_organisation

rules.add_perm("organisations.view_organisation", rules.always_allow)
rules.add_perm("organisations.add_organisation", is_officer)
rules.add_perm("organisations.import_organisation", is_officer)
rules.add_perm("organisations.change_organisation", can_change_organisation)
