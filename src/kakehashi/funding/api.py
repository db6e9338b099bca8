"""API of funding under /api/v1/funding: rules, an internship's ledger, invoices,
payments, budgets and exchange rates.

Officers read and change everything; an organisation's admins see the invoices to it;
an intern sees their own payments and ledger. Amounts are strings (exact decimals) with
their currency beside them; a converted figure names its rate and the rate's date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema

from kakehashi.core.api import (
    ApiRouter,
    file_responses,
    import_answer,
    patch_schema,
    text,
)
from kakehashi.core.permissions import api_permission
from kakehashi.funding import exports, selectors, services
from kakehashi.funding.enums import Currency, RuleKind
from kakehashi.funding.models import Entry, Funder, FundingRule, Payment
from kakehashi.funding.money import plain
from kakehashi.internships.models import Internship
from kakehashi.programs.models import Program

router = ApiRouter()

ONLY_OFFICERS = gettext_lazy("Only program officers do this.")


class RuleIn(Schema):
    program: str = Field(..., max_length=50, description="The program's slug.")
    funder: str = Field(..., max_length=20, description="The funder's code (e.g. MITACS).")
    direction: str = Field("", max_length=5, description="CA_JP, JP_CA, or empty for both.")
    kind: RuleKind
    label: str = text(200, "")
    currency: Currency
    amount: str = Field(..., max_length=20, description="A decimal as text; JPY has none.")
    partner_contribution: str = Field(
        "0", max_length=20, description="Per unit: the partner's part (invoiced by the funder)."
    )
    unit_months_min: int = Field(4, ge=1, le=60)
    unit_months_max: int = Field(6, ge=1, le=60)
    source: str = text(500)
    review_date: dt.date
    is_example: bool = False


RulePatch = patch_schema(RuleIn, name="RulePatch", exclude=("program",))


class AmountOut(Schema):
    """Base of the answers showing an `amount` in their `currency`: written plain, as a
    decimal with the currency's places (JPY has none)."""

    @staticmethod
    def resolve_amount(obj) -> str:
        return plain(obj.amount, obj.currency)


class RuleOut(AmountOut):
    id: int
    program: str = Field(alias="program.slug")
    funder: str = Field(alias="funder.code")
    direction: str
    kind: str
    label: str
    currency: str
    amount: str
    partner_contribution: str
    funder_contribution: str
    unit_months_min: int
    unit_months_max: int
    source: str
    review_date: dt.date
    is_example: bool

    @staticmethod
    def resolve_partner_contribution(obj) -> str:
        return plain(obj.partner_contribution, obj.currency)

    @staticmethod
    def resolve_funder_contribution(obj) -> str:
        return plain(obj.funder_contribution, obj.currency)


class LineOut(AmountOut):
    account: str
    amount: str = Field(..., description="Positive: debit; negative: credit.")
    currency: str

    @staticmethod
    def resolve_account(obj) -> str:
        return str(obj.account)


class EntryOut(Schema):
    id: int
    kind: str
    funder: str = Field(alias="funder.code")
    occurred_on: dt.date
    fiscal_year: int
    memo: str
    reverses: int | None = Field(alias="reverses_id")
    lines: list[LineOut]


class BudgetLineOut(Schema):
    funder: str
    label: str
    amount: str
    currency: str
    source: str
    payer: str = Field(..., description="funder, or partner (invoiced by the funder).")
    kind: str
    rule: int | None


class ReverseIn(Schema):
    reason: str = text(500)


class RateOut(Schema):
    series: str
    date: dt.date
    value: str

    @staticmethod
    def resolve_value(obj) -> str:
        return str(obj.value)


class InvoiceOut(AmountOut):
    id: int
    number: str
    funder: str = Field(alias="funder.code")
    fiscal_year: int
    partner: str = Field(alias="partner.display_name")
    internship: int = Field(alias="internship_id")
    issued_on: dt.date
    language: str
    amount: str
    currency: str
    original_amount: str = Field(..., description="In the rules' currency.")
    original_currency: str
    rate: RateOut | None = Field(None, description="The rate used, when converted.")
    credit_note_of: str | None = None

    @staticmethod
    def resolve_original_amount(obj) -> str:
        return plain(obj.original_amount, obj.original_currency)

    @staticmethod
    def resolve_credit_note_of(obj) -> str | None:
        return obj.credits.number if obj.credits_id else None


