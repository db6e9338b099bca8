"""Permission predicates of internships.

Who sees an internship: its parties (intern, host supervisors, home supervisor,
partner's signatory), the admins of its host, home and partner organisations, and
officers (``selectors.internship_list_visible``; others get 404). Who acts: the
parties; what each party may do besides is checked again by the services.
"""

import rules

from kakehashi.core.roles import is_officer
from kakehashi.internships.parties import parties_of, researchers_of
from kakehashi.internships.security import may_screen


@rules.predicate
def is_party(user, internship) -> bool:
    return internship is not None and bool(parties_of(internship, user))


@rules.predicate
def is_researcher(user, internship) -> bool:
    return internship is not None and getattr(user, "pk", None) in researchers_of(internship)


@rules.predicate
def screens_export(user, internship) -> bool:
    return internship is not None and user.is_authenticated and may_screen(internship, user)


#: The internship page and its API: the visibility selector decides (404 otherwise).
rules.add_perm("internships.view_internship", rules.is_authenticated)
#: My internships (possibly none), and officers' list of all.
rules.add_perm("internships.view_internship_list", rules.is_authenticated)
#: Drafting, approving and amending: parties only (the services check which party).
rules.add_perm("internships.change_agreement", is_party)
rules.add_perm("internships.approve_agreement", is_party)
rules.add_perm("internships.add_amendment", is_party)
rules.add_perm("internships.approve_amendment", is_party)
#: Research security.
rules.add_perm("internships.attest", is_researcher)
rules.add_perm("internships.record_screening", screens_export)
rules.add_perm("internships.decide_sensitivity", is_officer)
rules.add_perm("internships.view_security_lists", is_officer)
rules.add_perm("internships.import_security_list", is_officer)
