from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

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
        if len(host) == 9:
            qs = qs.filter(host__ror_id=host)
        elif host.isdecimal() and len(host) <= 18:
            qs = qs.filter(host__pk=int(host))
        else:
            raise ValidationError(
                {
                    "host": _("“%(value)s” is neither an organisation id nor a ROR id.")
                    % {"value": host}
                }
            )
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
