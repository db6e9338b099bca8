"""Who sees the network: officers see everything, anyone the public aggregates."""

import rules

from kakehashi.core.roles import is_officer

#: The officers' network page, its graph, conduits (people) and exports.
rules.add_perm("network.view_network", is_officer)
#: Measuring the history again (a background job).
rules.add_perm("network.measure_network", is_officer)
#: Recording an activity that tied organisations.
rules.add_perm("network.add_recordedactivity", is_officer)
#: The public page: aggregates and organisations only, never a person.
rules.add_perm("network.view_public_network", rules.always_allow)
