from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "kakehashi.review"
    verbose_name = _("Proposal review")

    def ready(self) -> None:
        # Registers the `review.assign` job kind.
        from kakehashi.review import tasks  # noqa: F401
