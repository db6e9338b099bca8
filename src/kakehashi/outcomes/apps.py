from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "kakehashi.outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        # The internship page shows an internship's outcomes (internships/signals.py);
        # the receiver reads models, hence connected here.
        from kakehashi.internships.signals import internship_page
        from kakehashi.outcomes.views import outcomes_panel

        internship_page.connect(outcomes_panel, dispatch_uid="outcomes.panel")
