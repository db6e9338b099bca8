from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "kakehashi.review"
    verbose_name = _("Proposal review")

    def ready(self) -> None:
        # Importing these connects their receivers (@receiver): the personal-data export
        # and deletion, the reviewer's home card, the gates that hold a project's posting
        # and an agreement's approval until the review approves; and registers the
        # `review.assign` job kind. They import models, hence here.
        from kakehashi.review import gates, home, privacy, tasks  # noqa: F401
