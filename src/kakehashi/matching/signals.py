"""What matching tells the apps above it, which it must not import.

``run_published`` is sent inside the publishing transaction, with ``run`` and
``user``: a receiver's failure rolls the publication back, so a published run and
its consequences (the offers made from it) are one atomic change.
"""

from django.dispatch import Signal

run_published = Signal()

#: Sent with ``run`` before a finished run is published, inside the publishing
#: transaction. Each receiver answers a list of translated reasons to refuse (funding:
#: the run places more interns than the funders' remaining budget pays for), or None;
#: any reason refuses the publication and nothing changes.
run_publishing = Signal()
