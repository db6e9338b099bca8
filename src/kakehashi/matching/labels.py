"""Every name the match pages, the API and the offers give to the engine's codes:
its modes, the reasons a candidate did not obtain a choice, and its warnings.

Labels are translated lazily, so a page, an API answer and an e-mail each come out
in the active language. The codes themselves are the engine's (docs/match/format.md).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kakehashi.programs.labels import EXCHANGE_LEVEL_LABELS, MODE_LABELS
from kakehashi_match.certificate import REASONS as _ENGINE_REASONS
from kakehashi_match.exchange import EXCHANGE_REASONS as _EXCHANGE_REASONS

__all__ = [
    "ENGINE_MODE_LABELS",
    "EXCHANGE_LEVEL_LABELS",
    "EXCHANGE_REASONS",
    "FULL_REASONS",
    "HOST_REASONS",
    "MODE_LABELS",
    "MODE_SHORT_LABELS",
    "REASONS",
    "REASON_CODES",
    "UNMATCHED_REASONS",
    "WARNINGS",
]

# ---------------------------------------------------------------- modes

#: How the engine's modes are named on the pages (a run stores the engine's mode).
ENGINE_MODE_LABELS = {
    **MODE_LABELS,
    "flexible": _("Student-proposing with caps"),
    "ties": _("Student-proposing with ties"),
}
#: Short names of the engine's modes, for tables, menus and legends.
MODE_SHORT_LABELS = {
    "student": _("Student-proposing"),
    "host": _("Host-proposing"),
    "welfare": _("Most placements"),
    "flexible": _("Student-proposing with caps"),
    "ties": _("Student-proposing with ties"),
    "exchange": _("Balanced exchange"),
}

# ---------------------------------------------------------------- reasons

#: Why a candidate did not obtain a project ranked above their placement, as the
#: officers' run page says it (the candidate's own sentences: offers.explanations).
REASONS = {
    "not_ranked_by_host": _("the host did not rank this candidate"),
    "project_full": _("the project was full with candidates its host ranked higher"),
    "supervisor_full": _("the supervisor's places went to candidates they ranked higher"),
    "organisation_full": _("the organisation's places went to other candidates"),
    "group_cap_reached": _("the cap of its region, sector or direction was reached"),
    "blocking_pair": _("the place went to another candidate to place more people"),
    "balance": _("the host's side could not receive one more without unbalancing the exchange"),
    "lower_priority": _("the place went to a candidate their own home put first"),
}
#: The reason codes of ``better_choices``, in the engine's order (the balanced
#: exchange's own two last).
REASON_CODES = tuple(code for code in _ENGINE_REASONS.values() if code != "obtained") + tuple(
    code for code in _EXCHANGE_REASONS.values() if code not in _ENGINE_REASONS.values()
)
#: The reasons only a balanced exchange gives.
EXCHANGE_REASONS = frozenset({"balance", "lower_priority"})
#: The reasons that come down to hosts' rankings and places alone.
HOST_REASONS = frozenset(
    {"not_ranked_by_host", "project_full", "supervisor_full", "organisation_full"}
)
#: Reasons a place went to others (as opposed to the host not ranking the candidate).
FULL_REASONS = frozenset(
    {"project_full", "supervisor_full", "organisation_full", "group_cap_reached"}
)
#: Why a candidate was not placed at all.
UNMATCHED_REASONS = {
    "empty_list": _("ranked no project"),
    "not_ranked": _("no host of a ranked project ranked this candidate"),
    "full": _("every ranked project was full with candidates ranked higher"),
    "mixed": _("some hosts did not rank this candidate; the other projects were full"),
    "exchange": _(
        "the exchange's balance or their home's order kept them from the projects "
        "whose hosts ranked them"
    ),
}

# ---------------------------------------------------------------- warnings

#: The engine's warnings about an instance, as headings of the run page.
WARNINGS = {
    "short_rank_list": _("Candidates with a short rank list (fewer than 3 choices)"),
    "unmatched": _("Candidates without a placement"),
    "ranked_project_whose_host_did_not_rank_student": _(
        "Candidates who ranked a project whose host did not rank them"
    ),
    "groups_ignored_outside_flexible_mode": _(
        "Caps were ignored: they apply only in the mode with caps"
    ),
    "project_without_supervisor": _("Projects without a supervisor (nobody can be placed there)"),
    "supervisor_without_ranking": _("Supervisors who ranked nobody"),
    "exchange_ignored_outside_exchange_mode": _(
        "Homes and priorities were ignored: they apply only in the balanced exchange"
    ),
}
