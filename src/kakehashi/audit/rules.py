"""Permission predicates of the audit record: reading it is officers' work."""

import rules

from kakehashi.core.roles import is_officer

#: The page that browses the whole record by scope, verb and actor.
rules.add_perm("audit.view_auditentry", is_officer)
