from django.db.models import Q, QuerySet

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application, HostRank


def _base() -> QuerySet[Application]:
    return Application.objects.select_related(
        "candidate",
        "candidate__candidate_profile",
        "candidate__candidate_profile__home_organisation",
        "project",
        "project__host",
        "call",
    )


def application_list_visible(*, user) -> QuerySet[Application]:
    """Own applications; applications to projects one supervises; all for officers."""
    qs = _base()
    if getattr(user, "is_officer", False) or getattr(user, "is_superuser", False):
        return qs.order_by("call_id", "candidate_id", "rank", "submitted_at")
    ids = Application.objects.filter(
        Q(candidate_id=user.pk) | Q(project__supervisions__person_id=user.pk)
    ).values("pk")
    return qs.filter(pk__in=ids).order_by("call_id", "candidate_id", "rank", "submitted_at")


def application_list_for_candidate(*, candidate, call=None) -> QuerySet[Application]:
    qs = _base().filter(candidate=candidate)
    if call is not None:
        qs = qs.filter(call=call)
    return qs.order_by("call_id", "rank", "submitted_at")


def rank_list_get(*, candidate, call) -> list[Application]:
    """The candidate's rank list for `call`, best first."""
    return list(_base().filter(candidate=candidate, call=call, rank__isnull=False).order_by("rank"))


def applicants_for_supervisor(*, supervisor, call) -> QuerySet[Application]:
    """Submitted applications to the supervisor's projects in `call`."""
    return (
        _base()
        .filter(
            call=call,
            status=ApplicationStatus.SUBMITTED,
            project__supervisions__person=supervisor,
        )
        .order_by("candidate__family_name", "candidate_id", "project_id")
        .distinct()
    )


def host_ranking_get(*, supervisor, call) -> QuerySet[HostRank]:
    return (
        HostRank.objects.filter(supervisor=supervisor, call=call)
        .select_related("candidate", "candidate__candidate_profile")
        .order_by("rank")
    )
