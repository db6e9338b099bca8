"""What internships tell the apps above them (funding, mobility), which it must not import.

Every signal is sent with ``sender=Internship``. Those sent inside a transaction say so:
a receiver's failure there rolls the change back, so an approval and its ledger entries,
or an early end and its refund, are one atomic change.
"""

from django.dispatch import Signal

#: Sent with ``internship`` and ``user`` when the internship page is built. A receiver
#: answers a list of panels, each a dict ``{"order": int, "title": str, "template": str,
#: "context": dict}`` (funding: budget and payments; mobility: the checklist), or None.
internship_page = Signal()

#: Sent with ``internship`` and ``agreement`` when an agreement (or an amendment) is
#: drafted, inside its transaction. A receiver (funding) answers a list of budget lines,
#: each ``{"funder": str, "label": str, "amount": str (a Decimal), "currency": "CAD" |
#: "JPY", "source": str}``, stored on the agreement and approved with it.
agreement_budget = Signal()

#: Sent with ``internship`` and ``agreement`` before an approval is recorded. A receiver
#: answers a list of reasons (translated strings) why the agreement may not be approved
#: yet (research-security attestations missing, …); any reason refuses the approval.
agreement_blockers = Signal()

#: Sent with ``internship``, ``agreement`` and ``actor`` inside the transaction of the
#: last party's approval (the agreement is in force). Funding commits the budget.
agreement_approved = Signal()

#: Sent with ``internship``, ``amendment``, ``changes`` (field → [before, after], e.g.
#: ``{"end_date": ["2027-09-30", "2027-12-31"]}``) and ``actor`` inside the transaction
#: of the amendment's last approval. Funding adjusts commitments; mobility re-plans.
amendment_approved = Signal()

#: Sent with ``internship``, ``ended_on`` (date), ``reason`` and ``actor`` inside the
#: transaction that ended an internship early. Funding refunds pro rata.
internship_ended_early = Signal()
