"""Permissions of research fields: the classification is public."""

import rules

rules.add_perm("research_fields.view_researchfield", rules.always_allow)
