"""Permission predicates for applications and rank lists."""

import rules

from kakehashi.people.rules import is_officer


@rules.predicate
def is_applicant(user, application) -> bool:
    return application is not None and application.candidate_id == user.pk


@rules.predicate
def supervises_project(user, application) -> bool:
    return (
        application is not None
        and application.project.supervisions.filter(person_id=user.pk).exists()
    )


can_view_application = is_applicant | is_officer | supervises_project
can_change_application = is_applicant

rules.add_perm("applications.view_application", can_view_application)
rules.add_perm("applications.change_application", can_change_application)
