"""Permissions of background jobs: a job is seen by whoever started it and by officers
(`job_get_visible`; anyone else gets a 404); a failed one is retried by officers."""

import rules

from kakehashi.core.roles import is_officer

rules.add_perm("jobs.view_job", rules.is_authenticated)
#: Object: the job (failed; `job_retry` refuses any other).
rules.add_perm("jobs.retry_job", is_officer)
