from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kakehashi.people.models import User
from kakehashi.people.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for an active account and print its key (shown once) on "
        "stdout. For scripts and CI, where nobody signs in to POST /api/v1/me/tokens."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="The token's name.")

    def handle(self, *args, **options):
        username = options["username"]
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(
                _("No active account named “%(username)s”.") % {"username": username}
            )
        token, key = api_token_create(user=user, name=options["name"])
        self.stderr.write(
            _("Token “%(token)s” for %(username)s, valid until %(date)s.")
            % {"token": token, "username": username, "date": f"{token.expires_at:%Y-%m-%d}"}
        )
        self.stdout.write(key)
