"""The mobility panel of the internship page (``internships.signals.internship_page``)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.internships.signals import internship_page
from kakehashi.mobility.selectors import plan_detail_visible, plan_risks


@receiver(internship_page, dispatch_uid="mobility.panel")
def mobility_panel(sender, *, internship, user, **kwargs) -> list[dict] | None:
    """The checklist's summary: route, next steps, risks; the full checklist has its
    own page. None when the user may not see the plan."""
    plan = plan_detail_visible(user=user).filter(internship_id=internship.pk).first()
    if plan is None:
        return None
    steps = list(plan.steps.all())
    open_steps = [s for s in steps if s.status == "open"]
    return [
        {
            "order": 30,
            "title": _("Visa, permits, insurance and travel"),
            "template": "mobility/_panel.html",
            "context": {
                "plan": plan,
                "pack": plan.rule_pack,
                "route": plan.route,
                "next_steps": open_steps[:3],
                "done": len(steps) - len(open_steps),
                "total": len(steps),
                "risks": plan_risks(plan, today=timezone.localdate()),
            },
        }
    ]
