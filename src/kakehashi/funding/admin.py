"""The Django admin of funding: officers edit funders, rules and budgets there (each
save checked by the model's ``clean``); the ledger, invoices and rates are read-only."""

from django.contrib import admin

from kakehashi.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from kakehashi.funding.models import (
    Account,
    Budget,
    Entry,
    ExchangeRate,
    Funder,
    FundingRule,
    Invoice,
    Line,
    Payment,
    RateImport,
)


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "country", "organisation", "is_example")
    search_fields = ("code", "name")
    raw_id_fields = ("organisation",)


@admin.register(FundingRule)
class FundingRuleAdmin(admin.ModelAdmin):
    list_display = (
        "program",
        "funder",
        "direction",
        "kind",
        "amount",
        "partner_contribution",
        "currency",
        "review_date",
        "is_example",
    )
    list_filter = ("program", "funder", "kind", "currency", "is_example")
    fields = (
        "program",
        "funder",
        "direction",
        "kind",
        "label",
        "currency",
        "amount",
        "partner_contribution",
        "unit_months_min",
        "unit_months_max",
        "source",
        "review_date",
        "is_example",
    )


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = (
        "funder",
        "program",
        "direction",
        "fiscal_year",
        "amount",
        "currency",
        "caps_placements",
    )
    list_filter = ("funder", "program", "direction", "fiscal_year")


class LineInline(ReadOnlyTabularInline):
    model = Line
    fields = ("account", "amount", "currency")
    readonly_fields = fields


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "funder", "internship", "fiscal_year", "occurred_on", "reverses")
    list_filter = ("kind", "funder", "fiscal_year")
    inlines = [LineInline]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("kind", "holder", "purpose", "name")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "partner", "amount", "currency", "issued_on")
    list_filter = ("funder", "fiscal_year")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("internship", "funder", "due_on", "amount", "currency", "status")
    list_filter = ("status", "funder")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    list_display = ("series", "date", "value", "imported")
    list_filter = ("series",)


@admin.register(RateImport)
class RateImportAdmin(ReadOnlyAdmin):
    list_display = ("imported_at", "filename", "imported_by")
