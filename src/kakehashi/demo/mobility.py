"""The mobility part of the demo: the shipped rule packs (Japan, Canada) and the demo
candidates' nationalities. The nationalities are invented, like the demo people; the
packs are the real ones shipped with the code (information, not immigration advice)."""

from __future__ import annotations

from kakehashi.mobility.services import (
    plans_without_nationality_fill,
    plans_without_pack_derive,
    rule_packs_import_shipped,
)
from kakehashi.people.models import CandidateProfile

#: Invented: each demo candidate's passport. `candidate-fr` is a French national
#: enrolled in Canada (visa-exempt in Japan, an eTA for Canada).
DEMO_NATIONALITIES = {"candidate": "CA", "candidate-ja": "JP", "candidate-fr": "FR"}
#: Other demo candidates: the home country of their direction (invented too).
BY_DIRECTION = {"CA_JP": "CA", "JP_CA": "JP"}


def demo_mobility(report) -> None:
    """Import the rule packs, give demo candidates a nationality, and derive the plans
    of any internship made before (idempotent: a second run changes nothing)."""
    for _pack, created in rule_packs_import_shipped():
        if created:
            report.add("rule packs")
    for profile in CandidateProfile.objects.filter(nationality="").select_related("user"):
        code = DEMO_NATIONALITIES.get(profile.user.username) or BY_DIRECTION.get(profile.direction)
        if code:
            profile.nationality = code
            profile.save(update_fields=["nationality", "updated_at"])
            report.add("nationalities")
    derived = plans_without_pack_derive() + plans_without_nationality_fill()
    if derived:
        report.add("mobility plans derived", derived)
