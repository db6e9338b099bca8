"""The names of a call's match modes, in the reader's language (translated lazily).

A call's match policy chooses one of these modes; matching names the engine's
other modes on top of them (``kakehashi.matching.labels``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: The modes a call's policy may choose, with what each one promises.
MODE_LABELS = {
    "student": _("Student-proposing: the best stable result for candidates"),
    "host": _("Host-proposing: stable, and no better for any candidate"),
    "welfare": _("Most placements: may leave blocking pairs"),
    "exchange": _("Balanced exchange: each side receives as many interns as it sends"),
}
#: What balances in a balanced exchange (``MatchPolicy.exchange.level``).
EXCHANGE_LEVEL_LABELS = {
    "country": _("Per country (Canada and Japan)"),
    "organisation": _("Per organisation"),
}
