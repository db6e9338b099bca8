"""Permissions of background jobs: a job is seen by whoever started it and by officers
(`job_get_visible`; anyone else gets a 404)."""

import rules

rules.add_perm("jobs.view_job", rules.is_authenticated)
