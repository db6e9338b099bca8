"""Permission predicates of offers."""

import rules

from kakehashi.people.rules import is_candidate, is_officer, is_supervisor


@rules.predicate
def is_offer_candidate(user, offer) -> bool:
    return offer is not None and offer.candidate_id == getattr(user, "pk", None)


@rules.predicate
def supervises_offer_project(user, offer) -> bool:
    return offer is not None and offer.project.supervisions.filter(person_id=user.pk).exists()


#: Only the candidate answers their offer; its project's supervisors and officers see it.
rules.add_perm("offers.respond_offer", is_offer_candidate)
rules.add_perm("offers.view_offer", is_offer_candidate | supervises_offer_project | is_officer)
#: A candidate's results in every call; a supervisor's interns.
rules.add_perm("offers.view_own_results", is_candidate)
rules.add_perm("offers.view_own_interns", is_supervisor)
