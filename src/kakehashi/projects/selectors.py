from django.db.models import Count, Prefetch, Q, QuerySet

from kakehashi.projects.enums import PUBLISHED
from kakehashi.projects.filters import ProjectFilters
from kakehashi.projects.models import Project, ProjectSupervisor


def _base() -> QuerySet[Project]:
    return Project.objects.select_related("host", "call", "call__program").prefetch_related(
        "fields",
        Prefetch(
            "supervisions",
            queryset=ProjectSupervisor.objects.select_related(
                "person", "person__candidate_profile"
            ),
        ),
    )


def project_list_visible(*, user) -> QuerySet[Project]:
    """Published projects for everyone; drafts to their supervisors, host admins and officers."""
    qs = _base()
    if getattr(user, "is_officer", False) or getattr(user, "is_superuser", False):
        return qs
    visible = Q(status__in=PUBLISHED)
    if getattr(user, "is_authenticated", False):
        visible |= Q(supervisions__person_id=user.pk)
        visible |= Q(host__affiliations__person_id=user.pk, host__affiliations__role="admin")
        ids = Project.objects.filter(visible).values("pk")
        return qs.filter(pk__in=ids)
    return qs.filter(visible)


def project_search(*, user, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """The visible projects that pass `filters` (none: all of them), newest first."""
    qs = project_list_visible(user=user)
    if filters is not None:
        qs = filters.filter(qs)
    return qs.order_by("-created_at", "key")


def project_get_visible(*, user, pk=None, key=None) -> Project:
    qs = project_list_visible(user=user)
    return qs.get(pk=pk) if pk is not None else qs.get(key=key)


def project_list_supervised(*, supervisor) -> QuerySet[Project]:
    """The projects `supervisor` supervises, any status, with their submitted applications."""
    return (
        _base()
        .filter(supervisions__person=supervisor)
        .annotate(
            applicant_count=Count(
                "applications", filter=Q(applications__status="submitted"), distinct=True
            )
        )
        .order_by("call__slug", "-created_at", "key")
    )
