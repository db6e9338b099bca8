from django.db.models import Count, Q, QuerySet

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application, HostRank
from kakehashi.programs.models import Call, Program
from kakehashi.projects.models import Project


def program_list() -> QuerySet[Program]:
    return Program.objects.all().order_by("slug")


def call_list() -> QuerySet[Call]:
    return (
        Call.objects.select_related("program")
        .prefetch_related("phases")
        .order_by("-created_at", "slug")
    )


def call_overview(*, call: Call) -> dict:
    """Counts an officer watches: projects by status, applications, rank lists, host rankings."""
    projects = Project.objects.filter(call=call).aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status="approved")),
        submitted=Count("pk", filter=Q(status="submitted")),
        draft=Count("pk", filter=Q(status="draft")),
    )
    places = sum(
        Project.objects.filter(call=call, status="approved").values_list("capacity", flat=True)
    )
    apps = Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
    return {
        "projects": projects["total"],
        "projects_approved": projects["approved"],
        "projects_submitted": projects["submitted"],
        "projects_draft": projects["draft"],
        "places": places,
        "applications": apps.count(),
        "candidates": apps.values("candidate").distinct().count(),
        "candidates_ranked": apps.filter(rank__isnull=False).values("candidate").distinct().count(),
        "supervisors_ranked": HostRank.objects.filter(call=call)
        .values("supervisor")
        .distinct()
        .count(),
        "by_country": {
            row["project__host__country"]: row["n"]
            for row in apps.values("project__host__country").annotate(n=Count("pk"))
        },
        "by_language": {
            row["project__language"]: row["n"]
            for row in apps.values("project__language").annotate(n=Count("pk"))
        },
    }


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
