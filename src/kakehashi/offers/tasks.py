"""The job kind that lapses expired offers (registered when the app is ready).

Run it on a schedule (every minute, with Celery beat or cron calling
``job_enqueue(kind="offers.lapse")``); pages and API reads also lapse what
they are about to show, so a missed schedule never shows a stale offer.
"""

from kakehashi.jobs.services import job_handler
from kakehashi.offers.services import LAPSE_JOB, offers_lapse


@job_handler(LAPSE_JOB)
def lapse_offers(*, params, progress):
    lapsed = offers_lapse()
    progress(len(lapsed), len(lapsed), "")
    return {"lapsed": [offer.pk for offer in lapsed]}