class PaymentOut(AmountOut):
    id: int
    internship: int = Field(alias="internship_id")
    funder: str = Field(alias="funder.code")
    label: str
    due_on: dt.date
    amount: str
    currency: str
    status: str


class BudgetRowOut(Schema):
    funder: str
    program: str
    direction: str
    fiscal_year: int
    currency: str
    budget: str | None
    committed: str
    invoiced: str
    paid: str
    remaining: str | None


# ---------------------------------------------------------------- rules


def _rule_values(payload: dict) -> dict:
    values = dict(payload)
    errors = {k: [_("This field cannot be empty.")] for k, v in values.items() if v is None}
    for key in ("amount", "partner_contribution"):
        if isinstance(values.get(key), str):
            try:
                number = Decimal(values[key].strip())
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                errors[key] = [_("Give an amount as a decimal number, e.g. 7500.00.")]
            else:
                values[key] = number
    if errors:
        raise ValidationError(errors, code="invalid")
    if "funder" in values:
        values["funder"] = Funder.objects.filter(code=values["funder"]).first()
        if values["funder"] is None:
            raise ValidationError({"funder": [_("No funder has this code.")]}, code="unknown")
    if "program" in values:
        values["program"] = Program.objects.filter(slug=values["program"]).first()
        if values["program"] is None:
            raise ValidationError({"program": [_("No program has this slug.")]}, code="unknown")
    return values


@router.list_get("/funding/rules", RuleOut, summary="Funding rules, per program (officers)")
@api_permission("funding.view_fundingrule", message=ONLY_OFFICERS)
def rule_list(request: HttpRequest, program: str = ""):
    rules = selectors.rule_list()
    return rules.filter(program__slug=program) if program else rules


@router.created_post(
    "/funding/rules", RuleOut, summary="Add a funding rule to a program (officers)"
)
@api_permission("funding.change_fundingrule", message=ONLY_OFFICERS)
def rule_create(request: HttpRequest, payload: RuleIn):
    rule = FundingRule(**_rule_values(payload.dict()))
    return services.funding_rule_save(rule=rule, actor=request.user)


def _rule(request: HttpRequest, rule_id: int, **_kwargs) -> FundingRule:
    return selectors.rule_list().get(pk=rule_id)


@router.patch(
    "/funding/rules/{int:rule_id}", response=RuleOut, summary="Change a funding rule (officers)"
)
@api_permission("funding.change_fundingrule", message=ONLY_OFFICERS)
def rule_change(request: HttpRequest, rule_id: int, payload: RulePatch):
    rule = _rule(request, rule_id)
    for field, value in _rule_values(payload.dict(exclude_unset=True)).items():
        setattr(rule, field, value)
    return services.funding_rule_save(rule=rule, actor=request.user)


# ---------------------------------------------------------------- ledger


def _internship(request: HttpRequest, internship_id: int, **_kwargs) -> Internship:
    return Internship.objects.select_related("intern", "program", "partner").get(pk=internship_id)


@router.list_get(
    "/funding/internships/{int:internship_id}/ledger",
    EntryOut,
    summary="An internship's ledger entries, each with lines balancing per currency",
)
@api_permission("funding.view_ledger", obj=_internship)
def ledger(request: HttpRequest, internship_id: int):
    return selectors.entry_list(internship=request.permission_object)


@router.get(
    "/funding/internships/{int:internship_id}/budget",
    response=list[BudgetLineOut],
    summary="The budget lines the program's rules give the internship's dates",
)
@api_permission("funding.view_ledger", obj=_internship)
def internship_budget(request: HttpRequest, internship_id: int):
    return [line.as_data() for line in services.internship_budget_lines(request.permission_object)]


@router.created_post(
    "/funding/entries/{int:entry_id}/reverse",
    EntryOut,
    summary="Reverse a ledger entry with an opposite one (officers); nothing is deleted",
)
@api_permission("funding.reverse_entry", message=ONLY_OFFICERS)
def entry_reverse(request: HttpRequest, entry_id: int, payload: ReverseIn):
    entry = Entry.objects.get(pk=entry_id)
    reversal = services.entry_reverse(entry=entry, actor=request.user, reason=payload.reason)
    return selectors.entry_list(internship=entry.internship).get(pk=reversal.pk)


