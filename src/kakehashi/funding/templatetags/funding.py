"""``{{ obj|money:"field" }}``: an amount with its currency (``CAD 7,500.00``, ``JPY 800,000``).

The currency is the object's ``currency`` field, or, for ``original_amount``, its
``original_currency``; ``credit`` is a line's amount with the sign turned."""

from django import template

from kakehashi.funding.money import format_money

register = template.Library()


@register.filter
def money(obj, field: str) -> str:
    if field == "credit":
        return format_money(-obj.amount, obj.currency)
    value = getattr(obj, field)
    if value is None:
        return ""
    currency = obj.original_currency if field == "original_amount" else obj.currency
    return format_money(value, currency)
