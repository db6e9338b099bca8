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


@rules.predicate
def is_invited(user, project) -> bool:
    """`user` was named a supervisor of `project` and has not answered yet."""
    return (
        project is not None
        and user.is_authenticated
        and project.invitations.filter(person_id=user.pk).exists()
    )


@rules.predicate
def has_invitations(user) -> bool:
    return bool(getattr(user, "pk", None)) and user.supervision_invitations.exists()


#: The affiliations that let a person create projects at their organisation
#: (a student of a university does not post its internships).
HOST_ROLES = ("supervisor", "researcher", "admin")


@rules.predicate
def may_create_at(user, host) -> bool:
    """Officers, and people affiliated with `host` as supervisor, researcher or admin."""
    if host is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        bool(is_officer(user))
        or user.affiliations.filter(organisation_id=host.pk, role__in=HOST_ROLES).exists()
    )


@rules.predicate
def may_post(user) -> bool:
    """Officers, and people affiliated with some organisation as supervisor, researcher
    or admin: they may open the form of a new project (the host they pick is checked
    by `project_create` through `may_create_at`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(is_officer(user)) or user.affiliations.filter(role__in=HOST_ROLES).exists()


@rules.predicate
def administers_some_organisation(user) -> bool:
    return (
        getattr(user, "is_authenticated", False) and user.affiliations.filter(role="admin").exists()
    )


can_view_project = is_published | is_officer | supervises | administers_host | is_invited
can_change_project = is_officer | supervises | administers_host

#: Approving and closing are vetting: officers and the host's admins only
#: (checked by the service `project_transition`, for pages and API alike).
can_vet_project = is_officer | administers_host

#: The list and search of projects is public; each caller sees what
#: `project_list_visible` lets them see.
rules.add_perm("projects.view_project_list", rules.always_allow)
rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.view_supervised_project_list", is_supervisor | has_invitations | may_post)
#: The page of a new project (officers, people of a host organisation).
rules.add_perm("projects.post_project", may_post)
#: The projects waiting for vetting: every call's for officers, their organisations'
#: for organisation admins (`project_vetting_queue`).
rules.add_perm("projects.view_vetting_queue", is_officer | administers_some_organisation)
#: Who may create a given project depends on its host (`may_create_at`): the service
#: `project_create` checks that on the submitted data.
rules.add_perm("projects.add_project", rules.is_authenticated)
#: One's own invitations (the selector returns only the caller's).
rules.add_perm("projects.view_supervision_invitation_list", rules.is_authenticated)
#: Only the person invited to supervise a project accepts or declines.
rules.add_perm("projects.answer_supervision", is_invited)
rules.add_perm("projects.import_project", is_officer)
rules.add_perm("projects.change_project", can_change_project)
rules.add_perm("projects.vet_project", can_vet_project)
