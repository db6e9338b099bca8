from django.db.models import Q, QuerySet

from kakehashi.people.models import User


def person_list_visible(*, user) -> QuerySet[User]:
    """People `user` may see: themself, published supervisors, own applicants; officers all."""
    qs = (
        User.objects.filter(is_active=True)
        .select_related("candidate_profile", "candidate_profile__home_organisation")
        .prefetch_related("languages", "affiliations__organisation")
    )
    if getattr(user, "is_officer", False) or getattr(user, "is_superuser", False):
        return qs.order_by("username")
    visible = (
        Q(pk=user.pk)
        | Q(supervisions__project__status__in=["approved", "closed"])
        | Q(applications__project__supervisions__person_id=user.pk)
    )
    ids = User.objects.filter(visible).values("pk")
    return qs.filter(pk__in=ids).order_by("username")


def person_get_visible(*, user, pk: int) -> User:
    return person_list_visible(user=user).get(pk=pk)


def api_token_list(*, user):
    """The caller's own API tokens, newest first (never the keys: only prefixes are stored)."""
    from kakehashi.people.models import ApiToken

    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
