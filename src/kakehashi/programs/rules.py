"""Permission predicates for programs and calls: officers define and drive them."""

import rules

from kakehashi.people.rules import is_officer

can_change_program = is_officer
can_change_call = is_officer

#: Programs and the calls anyone may see (`call_list_visible`) are public.
rules.add_perm("programs.view_program", rules.always_allow)
rules.add_perm("programs.view_call", rules.always_allow)
#: A signed-in person's home (each card shows only the person's own data).
rules.add_perm("programs.view_home", rules.is_authenticated)
#: The officers' pages of calls and the counts they watch.
rules.add_perm("programs.view_call_overview", is_officer)
rules.add_perm("programs.add_program", is_officer)
rules.add_perm("programs.change_program", can_change_program)
rules.add_perm("programs.add_call", is_officer)
rules.add_perm("programs.change_call", can_change_call)
