"""Permission predicates of funding: officers edit everything; an organisation's admins
see the invoices to it; an intern sees their own payments and ledger."""

import rules

from kakehashi.core.roles import is_officer
from kakehashi.people.rules import is_org_admin


@rules.predicate
def is_invoiced_partner_admin(user, invoice) -> bool:
    return (
        invoice is not None
        and user.affiliations.filter(organisation_id=invoice.partner_id, role="admin").exists()
    )


@rules.predicate
def is_the_intern(user, internship) -> bool:
    return internship is not None and internship.intern_id == getattr(user, "pk", None)


@rules.predicate
def is_intern(user) -> bool:
    return bool(getattr(user, "pk", None)) and user.internships.exists()


#: Rules, budgets and rates: officers read and change them.
rules.add_perm("funding.view_fundingrule", is_officer)
rules.add_perm("funding.change_fundingrule", is_officer)
rules.add_perm("funding.view_budget", is_officer)
rules.add_perm("funding.import_exchangerate", is_officer)
rules.add_perm("funding.view_exchangerate", is_officer)
#: An internship's ledger: officers and the intern.
rules.add_perm("funding.view_ledger", is_officer | is_the_intern)
rules.add_perm("funding.reverse_entry", is_officer)
#: Invoices: officers, and the admins of the invoiced organisation.
rules.add_perm("funding.view_invoice_list", is_officer | is_org_admin)
rules.add_perm("funding.view_invoice", is_officer | is_invoiced_partner_admin)
#: Payments: officers record them; an intern sees their own.
rules.add_perm("funding.view_payment_list", is_officer | is_intern)
rules.add_perm("funding.change_payment", is_officer)
