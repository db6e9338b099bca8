"""Role predicates every app checks. They read only the signed-in user's own
attributes and relations (no model import), so they sit at the bottom of the
stack, below every app that uses them; ``people.rules`` builds on them."""

from collections.abc import Callable

import rules
from django.db.models import QuerySet


@rules.predicate
def is_officer(user) -> bool:
    return bool(getattr(user, "is_officer", False)) or bool(getattr(user, "is_superuser", False))


@rules.predicate
def is_candidate(user) -> bool:
    return bool(getattr(user, "pk", None)) and hasattr(user, "candidate_profile")


@rules.predicate
def is_supervisor(user) -> bool:
    return bool(getattr(user, "pk", None)) and user.supervisions.exists()


def visible_to(queryset: QuerySet, *, user, mine: Callable[[QuerySet], QuerySet]) -> QuerySet:
    """`queryset` as `user` may see it: none of it signed out, all of it for officers,
    else what `mine(queryset)` keeps (called only then, so it may read the user's
    relations)."""
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_officer(user):
        return queryset
    return mine(queryset)
