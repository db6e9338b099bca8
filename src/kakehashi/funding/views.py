"""Pages of funding: the officer's budgets (charts, CSV/XLSX), exchange rates and their
import, invoices (printable, PDF), payments, and an internship's funding."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kakehashi.core.errors import ImportRejected
from kakehashi.core.permissions import permission_required
from kakehashi.core.roles import is_officer
from kakehashi.funding import exports, selectors, services
from kakehashi.funding.enums import PaymentStatus
from kakehashi.funding.models import Payment
from kakehashi.internships.models import Internship
from kakehashi.matching.charts import bar_chart


def _invoice(request, pk: int):
    return selectors.invoice_list_visible(user=request.user).get(pk=pk)


def _internship(request, pk: int):
    return Internship.objects.select_related("intern", "program", "partner", "host").get(pk=pk)


def _year(value: str) -> int | None:
    return int(value) if value.isdecimal() and 2000 <= int(value) <= 2100 else None


@permission_required("funding.view_budget")
def budget_page(request):
    """Per funder, program, direction and fiscal year: budget, committed, invoiced, paid
    and remaining, as a table and as a chart per currency."""
    filters = {
        "funder": request.GET.get("funder", "")[:20],
        "program": request.GET.get("program", "")[:50],
        "direction": request.GET.get("direction", "")[:5],
        "fiscal_year": _year(request.GET.get("fiscal_year", "")),
    }
    report = selectors.budget_report(**filters)
    charts = []
    for currency in sorted({r.currency for r in report}):
        rows = [r for r in report if r.currency == currency]
        charts.append(
            bar_chart(
                id=f"budget-{currency.lower()}",
                title=_("Committed and paid, %(currency)s") % {"currency": currency},
                description=_("Per funder, program, direction and fiscal year, in %(currency)s.")
                % {"currency": currency},
                rows=[
                    (
                        f"{r.funder} {r.direction} FY{r.fiscal_year}",
                        (float(r.committed), float(r.paid)),
                    )
                    for r in rows
                ],
                series=("a", "b"),
            )
        )
    return render(
        request,
        "funding/budgets.html",
        {"report": report, "charts": charts, "filters": filters},
    )


@permission_required("funding.view_budget")
def budget_export(request, format: str):
    return exports.budget_export_response(selectors.budget_report(), format)


@permission_required("funding.view_exchangerate")
@require_http_methods(["GET", "POST"])
def rate_page(request):
    """Imported rates; officers import a Bank of Canada CSV here (all or nothing)."""
    report = None
    if request.method == "POST" and request.user.has_perm("funding.import_exchangerate"):
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose a CSV file to import."))
            result = services.rates_import(
                data=upload.read(), actor=request.user, filename=upload.name or ""
            )
            messages.success(
                request,
                _("Imported: %(created)d new, %(updated)d changed, %(skipped)d unchanged.")
                % result.as_dict(),
            )
            return redirect("funding:rates")
        except ImportRejected as exc:
            report = {"message": exc.messages[0], "rows": exc.rows}
        except ValidationError as exc:
            report = {"message": exc.messages[0], "rows": []}
    return render(
        request,
        "funding/rates.html",
        {"rates": selectors.rate_list()[:200], "report": report},
        status=422 if report else 200,
    )


@permission_required("funding.view_invoice_list")
def invoice_list_page(request):
    return render(
        request,
        "funding/invoices.html",
        {"invoices": selectors.invoice_list_visible(user=request.user).select_related("credits")},
    )


@permission_required("funding.view_invoice", obj=_invoice)
def invoice_page(request, pk: int):
    """The invoice as a printable page, in the partner's language."""
    invoice = request.permission_object
    return render(
        request,
        "funding/invoice.html",
        {"invoice": invoice, "doc": exports.invoice_document(invoice)},
    )


@permission_required("funding.view_invoice", obj=_invoice)
def invoice_pdf(request, pk: int):
    invoice = request.permission_object
    try:
        return exports.invoice_pdf_response(invoice)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("funding:invoice", pk=invoice.pk)


@permission_required("funding.view_payment_list")
def payment_list_page(request):
    return render(
        request,
        "funding/payments.html",
        {"payments": selectors.payment_list_visible(user=request.user)},
    )


@permission_required("funding.view_ledger", obj=_internship)
def internship_page(request, pk: int):
    """An internship's funding: its budget lines, schedule, invoices and ledger."""
    internship = request.permission_object
    try:
        lines, problem = services.internship_budget_lines(internship), ""
    except ValidationError as exc:
        lines, problem = [], exc.messages[0]
    return render(
        request,
        "funding/internship.html",
        {
            "internship": internship,
            "lines": lines,
            "problem": problem,
            "payments": selectors.payment_list_visible(user=request.user).filter(
                internship=internship
            ),
            "invoices": selectors.invoice_list_visible(user=request.user).filter(
                internship=internship
            ),
            "entries": selectors.entry_list(internship=internship),
            "officer": is_officer(request.user),
        },
    )


@permission_required("funding.change_payment")
@require_POST
def payment_pay(request, pk: int):
    payment = Payment.objects.filter(pk=pk, status=PaymentStatus.SCHEDULED).first()
    if payment is None:
        messages.error(request, _("This payment is not scheduled any more."))
        return redirect("funding:payments")
    try:
        services.payment_record(payment=payment, actor=request.user)
        messages.success(request, _("The payment is recorded in the ledger."))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(reverse("funding:internship", args=[payment.internship_id]))
