from django.core.management.base import BaseCommand

from kakehashi.jobs.services import jobs_reap


class Command(BaseCommand):
    help = (
        "Re-queue the running jobs whose worker stopped writing its heartbeat, and fail "
        "those tried KAKEHASHI_JOB_MAX_ATTEMPTS times; the scheduler does this every minute."
    )

    def handle(self, *args, **options):
        done = jobs_reap()
        self.stdout.write(
            "Re-queued: {requeued}. Failed: {failed}. Handed to the worker again: "
            "{redispatched}.".format(
                **{k: ", ".join(map(str, v)) or "none" for k, v in done.items()}
            )
        )
