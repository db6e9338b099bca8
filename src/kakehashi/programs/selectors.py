from django.db.models import QuerySet

from kakehashi.programs.models import Call, Program
from kakehashi.programs.signals import call_overview as call_overview_signal


def program_list() -> QuerySet[Program]:
    return Program.objects.all().order_by("slug")


def call_list() -> QuerySet[Call]:
    return (
        Call.objects.select_related("program")
        .prefetch_related("phases")
        .order_by("-created_at", "slug")
    )


def call_overview(*, call: Call) -> dict:
    """Counts an officer watches: projects by status, places, applications, rank lists
    and host rankings, each contributed by the app that owns them."""
    overview: dict = {}
    for _receiver, counts in call_overview_signal.send(sender=Call, call=call):
        overview.update(counts)
    return overview


def call_list_visible(*, user) -> QuerySet[Call]:
    """Calls anyone may see: open and closed ones; drafts to officers only."""
    qs = call_list()
    if getattr(user, "is_officer", False) or getattr(user, "is_superuser", False):
        return qs
    return qs.exclude(status="draft")


def call_get_visible(*, user, slug: str | None = None, pk: int | None = None) -> Call:
    """One call `user` may see (`call_list_visible`), by slug or id; else Call.DoesNotExist.

    The one visibility rule for a call, on every page and endpoint: what a role may
    do with it is a permission, checked separately."""
    qs = call_list_visible(user=user)
    return qs.get(slug=slug) if slug is not None else qs.get(pk=pk)
