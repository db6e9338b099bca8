"""What offers tell the apps above them, which they must not import.

``offer_accepted`` is sent inside the answering transaction, with ``offer`` (its
``run.call`` and ``project.host`` loaded) and ``candidate``: a receiver's failure rolls
the acceptance back, so an accepted offer and what it starts (the internship) are one
atomic change.
"""

from django.dispatch import Signal

offer_accepted = Signal()
