from django.db.models import Q, QuerySet

from kakehashi.core.filters import contains_any
from kakehashi.organisations.models import Organisation


def organisation_list(*, q: str = "", country: str = "", type: str = "") -> QuerySet[Organisation]:
    """Organisations are public. `q` matches any name, alias, acronym or the ROR id."""
    qs = Organisation.objects.select_related("parent")
    if q:
        qs = qs.filter(
            contains_any(q, ("name", "name_en", "name_fr", "name_ja", "aliases", "acronyms"))
            | Q(ror_id=q.strip().lower().removeprefix("https://ror.org/"))
        )
    if country:
        qs = qs.filter(country=country)
    if type:
        qs = qs.filter(type=type)
    return qs.order_by("name", "pk")
