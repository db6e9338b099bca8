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

#: Sent with ``person`` when a person downloads their data (the active language is
#: theirs); each receiver (applications, offers, projects, matching, notifications)
#: answers a dict ``{section key: people.privacy.data_section(...)}`` of what its
#: app holds about them, in a fixed number of queries.
person_data_export = Signal()

#: Sent with ``person``, ``placeholder`` and ``dry_run`` when a person's account is
#: deleted (inside its transaction, before people anonymises the person) or when the
#: deletion is previewed (``dry_run=True``: nothing changes). Each receiver deletes or
#: anonymises what its app holds and answers a list of ``people.privacy.erase_item``.
person_erase = Signal()

#: Sent with ``request`` (an ``AffiliationRequest``) inside the transaction that created
#: it; notifications mails the organisation's admins (else the officers) once it commits.
affiliation_requested = Signal()

#: Sent with ``request`` and ``actor`` inside the transaction that confirmed or refused
#: it; notifications mails the person who asked once it commits.
affiliation_decided = Signal()
