"""What matching tells the apps above it, which it must not import.

``run_published`` is sent inside the publishing transaction, with ``run`` and
``user``: a receiver's failure rolls the publication back, so a published run and
its consequences (the offers made from it) are one atomic change.
"""

from django.dispatch import Signal

run_published = Signal()
