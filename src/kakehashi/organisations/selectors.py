from django.db.models import Q, QuerySet

from kakehashi.organisations.models import Organisation


def organisation_list(*, q: str = "", country: str = "", type: str = "") -> QuerySet[Organisation]:
    """Organisations are public. `q` matches any name, alias, acronym or the ROR id."""
    qs = Organisation.objects.select_related("parent")
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(name_fr__icontains=q)
            | Q(name_ja__icontains=q)
            | Q(aliases__icontains=q)
            | Q(acronyms__icontains=q)
            | Q(ror_id=q.strip().lower().removeprefix("https://ror.org/"))
        )
    if country:
        qs = qs.filter(country=country)
    if type:
        qs = qs.filter(type=type)
    return qs.order_by("name", "pk")
