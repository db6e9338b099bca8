"""Permissions of the pages that belong to no domain noun."""

import rules

# The home page is public; it still names a permission, like every page.
rules.add_perm("core.view_home", rules.always_allow)
