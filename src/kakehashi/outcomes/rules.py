"""Who records and reads outcomes: the internship's people and officers."""

import rules

from kakehashi.core.roles import is_officer


@rules.predicate
def takes_part_in(user, internship) -> bool:
    """The intern, the home supervisor and the host project's supervisors."""
    if internship is None or not getattr(user, "pk", None):
        return False
    return (
        internship.intern_id == user.pk
        or internship.home_supervisor_id == user.pk
        or internship.project.supervisions.filter(person_id=user.pk).exists()
    )


@rules.predicate
def recorded_it(user, outcome) -> bool:
    return outcome is not None and outcome.recorded_by_id == user.pk


#: An internship's outcomes (object: the internship): read and record.
rules.add_perm("outcomes.view_internship_outcomes", takes_part_in | is_officer)
rules.add_perm("outcomes.add_outcome", takes_part_in | is_officer)
#: Removing one recorded by mistake (object: the outcome).
rules.add_perm("outcomes.delete_outcome", recorded_it | is_officer)
#: Every outcome, with filters, charts and the export.
rules.add_perm("outcomes.view_outcome_list", is_officer)
