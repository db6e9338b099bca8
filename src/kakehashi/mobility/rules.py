"""Permission predicates of mobility."""

import rules

from kakehashi.core.roles import is_officer


@rules.predicate
def takes_part(user, plan) -> bool:
    """The intern, the home supervisor, a supervisor of the host project (the plan was
    loaded through ``plan_list_visible``, which officers see whole)."""
    if plan is None or not getattr(user, "pk", None):
        return False
    internship = plan.internship
    return (
        internship.intern_id == user.pk
        or internship.home_supervisor_id == user.pk
        or internship.project.supervisions.filter(person_id=user.pk).exists()
    )


@rules.predicate
def is_plan_intern(user, plan) -> bool:
    return plan is not None and plan.internship.intern_id == getattr(user, "pk", None)


#: Rule packs are public information (with their sources and review date).
rules.add_perm("mobility.view_rulepack", rules.always_allow)
#: Previewing a route from facts: anyone signed in.
rules.add_perm("mobility.derive_route", rules.is_authenticated)
#: A plan: its parties and officers see it, mark their steps (the service checks the
#: step's owner), upload documents against steps.
rules.add_perm("mobility.view_plan_list", rules.is_authenticated)
rules.add_perm("mobility.view_plan", takes_part | is_officer)
rules.add_perm("mobility.change_step", takes_part | is_officer)
rules.add_perm("mobility.add_stepdocument", takes_part | is_officer)
rules.add_perm("mobility.view_stepdocument", takes_part | is_officer)
#: Insurance, travel and emergency contacts: the intern and officers.
rules.add_perm("mobility.change_travel", is_plan_intern | is_officer)
#: Checking in on arrival: the intern only.
rules.add_perm("mobility.check_in", is_plan_intern)
#: The facts behind the route (paid or not, nationality): officers.
rules.add_perm("mobility.change_plan", is_officer)
#: Internships at risk: officers.
rules.add_perm("mobility.view_at_risk", is_officer)
