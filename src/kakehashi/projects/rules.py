"""Permission predicates for projects."""

import rules

from kakehashi.people.rules import is_officer
from kakehashi.projects.enums import PUBLISHED


@rules.predicate
def is_published(user, project) -> bool:
    return project is not None and project.status in PUBLISHED


@rules.predicate
def supervises(user, project) -> bool:
    return project is not None and project.supervisions.filter(person_id=user.pk).exists()


@rules.predicate
def administers_host(user, project) -> bool:
    return (
        project is not None
        and user.is_authenticated
        and user.affiliations.filter(organisation_id=project.host_id, role="admin").exists()
    )


can_view_project = is_published | is_officer | supervises | administers_host
can_change_project = is_officer | supervises | administers_host

rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.change_project", can_change_project)
