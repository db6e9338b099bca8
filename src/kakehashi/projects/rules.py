"""Permission predicates for projects."""

import rules

from kakehashi.organisations.rules import is_organisation_admin
from kakehashi.people.rules import is_officer, is_supervisor
from kakehashi.projects.enums import PUBLISHED


@rules.predicate
def is_published(user, project) -> bool:
    return project is not None and project.status in PUBLISHED


@rules.predicate
def supervises(user, project) -> bool:
    # all(): the selectors prefetch a project's supervisions; no query then.
    return project is not None and any(s.person_id == user.pk for s in project.supervisions.all())


@rules.predicate
def administers_host(user, project) -> bool:
    return project is not None and is_organisation_admin(user, project.host_id)


can_view_project = is_published | is_officer | supervises | administers_host
can_change_project = is_officer | supervises | administers_host

#: Approving and closing are vetting: officers and the host's admins only
#: (checked by the service `project_transition`, for pages and API alike).
can_vet_project = is_officer | administers_host

#: The list and search of projects is public; each caller sees what
#: `project_list_visible` lets them see.
rules.add_perm("projects.view_project_list", rules.always_allow)
rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.view_supervised_project_list", is_supervisor)
#: Who may create a given project depends on the project (its supervisors and host):
#: the endpoint checks that on the submitted data.
rules.add_perm("projects.add_project", rules.is_authenticated)
rules.add_perm("projects.import_project", is_officer)
rules.add_perm("projects.change_project", can_change_project)
rules.add_perm("projects.vet_project", can_vet_project)
