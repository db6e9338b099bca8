import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.core.models import possible_ids
from kakehashi.core.roles import is_officer
from kakehashi.organisations.models import Organisation
from kakehashi.people.models import User
from kakehashi.people.signals import person_visibility
from kakehashi.programs.models import Call
from kakehashi.programs.selectors import call_list_visible
from kakehashi.programs.signals import call_overview
from kakehashi.projects.enums import PUBLISHED, ProjectStatus
from kakehashi.projects.filters import ProjectFilters
from kakehashi.projects.models import (
    Project,
    ProjectSupervisor,
    ProjectVersion,
    SupervisionInvitation,
)
from kakehashi.projects.rules import HOST_ROLES
from kakehashi.projects.signals import project_query
from kakehashi.research_fields.models import ResearchField
from kakehashi.research_fields.selectors import research_fields_by_code


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


def project_list_visible(*, user, drafts: tuple | None = None) -> QuerySet[Project]:
    """Published projects for everyone; drafts to their supervisors, host admins, officers
    and the people invited to supervise them (to read what they are asked to accept).

    `drafts`: `project_visibility(user=user)` when the caller holds it (kept per person
    and data version), which spares the query its joins."""
    qs = _base()
    if is_officer(user):
        return qs
    visible = Q(status__in=PUBLISHED)
    if drafts is not None and getattr(user, "is_authenticated", False):
        return qs.filter(visible | Q(pk__in=drafts)) if drafts else qs.filter(visible)
    if getattr(user, "is_authenticated", False):
        ids = Project.objects.filter(visible | _drafts_shown_to(user)).values("pk")
        return qs.filter(pk__in=ids)
    return qs.filter(visible)


def _drafts_shown_to(user) -> Q:
    """The projects `user` sees whatever their status (see `project_list_visible`)."""
    return (
        Q(supervisions__person_id=user.pk)
        | Q(invitations__person_id=user.pk)
        | Q(host__affiliations__person_id=user.pk, host__affiliations__role="admin")
    )


