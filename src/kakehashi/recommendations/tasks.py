"""The background job that keeps embeddings current (registered on app ready)."""

from kakehashi.jobs.services import job_enqueue, job_handler
from kakehashi.recommendations.services import REFRESH, embeddings_refresh


@job_handler(REFRESH)
def refresh_embeddings(*, params, progress):
    return embeddings_refresh(progress=progress)


def refresh_job_start(*, user):
    """Queue a refresh now (a worker runs it: docs/architecture.md, Background jobs)."""
    return job_enqueue(kind=REFRESH, user=user)
