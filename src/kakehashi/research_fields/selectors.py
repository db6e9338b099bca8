from django.db.models import Q, QuerySet

from kakehashi.research_fields.models import ResearchField


def research_field_list(*, level: int | None = None, parent: str = "", q: str = "") -> QuerySet:
    """CRDC 2020 fields; `parent` is a code (direct children only), `q` matches code or title."""

    qs = ResearchField.objects.select_related("parent")
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    if q:
        qs = qs.filter(
            Q(code__startswith=q)
            | Q(title_en__icontains=q)
            | Q(title_fr__icontains=q)
            | Q(title_ja__icontains=q)
        )
    return qs.order_by("code")
