from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "kakehashi.funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        # The receivers import models and services, so they are connected here, once
        # the app registry is ready (docs/architecture.md, signals table).
        from kakehashi.funding import receivers
        from kakehashi.internships import signals as internship_signals
        from kakehashi.matching import signals as matching_signals
        from kakehashi.programs import signals as program_signals

        internship_signals.agreement_budget.connect(
            receivers.on_agreement_budget, dispatch_uid="funding.budget"
        )
        internship_signals.agreement_blockers.connect(
            receivers.on_agreement_blockers, dispatch_uid="funding.blockers"
        )
        internship_signals.agreement_approved.connect(
            receivers.on_agreement_approved, dispatch_uid="funding.commit"
        )
        internship_signals.amendment_approved.connect(
            receivers.on_amendment_approved, dispatch_uid="funding.adjust"
        )
        internship_signals.internship_ended_early.connect(
            receivers.on_internship_ended_early, dispatch_uid="funding.refund"
        )
        internship_signals.internship_page.connect(
            receivers.on_internship_page, dispatch_uid="funding.panel"
        )
        program_signals.placement_budget.connect(
            receivers.on_placement_budget, dispatch_uid="funding.placements"
        )
        matching_signals.run_publishing.connect(
            receivers.on_run_publishing, dispatch_uid="funding.publishing"
        )
        # Answer the personal-data export and the account deletion (people/privacy.py).
        from kakehashi.funding.privacy import funding_data_export, funding_erase
        from kakehashi.people.signals import person_data_export, person_erase

        person_data_export.connect(funding_data_export, dispatch_uid="funding.privacy")
        person_erase.connect(funding_erase, dispatch_uid="funding.privacy")
