from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application, HostRank, RankListVersion
from kakehashi.applications.services import application_check_eligibility
from kakehashi.people.models import NAME_FIELDS, User
from kakehashi.people.rules import is_candidate, is_officer
from kakehashi.people.signals import person_visibility
from kakehashi.programs.enums import PhaseKind
from kakehashi.programs.models import Call
from kakehashi.programs.services import phase_require_open
from kakehashi.programs.signals import call_overview, phase_activity
from kakehashi.projects.enums import ProjectStatus
from kakehashi.projects.selectors import project_versions
from kakehashi.projects.signals import project_page


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
    """Own applications; submitted applications to projects one supervises; all for
    officers. A withdrawn application is the candidate's own business again."""
    qs = _base()
    if is_officer(user):
        return qs.order_by("call_id", "candidate_id", "rank", "submitted_at")
    ids = Application.objects.filter(
        Q(candidate_id=user.pk)
        | Q(project__supervisions__person_id=user.pk, status=ApplicationStatus.SUBMITTED)
    ).values("pk")
    return qs.filter(pk__in=ids).order_by("call_id", "candidate_id", "rank", "submitted_at")


def _rows() -> QuerySet[Application]:
    """Applications with only what a list of them shows (the API's `ApplicationOut`: the
    project's key and title, the candidate's names, level and home organisation): one
    query of narrow rows rather than `_base()`'s six tables of every column, which cost
    far more to build and read than the database spends on them."""
    return Application.objects.select_related(
        "candidate",
        "candidate__candidate_profile",
        "candidate__candidate_profile__home_organisation",
        "project",
    ).only(
        "call_id",
        "project_id",
        "candidate_id",
        "status",
        "statement",
        "submitted_at",
        "rank",
        "project__key",
        "project__title",
        "candidate__username",
        "candidate__name_order",
        *(f"candidate__{name}" for name in NAME_FIELDS),
        "candidate__candidate_profile__level",
        "candidate__candidate_profile__home_organisation__name",
    )


def application_rows_for_candidate(*, candidate) -> QuerySet[Application]:
    """`application_list_for_candidate` as narrow rows (`_rows`), for the API's list."""
    return _rows().filter(candidate=candidate).order_by("call_id", "rank", "submitted_at")


def application_list_for_candidate(*, candidate, call=None) -> QuerySet[Application]:
    qs = _base().filter(candidate=candidate)
    if call is not None:
        qs = qs.filter(call=call)
    return qs.order_by("call_id", "rank", "submitted_at")


#: The host's names (its own and each language's), as the narrow rows of a list read them.
_HOST_NAMES = tuple(f"project__host__name{suffix}" for suffix in ("", "_en", "_fr", "_ja"))


def application_page_rows_for_candidate(*, candidate) -> QuerySet[Application]:
    """The candidate's applications with only what their list page shows (rank, status,
    the call's slug and names, each project's title and language, its host's names), by
    call, status and rank: one query of narrow rows rather than `_base()`'s six tables
    of every column."""
    return (
        Application.objects.filter(candidate=candidate)
        .select_related("call", "project", "project__host")
        .only(
            "rank",
            "status",
            "call__slug",
            "call__name_en",
            "call__name_fr",
            "call__name_ja",
            "project__title",
            "project__language",
            *_HOST_NAMES,
        )
        .order_by("call__slug", "status", "rank", "submitted_at")
    )


def rank_list_pool(*, candidate, call) -> list[Application]:
    """The candidate's submitted applications in `call` with only what the rank page
    shows (each project's key, title and language, its host's names): one query of
    narrow rows rather than `_base()`'s six tables of every column."""
    return list(
        Application.objects.filter(
            candidate=candidate, call=call, status=ApplicationStatus.SUBMITTED
        )
        .select_related("project", "project__host")
        .only(
            "rank",
            "project__key",
            "project__title",
            "project__language",
            *_HOST_NAMES,
        )
        .order_by("rank", "submitted_at")
    )


def rank_list_get(*, candidate, call) -> list[Application]:
    """The candidate's rank list for `call`, best first."""
    return list(_base().filter(candidate=candidate, call=call, rank__isnull=False).order_by("rank"))


@dataclass(frozen=True)
class RankListRef:
    """Whose rank list, in which call: the object of ``view_rank_list_versions``."""

    call: Call
    candidate: User


def rank_list_ref_visible(*, user, call: Call, candidate_id: int) -> RankListRef:
    """`candidate_id`'s rank list in `call`, for themselves and officers; anyone else
    gets User.DoesNotExist (a 404: nobody learns whose lists exist)."""
    if not (is_officer(user) or user.pk == candidate_id):
        raise User.DoesNotExist
    return RankListRef(call=call, candidate=User.objects.get(pk=candidate_id))


def rank_list_versions(*, candidate, call) -> QuerySet[RankListVersion]:
    """Every kept version of the candidate's rank list for `call`, newest first."""
    return (
        RankListVersion.objects.filter(candidate=candidate, call=call)
        .select_related("actor")
        .order_by("-number")
    )