def project_visibility(*, user) -> tuple:
    """What sets `user`'s `project_list_visible` apart from everyone's, for keys of cached
    answers (core.cache.visible_fragment): ``("all",)`` for officers, else the sorted ids
    of the unpublished projects they see (none for most people: one query)."""
    if is_officer(user):
        return ("all",)
    if not getattr(user, "is_authenticated", False):
        return ()
    return tuple(
        Project.objects.filter(_drafts_shown_to(user))
        .exclude(status__in=PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def project_search(*, user, filters: ProjectFilters | None = None) -> QuerySet[Project]:
    """The visible projects that pass `filters` (none: all of them), newest first.

    The search box's words (``filters.q``) go to the receivers of ``project_query``
    (recommendations: the same cross-language search as the search page, so a Japanese
    query finds English and French postings), among the projects the other filters
    keep; its answer comes first, best first, then the projects the words match as text
    (``ProjectFilters.filter_q``), newest first. Without an answer, words match as text."""
    qs = project_list_visible(user=user)
    if filters is None:
        return qs.order_by("-created_at", "key")
    if filters.q.strip():
        narrowed = filters.model_copy(update={"q": ""}).filter(qs)
        ranked = _ranked_by_meaning(user=user, q=filters.q, queryset=narrowed)
        if ranked:
            # The search's answer, best first, then what the words match as text
            # elsewhere (skills, host names, key: fields the search does not read).
            best_first = Case(
                *(When(pk=pk, then=Value(rank)) for rank, pk in enumerate(ranked)),
                default=Value(len(ranked)),
                output_field=IntegerField(),
            )
            found = Q(pk__in=ranked) | filters.filter_q(filters.q)
            return narrowed.filter(found).order_by(best_first, "-created_at", "key")
    return filters.filter(qs).order_by("-created_at", "key")


def _ranked_by_meaning(*, user, q: str, queryset: QuerySet[Project]) -> list | None:
    """The first answer of ``project_query``'s receivers that is not None."""
    for _receiver, answer in project_query.send(sender=Project, user=user, q=q, queryset=queryset):
        if answer is not None:
            return list(answer)
    return None


def project_get_visible(*, user, pk=None, key=None, drafts: tuple | None = None) -> Project:
    qs = project_list_visible(user=user, drafts=drafts)
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


def supervision_invitations_of(*, person) -> QuerySet[SupervisionInvitation]:
    """The invitations to supervise that `person` has not answered, newest first."""
    return (
        SupervisionInvitation.objects.filter(person_id=person.pk)
        .select_related("project", "project__host", "project__call", "invited_by")
        .order_by("-created_at", "id")
    )


@receiver(call_overview, dispatch_uid="projects.call_overview")
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


@receiver(person_visibility, dispatch_uid="projects.people")
def people_visible_as_supervisors(*, sender, user, **kwargs) -> Q:
    """Receiver of ``people.signals.person_visibility``: supervisors of published
    projects are named on public pages anyway."""
    return Q(supervisions__project__status__in=PUBLISHED)


@dataclass(frozen=True)
class ProjectReferences:
    """What a project's ids and codes refer to; None where nothing was asked."""

    call: Call | None = None
    host: Organisation | None = None
    supervisors: list[tuple[User, str]] | None = None
    fields: list[ResearchField] | None = None


def project_references(
    *,
    user,
    call_id: int | None = None,
    host_id: int | None = None,
    supervisors: Sequence[tuple[int, str]] | None = None,
    field_codes: Sequence[str] | None = None,
) -> ProjectReferences:
    """Resolve a project's references as an API client sends them: the call (among those
    `user` may see), the host, the supervisors as ``(person id, role)`` in order, the
    research field codes. Every unknown reference is reported at once, on its own key
    (``call_id``, ``host_id``, ``supervisors``, ``fields``), as a ``ValidationError``."""
    errors: dict[str, str] = {}
    call = host = people = fields = None
    if call_id is not None:
        call = call_list_visible(user=user).filter(pk=call_id).first()
        if call is None:
            errors["call_id"] = _("No such call.")
    if host_id is not None:
        host = Organisation.objects.filter(pk=host_id).first()
        if host is None:
            errors["host_id"] = _("No such organisation.")
    if supervisors is not None:
        found = User.objects.in_bulk(possible_ids(pk for pk, _role in supervisors))
        unknown = [pk for pk, _role in supervisors if pk not in found]
        if unknown:
            errors["supervisors"] = _("Unknown people: %(ids)s.") % {
                "ids": ", ".join(str(i) for i in unknown)
            }
        people = [(found[pk], role) for pk, role in supervisors if pk in found]
    if field_codes is not None:
        try:
            fields = research_fields_by_code(codes=list(field_codes))
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return ProjectReferences(call=call, host=host, supervisors=people, fields=fields)


def project_versions(*, project: Project) -> QuerySet[ProjectVersion]:
    """`project`'s numbered edits, newest first, with who made each."""
    return project.versions.select_related("actor").order_by("-number")


def project_vetting_queue(*, user) -> QuerySet[Project]:
    """The submitted projects `user` vets, per call, longest waiting first: every call's
    for officers, those of the organisations they administer for organisation admins."""
    qs = (
        Project.objects.filter(status=ProjectStatus.SUBMITTED)
        .select_related("host", "call", "call__program")
        .prefetch_related(
            Prefetch("supervisions", queryset=ProjectSupervisor.objects.select_related("person"))
        )
        .order_by("call__slug", "submitted_at", "key")
    )
    if is_officer(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(host__affiliations__person_id=user.pk, host__affiliations__role="admin")


def project_hosts_for(*, user) -> QuerySet[Organisation]:
    """The organisations `user` may post projects at: all for officers, else those
    they are affiliated with as supervisor, researcher or admin."""
    qs = Organisation.objects.order_by("name")
    if is_officer(user):
        return qs
    return qs.filter(affiliations__person_id=user.pk, affiliations__role__in=HOST_ROLES).distinct()


def fold(text: str) -> str:
    """`text` as the host search compares it: case and Latin accents ignored ("Tōkyō" is
    "tokyo"), katakana read as hiragana ("トウキョウ" is "とうきょう"), full-width forms
    narrowed. Japanese voicing marks are kept (だ is not た)."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not "\u0300" <= c <= "\u036f")
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text).casefold()


#: At most this many organisations in the host picker's answer.
HOST_OPTIONS = 50


def project_host_options(*, user, q: str) -> tuple[list[Organisation], int]:
    """The organisations `user` may post at (`project_hosts_for`) whose name in any of the
    three languages, alias or acronym contains `q` (`fold`ed), those whose name starts
    with it first, then by name; at most `HOST_OPTIONS`, and how many matched. Two
    queries: the names of the postable organisations, then the matches' rows."""
    needle = fold(q.strip())
    rows = project_hosts_for(user=user).values_list(
        "pk", "name", "name_en", "name_fr", "name_ja", "aliases", "acronyms"
    )
    matches: list[tuple[int, str, int]] = []
    for pk, name, name_en, name_fr, name_ja, aliases, acronyms in rows:
        names = [
            fold(n)
            for n in (name, name_en, name_fr, name_ja, *(aliases or []), *(acronyms or []))
            if n
        ]
        if not needle or any(needle in n for n in names):
            starts = any(n.startswith(needle) for n in names)
            matches.append((0 if starts else 1, fold(name), pk))
    matches.sort()
    chosen = [pk for _first, _name, pk in matches[:HOST_OPTIONS]]
    found = Organisation.objects.in_bulk(chosen)
    return [found[pk] for pk in chosen if pk in found], len(matches)
