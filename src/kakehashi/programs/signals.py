"""What programs ask of the apps above them (which it must not import).

``call_overview`` is sent with ``call`` when an officer's overview of a call is
built; each receiver (projects, applications) answers a dict of its own counts,
merged by ``selectors.call_overview`` — the way pretalx lets plugins add to its
pages."""

from django.dispatch import Signal

call_overview = Signal()

#: Sent with ``call``, ``kind`` and ``now`` before a phase is opened now: each receiver
#: answers a translated reason to refuse (the matching app: offers need a published run),
#: or None.
phase_opening = Signal()

#: Sent with ``call``, ``kind`` and ``since`` before an opening is undone: each receiver
#: answers how many things participants did in that phase since then (applications
#: submitted, rank lists saved, offers answered); anything done forbids the undo.
phase_activity = Signal()

#: Sent with ``home`` (a ``programs.home.HomeContext``: the user, their roles, the calls
#: still running, now) when a signed-in person's home (`/home/`) is built; each receiver
#: answers a list of ``programs.home.HomeCard`` (its "next steps" cards). Projects,
#: applications, matching and offers answer today; documents and letters add theirs the
#: same way.
home_cards = Signal()

#: Sent with ``call`` when a match run of the call is started. Each receiver (funding)
#: answers a list of caps ``{"label": str, "direction": "CA_JP" | "JP_CA", "places":
#: int}``: the most placements the money left allows in that direction, or None.
#: ``services.policy_with_budget_caps`` lays them over the run's policy, so a published
#: run never places more interns than the funders can pay for.
placement_budget = Signal()
