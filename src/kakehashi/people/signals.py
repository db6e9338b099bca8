"""What people tell the apps above them (which it must not import).

``profile_text_changed`` is sent, with ``profile``, inside the transaction that
changed a candidate's research interests; recommendations re-embed the changed
texts once it commits."""

from django.dispatch import Signal

profile_text_changed = Signal()

#: Sent with ``user`` when the people `user` may see are selected; each receiver
#: (projects, applications) answers a ``Q`` over people that its own rules make
#: visible (supervisors of published projects, one's own applicants).
person_visibility = Signal()
