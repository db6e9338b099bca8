"""Permission predicates of match runs: running, comparing, publishing and exporting
a match, and reading a call's audit record, are officers' work; homes' priority
orders are set by officers and by the home organisations' admins."""

import rules

from kakehashi.people.rules import is_officer, is_org_admin

can_run_match = is_officer

rules.add_perm("matching.view_matchrun", can_run_match)
rules.add_perm("matching.add_matchrun", can_run_match)
rules.add_perm("matching.publish_matchrun", can_run_match)
rules.add_perm("matching.view_auditevent", can_run_match)

#: A home's order of its own candidates in a call (balanced exchange): officers set
#: every list, organisations' admins their own organisation's (the service checks it).
rules.add_perm("matching.view_homepriority", is_officer | is_org_admin)
rules.add_perm("matching.change_homepriority", is_officer | is_org_admin)
