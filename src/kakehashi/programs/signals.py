"""What programs ask of the apps above them (which it must not import).

``call_overview`` is sent with ``call`` when an officer's overview of a call is
built; each receiver (projects, applications) answers a dict of its own counts,
merged by ``selectors.call_overview`` — the way pretalx lets plugins add to its
pages."""

from django.dispatch import Signal

call_overview = Signal()
