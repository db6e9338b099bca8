"""The job kind that measures the network (registered when the app is ready)."""

from kakehashi.jobs.services import job_handler
from kakehashi.network.services import MEASURE_JOB, network_measure


@job_handler(MEASURE_JOB)
def measure_network(*, params, progress):
    snapshot = network_measure(progress=progress)
    return {"snapshot": snapshot.pk, "ties": snapshot.ties_count}
