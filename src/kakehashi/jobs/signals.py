"""What the jobs app tells the apps that own the work (they connect in their `ready()`).

* `job_failed(sender=Job, job=…)`: a job ended failed, its handler having raised or
  its worker having died once too often (the reaper gave up). Sent after commit;
  receivers must be idempotent.
* `job_retried(sender=Job, job=…, user=…)`: someone re-queued a failed job
  (`job_retry`), inside its transaction: the owner resets what it keeps beside the
  job and records it in its audit, if it has one.
"""

from django.dispatch import Signal

job_failed = Signal()
job_retried = Signal()
