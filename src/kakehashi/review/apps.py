from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "kakehashi.review"
    verbose_name = _("Proposal review")

    def ready(self) -> None:
        # Registers the `review.assign` job kind.
        # Imported once the app registry is ready: privacy imports models.
        from kakehashi.people.signals import person_data_export, person_erase
        from kakehashi.review import tasks  # noqa: F401
        from kakehashi.review.privacy import review_data_export, review_erase

        # Answer the personal-data export and the account deletion (people/privacy.py).
        person_data_export.connect(review_data_export, dispatch_uid="review.privacy")
        person_erase.connect(review_erase, dispatch_uid="review.privacy")

        # Imported here for the same reason: the card reads review's models.
        from kakehashi.programs.signals import home_cards
        from kakehashi.review.home import home_cards_review

        # A reviewer's card on their home: bids open, proposals to review.
        home_cards.connect(home_cards_review, dispatch_uid="review.home")

        # Imported here for the same reason: the gates read review's models.
        from kakehashi.internships.signals import agreement_blockers
        from kakehashi.projects.signals import project_approval_blockers
        from kakehashi.review.gates import agreement_review_blockers, project_review_blockers

        # A reviewed project is posted, and a reviewed application's agreement approved,
        # only once the review approves it.
        project_approval_blockers.connect(project_review_blockers, dispatch_uid="review.gates")
        agreement_blockers.connect(agreement_review_blockers, dispatch_uid="review.gates")
