"""Permission predicates for programs and calls: officers define and drive them."""

import rules

from kakehashi.people.rules import is_officer

can_change_program = is_officer
can_change_call = is_officer

rules.add_perm("programs.add_program", is_officer)
rules.add_perm("programs.change_program", can_change_program)
rules.add_perm("programs.add_call", is_officer)
rules.add_perm("programs.change_call", can_change_call)
