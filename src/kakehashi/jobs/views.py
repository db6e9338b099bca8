"""What the pages that show a job share: its Retry button's answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from kakehashi.jobs.services import job_retry


def job_retry_answer(request, *, success: str, to: str, **kwargs):
    """Queue `request.permission_object` (a failed job) again as the signed-in user and
    go back to the page `to` (with `kwargs`), saying `success` or why it could not."""
    try:
        job_retry(job=request.permission_object, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(to, **kwargs)
