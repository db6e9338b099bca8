from django.db.models import Count, Prefetch, Q, QuerySet

from kakehashi.projects.enums import PUBLISHED
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


def project_search(
    *,
    user,
    q: str = "",
    call: str = "",
    language: str = "",
    working_language: str = "",
    country: str = "",
    region: str = "",
    field: str = "",
    host: str = "",
    status: str = "",
) -> QuerySet[Project]:
    """Filter the visible projects; `q` matches title, summary, description, host names, skills."""
    qs = project_list_visible(user=user)
    if q:
        for term in q.split():
            qs = qs.filter(
                Q(title__icontains=term)
                | Q(summary__icontains=term)
                | Q(description__icontains=term)
                | Q(host__name__icontains=term)
                | Q(host__name_ja__icontains=term)
                | Q(host__name_fr__icontains=term)
                | Q(skills__icontains=term)
                | Q(key__icontains=term)
            )
    if call:
        qs = qs.filter(call__slug=call)
    if language:
        qs = qs.filter(language=language)
    if working_language:
        qs = qs.filter(working_language=working_language)
    if country:
        qs = qs.filter(host__country=country)
    if region:
        qs = qs.filter(region=region)
    if field:
        # A field matches itself and every descendant (codes nest by prefix).
        qs = qs.filter(fields__code__startswith=field).distinct()
    if host:
        qs = qs.filter(host__ror_id=host) if len(host) == 9 else qs.filter(host__pk=host)
    if status:
        qs = qs.filter(status=status)
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


def call_projects_overview(*, sender, call, **kwargs) -> dict:
    """Receiver of ``programs.signals.call_overview``: the call's projects by status
    and the places the approved ones offer."""
    projects = Project.objects.filter(call=call).aggregate(
        total=Count("pk"),
        approved=Count("pk", filter=Q(status="approved")),
        submitted=Count("pk", filter=Q(status="submitted")),
        draft=Count("pk", filter=Q(status="draft")),
    )
    places = sum(
        Project.objects.filter(call=call, status="approved").values_list("capacity", flat=True)
    )
    return {
        "projects": projects["total"],
        "projects_approved": projects["approved"],
        "projects_submitted": projects["submitted"],
        "projects_draft": projects["draft"],
        "places": places,
    }


def people_visible_as_supervisors(*, sender, user, **kwargs) -> Q:
    """Receiver of ``people.signals.person_visibility``: supervisors of published
    projects are named on public pages anyway."""
    return Q(supervisions__project__status__in=PUBLISHED)