# ---------------------------------------------------------------- invoices and payments


@router.list_get(
    "/funding/invoices",
    InvoiceOut,
    summary="Invoices: all (officers) or those to your organisation (its admins)",
)
@api_permission(
    "funding.view_invoice_list",
    message=gettext_lazy("Only officers and organisation admins see invoices."),
)
def invoice_list(request: HttpRequest):
    return selectors.invoice_list_visible(user=request.user).select_related("credits")


def _invoice(request: HttpRequest, invoice_id: int, **_kwargs):
    return selectors.invoice_list_visible(user=request.user).get(pk=invoice_id)


@router.get("/funding/invoices/{int:invoice_id}", response=InvoiceOut, summary="One invoice")
@api_permission("funding.view_invoice", obj=_invoice)
def invoice_detail(request: HttpRequest, invoice_id: int):
    return request.permission_object


@router.get(
    "/funding/invoices/{int:invoice_id}/pdf",
    response=None,
    summary="One invoice as PDF, in the partner's language",
    openapi_extra=file_responses(
        "The invoice as PDF.",
        {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    ),
)
@api_permission("funding.view_invoice", obj=_invoice)
def invoice_pdf(request: HttpRequest, invoice_id: int):
    return exports.invoice_pdf_response(request.permission_object)


@router.list_get(
    "/funding/payments",
    PaymentOut,
    summary="Payments to interns: all (officers) or your own (interns)",
)
@api_permission(
    "funding.view_payment_list", message=gettext_lazy("Only officers and interns see payments.")
)
def payment_list(request: HttpRequest, internship: int | None = None):
    payments = selectors.payment_list_visible(user=request.user)
    if internship is not None:
        payments = payments.filter(internship_id=internship)
    return payments


@router.post(
    "/funding/payments/{int:payment_id}/pay",
    response=PaymentOut,
    summary="Record that a scheduled payment was made (officers)",
)
@api_permission("funding.change_payment", message=ONLY_OFFICERS)
def payment_pay(request: HttpRequest, payment_id: int):
    payment = Payment.objects.get(pk=payment_id)
    services.payment_record(payment=payment, actor=request.user)
    return selectors.payment_list_visible(user=request.user).get(pk=payment_id)


# ---------------------------------------------------------------- budgets and rates


@router.get(
    "/funding/budgets",
    response=list[BudgetRowOut],
    summary="Per funder, program, direction and fiscal year: committed, invoiced, paid, remaining",
)
@api_permission("funding.view_budget", message=ONLY_OFFICERS)
def budget_list(
    request: HttpRequest,
    funder: str = "",
    program: str = "",
    direction: str = "",
    fiscal_year: int | None = None,
):
    return [
        r.as_data()
        for r in selectors.budget_report(
            funder=funder, program=program, direction=direction, fiscal_year=fiscal_year
        )
    ]


@router.get(
    "/funding/budgets/export",
    response=None,
    summary="The budgets as CSV or XLSX (officers)",
    openapi_extra=file_responses(
        "The budgets as an attachment.",
        {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            }
        },
    ),
)
@api_permission("funding.view_budget", message=ONLY_OFFICERS)
def budget_export(request: HttpRequest, format: str = "csv"):
    if format not in ("csv", "xlsx"):
        raise ValidationError({"format": [_("Choose csv or xlsx.")]})
    return exports.budget_export_response(selectors.budget_report(), format)


@router.list_get(
    "/funding/rates", RateOut, summary="Imported exchange rates, newest first per series (officers)"
)
@api_permission("funding.view_exchangerate", message=ONLY_OFFICERS)
def rate_list(request: HttpRequest, series: str = ""):
    return selectors.rate_list(series=series)


@router.import_post(
    "/funding/rates/import",
    summary="Import exchange rates from a Bank of Canada CSV, all or nothing (officers)",
)
@api_permission("funding.import_exchangerate", message=ONLY_OFFICERS)
def rate_import(request: HttpRequest, format: str | None = None):
    return import_answer(request, format, services.rates_import, ("csv",))
