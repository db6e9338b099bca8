"""Permission predicates for applications and rank lists."""

import rules

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.people.rules import is_candidate, is_officer, is_supervisor
from kakehashi.projects.rules import supervises


@rules.predicate
def is_applicant(user, application) -> bool:
    return application is not None and application.candidate_id == user.pk


@rules.predicate
def supervises_project(user, application) -> bool:
    """Supervises the project of this application, while it stands: a withdrawn one is
    hidden from the supervisors again."""
    return (
        application is not None
        and application.status == ApplicationStatus.SUBMITTED
        and application.project.supervisions.filter(person_id=user.pk).exists()
    )


@rules.predicate
def owns_rank_list(user, ref) -> bool:
    """`ref` (a ``selectors.RankListRef``) is the user's own rank list."""
    return ref is not None and ref.candidate.pk == user.pk


can_view_application = is_applicant | is_officer | supervises_project
can_change_application = is_applicant
# Where a candidate ranked a project is private to them and the officers: a host who
# saw it could game the match (and would know it while ranking is still open).
can_view_application_rank = is_applicant | is_officer

rules.add_perm("applications.view_application", can_view_application)
rules.add_perm("applications.change_application", can_change_application)
#: Applying, one's own applications and rank list: candidates.
rules.add_perm("applications.add_application", is_candidate)
rules.add_perm("applications.view_own_application_list", is_candidate)
rules.add_perm("applications.view_rank_list", is_candidate)
rules.add_perm("applications.change_rank_list", is_candidate)
#: The API's list answers anyone signed in with their own applications (maybe none).
rules.add_perm("applications.view_application_list", rules.is_authenticated)
#: Applicants to one's projects and their ranking: supervisors.
rules.add_perm("applications.view_applicant_list", is_supervisor)
rules.add_perm("applications.view_host_ranking", is_supervisor)
rules.add_perm("applications.change_host_ranking", is_supervisor)
#: Applicants to one project (object: the project): its supervisors and officers.
rules.add_perm("applications.view_project_applicant_list", is_officer | supervises)
rules.add_perm("applications.view_application_rank", can_view_application_rank)
#: The kept versions of a rank list (object: a ``selectors.RankListRef``): its
#: candidate and officers; anyone else gets a 404 from the loader.
rules.add_perm("applications.view_rank_list_versions", owns_rank_list | is_officer)
