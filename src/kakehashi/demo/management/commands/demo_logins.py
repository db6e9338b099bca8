from django.core.management.base import BaseCommand

from kakehashi.demo.services import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo accounts (demo only; created by load_demo and never otherwise)."

    def handle(self, *args, **options):
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {role}")