def _supervisor_applicants(qs, *, supervisor, call) -> QuerySet[Application]:
    """`qs` narrowed to the submitted applications to the supervisor's projects in `call`,
    in the order every list of them shows (family name, candidate, project)."""
    return (
        qs.filter(
            call=call,
            status=ApplicationStatus.SUBMITTED,
            project__supervisions__person=supervisor,
        )
        .order_by("candidate__family_name", "candidate_id", "project_id")
        .distinct()
    )


def applicants_for_supervisor(*, supervisor, call) -> QuerySet[Application]:
    """Submitted applications to the supervisor's projects in `call`."""
    return _supervisor_applicants(_base(), supervisor=supervisor, call=call)


def applicant_rows_for_supervisor(*, supervisor, call) -> QuerySet[Application]:
    """`applicants_for_supervisor` as narrow rows (`_rows`), for the API's list."""
    return _supervisor_applicants(_rows(), supervisor=supervisor, call=call)


def host_ranking_pool(*, supervisor, call) -> list[Application]:
    """`applicants_for_supervisor` with only what the host ranking page shows: each
    applicant (their name) and each project's key and title, without the profile, home
    organisation, host and call joins, nor the projects' texts."""
    narrow = Application.objects.select_related("candidate", "project").only(
        "candidate",
        "project__key",
        "project__title",
        "candidate__username",
        "candidate__name_order",
        *(f"candidate__{name}" for name in NAME_FIELDS),
    )
    return list(_supervisor_applicants(narrow, supervisor=supervisor, call=call))


def host_ranking_ids(*, supervisor, call) -> list[int]:
    """The candidates of the supervisor's ranking in `call`, best first (their ids)."""
    return list(
        HostRank.objects.filter(supervisor=supervisor, call=call)
        .order_by("rank")
        .values_list("candidate_id", flat=True)
    )


def host_ranking_get(*, supervisor, call) -> QuerySet[HostRank]:
    return (
        HostRank.objects.filter(supervisor=supervisor, call=call)
        .select_related("candidate", "candidate__candidate_profile")
        .order_by("rank")
    )


def application_apply_state(*, user, project) -> dict:
    """What the project page offers `user`: nothing (not a candidate), the existing
    application, or an Apply form, or the reason they cannot apply (the same checks,
    and messages, as `application_submit`)."""
    state = {"candidate": False, "application": None, "can_apply": False, "reason": ""}
    if not getattr(user, "is_authenticated", False) or not is_candidate(user):
        return state
    state["candidate"] = True
    state["application"] = Application.objects.filter(candidate=user, project=project).first()
    if state["application"] and state["application"].status == ApplicationStatus.SUBMITTED:
        return state
    try:
        if project.status != ProjectStatus.APPROVED:
            raise ValidationError(_("This project is not open for applications."))
        phase_require_open(call=project.call, kinds=(PhaseKind.APPLICATIONS,))
        application_check_eligibility(candidate=user, project=project)
    except ValidationError as exc:
        state["reason"] = exc.messages[0]
    else:
        state["can_apply"] = True
    return state


@receiver(call_overview, dispatch_uid="applications.overview")
def call_applications_overview(*, sender, call, **kwargs) -> dict:
    """Receiver of ``programs.signals.call_overview``: applications, candidates, rank
    lists and host rankings of the call, by host country and working language."""
    apps = Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
    return {
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


@receiver(project_page, dispatch_uid="applications.project_page")
def project_page_apply(*, sender, project, user, versions=None, **kwargs) -> dict:
    """Receiver of ``projects.signals.project_page``: the project page's apply box, and
    for one who applied, the project's edits made since they applied (among `versions`,
    the page's ``project_versions``, when it sends them)."""
    state = application_apply_state(user=user, project=project)
    application = state["application"]
    changes = []
    if application is not None and application.status == ApplicationStatus.SUBMITTED:
        if versions is None:
            versions = project_versions(project=project)
        changes = [v for v in versions if v.edited_at > application.submitted_at]
    return {"apply": state, "changes_since_applied": changes}


@receiver(person_visibility, dispatch_uid="applications.people")
def people_visible_as_applicants(*, sender, user, **kwargs) -> Q:
    """Receiver of ``people.signals.person_visibility``: supervisors see the candidates
    whose application to one of their projects stands (not withdrawn)."""
    # One Q, so both conditions apply to the same application row.
    return Q(
        applications__project__supervisions__person_id=user.pk,
        applications__status=ApplicationStatus.SUBMITTED,
    )


@receiver(phase_activity, dispatch_uid="applications.phase_activity")
def phase_activity_count(sender, *, call: Call, kind: str, since, **_kwargs) -> int:
    """Answers `programs.signals.phase_activity`: what candidates and supervisors did in
    `call`'s `kind` phase since `since` (applications submitted, rank lists saved by
    their candidate, host rankings saved)."""
    if kind == PhaseKind.APPLICATIONS:
        return (
            Application.objects.filter(call=call, submitted_at__gte=since).count()
            + RankListVersion.objects.filter(call=call, saved_at__gte=since, reason="saved").count()
        )
    if kind == PhaseKind.HOST_RANKING:
        return HostRank.objects.filter(call=call, updated_at__gte=since).count()
    return 0
