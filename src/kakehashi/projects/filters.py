"""The ten filters of the project list, written once: the API's query string and the
page's filter form both validate into :class:`ProjectFilters`, which the selector applies."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import FilterLookup

from kakehashi.core.filters import Filters
from kakehashi.projects.models import Project

#: What the search box matches, each word in turn.
SEARCHED = (
    "title",
    "summary",
    "description",
    "host__name",
    "host__name_ja",
    "host__name_fr",
    "skills",
    "key",
)


class ProjectFilters(Filters):
    q: str = ""
    call: Annotated[str, FilterLookup("call__slug")] = ""
    language: str = ""
    working_language: str = ""
    country: Annotated[str, FilterLookup("host__country")] = ""
    region: str = ""
    field: str = ""
    host: str = ""
    status: str = ""

    def filter_q(self, value: str) -> Q:
        """Every word matches title, summary, description, host names, skills or key."""
        expression = Q()
        for term in value.split():
            words = Q()
            for name in SEARCHED:
                words |= Q(**{f"{name}__icontains": term})
            expression &= words
        return expression

    def filter_field(self, value: str) -> Q:
        """A field matches itself and every descendant (codes nest by prefix)."""
        return Q(pk__in=Project.objects.filter(fields__code__startswith=value).values("pk"))

    def filter_host(self, value: str) -> Q:
        """A ROR id (nine characters) or the organisation's id; anything else is refused."""
        if len(value) == 9:
            return Q(host__ror_id=value)
        if value.isdecimal() and len(value) <= 18:
            return Q(host__pk=int(value))
        raise ValidationError(
            {
                "host": _("“%(value)s” is neither an organisation id nor a ROR id.")
                % {"value": value}
            }
        )
