"""The background job that mails participants about phases (registered on app ready)."""

from kakehashi.jobs.services import job_handler, job_param_time
from kakehashi.notifications.services import phase_notifications_send

PHASES_JOB = "notifications.phases"


@job_handler(PHASES_JOB)
def send_phase_notifications(*, params, progress):
    """params: ``call`` (a slug; default every call), ``now`` (ISO 8601; default now)."""
    now = job_param_time(params, "now")
    return phase_notifications_send(now=now, call_slug=params.get("call", ""), progress=progress)
