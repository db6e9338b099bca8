"""Permissions of recommendations and search."""

import rules

from kakehashi.people.rules import is_candidate, is_officer
from kakehashi.projects.rules import supervises

#: The search box is public; each caller finds what they may see.
rules.add_perm("recommendations.view_search", rules.always_allow)
rules.add_perm("recommendations.view_recommended_projects", is_candidate)
#: Object: the project. Its supervisors and officers.
rules.add_perm("recommendations.view_recommended_candidates", is_officer | supervises)
#: Re-embedding every text is the officers' work.
rules.add_perm("recommendations.view_embeddings", is_officer)
rules.add_perm("recommendations.refresh_embeddings", is_officer)
