"""The base of list filters shared by a page's filter form and the API's query string."""

from __future__ import annotations

from django.db.models import Q
from ninja import FilterSchema


class Filters(FilterSchema):
    """A ninja ``FilterSchema`` where a blank value filters nothing.

    A query string (``?language=``) and an unbound choice of a form both give
    ``""``; the list must then ignore the filter rather than look for empty values.
    Each field is a ``FilterLookup`` or a ``filter_<name>`` method returning a ``Q``.
    """

    def custom_expression(self) -> Q:
        expression = Q()
        for name, info in type(self).model_fields.items():
            value = getattr(self, name)
            if value is None or value == "" or value == []:
                continue
            expression &= self._resolve_field_expression(name, value, info)
        return expression


def contains_any(text: str, fields: tuple[str, ...]) -> Q:
    """Rows where any of `fields` contains `text`, ignoring case (one ``icontains`` each)."""
    expression = Q()
    for field in fields:
        expression |= Q(**{f"{field}__icontains": text})
    return expression
