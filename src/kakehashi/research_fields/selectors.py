from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kakehashi.core.filters import contains_any
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
            Q(code__startswith=q) | contains_any(q, ("title_en", "title_fr", "title_ja"))
        )
    return qs.order_by("code")


def research_fields_by_code(*, codes: list[str], field: str = "fields") -> list[ResearchField]:
    """The fields of `codes`, in their order; an unknown code is a ``ValidationError``
    on `field` (the name of the form field or column the codes came from)."""
    found = {f.code: f for f in ResearchField.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {field: _("Unknown research field codes: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return [found[c] for c in codes]
