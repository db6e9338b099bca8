"""Permission predicates of match runs: running, comparing, publishing and exporting
a match, and reading a call's audit record, are officers' work."""

import rules

from kakehashi.people.rules import is_officer

can_run_match = is_officer

rules.add_perm("matching.view_matchrun", can_run_match)
rules.add_perm("matching.add_matchrun", can_run_match)
rules.add_perm("matching.publish_matchrun", can_run_match)
rules.add_perm("matching.view_auditevent", can_run_match)
