import datetime as dt

from kakehashi.funding import services
from kakehashi.funding.selectors import balances, budget_report
from tests.kakehashi.funding.conftest import rate


def test_smoke(funding):
    rate(dt.date(2027, 2, 26))
    entries = services.commitment_create(internship=funding.internship, on=dt.date(2027, 3, 1))
    print(entries, [ (l.account, l.amount) for e in entries for l in e.lines.all()])
    from kakehashi.funding.models import Invoice, Payment
    print(list(Invoice.objects.values()))
    print(list(Payment.objects.values_list("due_on", "amount", "currency")))
    services.refund_pro_rata(internship=funding.internship, ended_on=dt.date(2027, 6, 30), on=dt.date(2027, 3, 1))
    print(list(Invoice.objects.values_list("number", "amount", "original_amount")))
    print(list(Payment.objects.values_list("due_on", "amount", "currency", "status")))
    print(balances())
    print([r.as_data() for r in budget_report()])
    assert 0
