"""What projects tell the apps above them (which it must not import).

``project_text_changed`` is sent, with ``project``, inside the transaction that
created a project or changed its title, summary or description; recommendations
re-embed the changed texts once it commits."""

from django.dispatch import Signal

project_text_changed = Signal()

#: Sent with ``project``, ``user`` and ``versions`` (the project's edits, newest first,
#: as the page read them) when the project page is built; receivers (applications)
#: answer a dict of what they add to its context.
project_page = Signal()

#: Sent with ``project``, ``invitation`` and ``actor`` inside the transaction that
#: named a person a supervisor (a new ``SupervisionInvitation``); notifications mail
#: them once it commits.
supervision_invited = Signal()

#: Sent with ``project``, ``before`` and ``to`` (statuses), ``actor`` and ``comment``
#: inside the transaction of a project's transition; notifications mail its
#: supervisors (and, on a submission, the host's admins) once it commits.
project_transitioned = Signal()

#: Sent with ``project`` before it is approved (posted). A receiver (review: a call's
#: review of its proposals) answers a list of reasons (translated strings) why it may
#: not be approved yet; any reason refuses the approval.
project_approval_blockers = Signal()

#: Sent by ``selectors.project_search`` with ``user``, ``q`` (the search box's words) and
#: ``queryset`` (the visible projects that pass the list's other filters). A receiver
#: (recommendations: the cross-language search of the search page) answers the ids of
#: the matching projects of ``queryset``, best first; with no answer (``None``) the
#: words are matched as plain text (``ProjectFilters.filter_q``).
project_query = Signal()
