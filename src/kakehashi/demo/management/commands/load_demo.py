from django.core.management.base import BaseCommand

from kakehashi.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo (real ROR organisations, people, a call, projects). Idempotent."

    def handle(self, *args, **options):
        report = demo_load()
        if report.total == 0:
            self.stdout.write("Demo already loaded: nothing to do.")
            return
        parts = ", ".join(f"{what}: {n}" for what, n in report.created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {parts}."))
