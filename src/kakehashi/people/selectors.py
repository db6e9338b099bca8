from django.db.models import Q, QuerySet

from kakehashi.people.models import ApiToken, User
from kakehashi.people.signals import person_visibility


def person_list_visible(*, user) -> QuerySet[User]:
    """People `user` may see: themself, published supervisors, own applicants; officers all."""
    qs = (
        User.objects.filter(is_active=True)
        .select_related("candidate_profile", "candidate_profile__home_organisation")
        .prefetch_related("languages", "affiliations__organisation")
    )
    if getattr(user, "is_officer", False) or getattr(user, "is_superuser", False):
        return qs.order_by("username")
    visible = Q(pk=user.pk)
    # Apps above people add whom their rules show (published supervisors, applicants).
    for _receiver, q in person_visibility.send(sender=User, user=user):
        visible |= q
    ids = User.objects.filter(visible).values("pk")
    return qs.filter(pk__in=ids).order_by("username")


def person_get_visible(*, user, pk: int) -> User:
    return person_list_visible(user=user).get(pk=pk)


def api_token_list(*, user):
    """The caller's own API tokens, newest first (never the keys: only prefixes are stored)."""

    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
