"""Reads of offers and published results, shared by the pages, the API and the e-mails.

A published run's result names candidates ``c<user pk>`` and projects by key
(docs/match/format.md); these selectors turn them back into rows with a fixed
number of queries, however many runs, offers and explanations there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.json import KeyTransform
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kakehashi.matching.labels import EXCHANGE_REASONS
from kakehashi.matching.models import MatchRun
from kakehashi.matching.selectors import candidate_id
from kakehashi.offers.enums import OfferStatus
from kakehashi.offers.explanations import Choice, choices_from, outcome_sentence
from kakehashi.offers.models import Offer
from kakehashi.people.models import User
from kakehashi.people.names import person_name
from kakehashi.programs.models import Call
from kakehashi.programs.signals import phase_activity
from kakehashi.projects.enums import PUBLISHED
from kakehashi.projects.models import Project

#: Heavy JSON columns a page about offers never needs from the run row.
RUN_HEAVY = ("snapshot", "summary", "policy")


def student_id(user) -> str:
    """The id the engine knows a candidate by."""
    return f"c{user.pk}"


def user_id_of(student: str | None) -> int | None:
    if not student or not student.startswith("c"):
        return None
    try:
        return int(student[1:])
    except ValueError:
        return None


def runs_published(*, call_ids=None) -> QuerySet[MatchRun]:
    qs = MatchRun.objects.filter(published_at__isnull=False).select_related("call")
    if call_ids is not None:
        qs = qs.filter(call_id__in=call_ids)
    return qs.order_by("call_id", "round")


def offer_as_seen(offer: Offer, *, now=None) -> Offer:
    """`offer` as a reader sees it now: a pending offer whose deadline has come is
    shown lapsed, in memory only. Reads never write; the ``offers.lapse`` job (and an
    answer that comes too late) records the lapse, audits it and sends its mail."""
    if offer.status == OfferStatus.PENDING and offer.deadline <= (now or timezone.now()):
        offer.status = OfferStatus.LAPSED
    return offer


def offer_list_for_candidate(*, candidate) -> QuerySet[Offer]:
    """A candidate's own offers; any other offer is outside it (404)."""
    return (
        Offer.objects.filter(candidate_id=candidate.pk)
        .select_related("project__host", "run__call")
        .defer(*(f"run__{name}" for name in ("result", *RUN_HEAVY)))
    )


def offer_get_for_candidate(*, candidate, pk: int) -> Offer:
    return offer_as_seen(offer_list_for_candidate(candidate=candidate).get(pk=pk))


# ------------------------------------------------------------------ the candidate's results


@dataclass
class RoundResult:
    """What one published run gave one candidate."""

    run: MatchRun
    call: Call
    round: int
    project: Project | None
    project_key: str | None
    rank: int | None
    list_length: int
    choices: list[Choice]
    offer: Offer | None
    #: A later round of the same call has been published for this candidate.
    later_round: bool = False

    @property
    def placed(self) -> bool:
        return self.project_key is not None

    @property
    def summary(self) -> str:
        return outcome_sentence(
            placed=self.placed, rank=self.rank, list_length=self.list_length, choices=self.choices
        )


@dataclass
class CallResults:
    call: Call
    rounds: list[RoundResult] = field(default_factory=list)


def results_for_candidate(*, candidate) -> list[CallResults]:
    """Every published run the candidate took part in, grouped by call (newest first).

    Three queries: the runs, the projects they name, the candidate's offers.
    """
    sid = student_id(candidate)
    now = timezone.now()
    # Only this candidate's part of each result leaves the database, not the whole
    # market's (a national run's result holds every candidate's explanation).
    runs = list(
        runs_published()
        .filter(result__assignments__has_key=sid)
        .annotate(mine=KeyTransform(sid, KeyTransform("students", "result")))
        .defer("result", *RUN_HEAVY)
        .select_related("call__program")
    )
    if not runs:
        return []
    keys: set[str] = set()
    for run in runs:
        entry = run.mine or {}
        if entry.get("project"):
            keys.add(entry["project"])
        keys.update(c["project"] for c in entry.get("better_choices", []))
    projects = Project.objects.select_related("host").in_bulk(keys, field_name="key")
    runs_by_id = {run.pk: run for run in runs}
    offers = {}
    for offer in Offer.objects.filter(candidate_id=candidate.pk, run__in=runs).select_related(
        "project__host"
    ):
        offer.run = runs_by_id[offer.run_id]  # already loaded: no query per offer
        offers[offer.run_id] = offer_as_seen(offer, now=now)
    by_call: dict[int, CallResults] = {}
    for run in runs:
        entry = run.mine or {}
        key = entry.get("project")
        by_call.setdefault(run.call_id, CallResults(call=run.call)).rounds.append(
            RoundResult(
                run=run,
                call=run.call,
                round=run.round,
                project=projects.get(key) if key else None,
                project_key=key,
                rank=entry.get("rank"),
                list_length=entry.get("list_length", 0),
                choices=choices_from(entry, projects),
                offer=offers.get(run.pk),
            )
        )
    calls = list(by_call.values())
    for results in calls:
        last = max(r.round for r in results.rounds)
        for result in results.rounds:
            result.later_round = result.round < last
    calls.sort(key=lambda c: max(r.run.published_at for r in c.rounds), reverse=True)
    return calls


# ------------------------------------------------------------------ the supervisor's interns


@dataclass
class Cutoff:
    """The lowest-ranked candidate admitted to a project in one round."""

    round: int
    capacity: int | None
    filled: int
    candidate: Any = None  # User
    position: int | None = None  # on the host's list used by the match


@dataclass
class RankedOutcome:
    """What became of a candidate the supervisor ranked for a project and did not get:
    placed in another project, or not placed at all. Never where (the candidate's own
    business), as candidates are told only why not, never who."""

    round: int
    student: str
    placed_elsewhere: bool
    position: int | None = None  # on the host's list used by the match
    candidate: Any = None  # User
    #: In a balanced exchange, why they did not come here although they preferred it:
    #: ``balance`` or ``lower_priority`` (matching.labels.EXCHANGE_REASONS); else "".
    reason: str = ""

    @property
    def sentence(self) -> str:
        """What became of them, as the interns page and the API say it."""
        return ranked_outcome_sentence(self)


@dataclass
class ProjectInterns:
    project: Project
    call: Call
    cutoffs: list[Cutoff] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    #: The ranked candidates the project did not get, per round (ranking order).
    not_here: list[RankedOutcome] = field(default_factory=list)

    @property
    def placed(self) -> list[Offer]:
        return [o for o in self.offers if o.status in (OfferStatus.PENDING, OfferStatus.ACCEPTED)]

    @property
    def declined(self) -> list[Offer]:
        return [o for o in self.offers if o.status == OfferStatus.DECLINED]

    @property
    def lapsed(self) -> list[Offer]:
        return [o for o in self.offers if o.status == OfferStatus.LAPSED]


def _deciding_groups(snapshot: dict, project_key: str) -> list[list[str]]:
    """The list that decided `project_key` in `snapshot`, best first, as tie groups: the
    project's own ranking if it has one, else its supervisor's (empty: neither ranked)."""
    node = (snapshot.get("projects") or {}).get(project_key) or {}
    ranking = node.get("ranking")
    if ranking is None and node.get("supervisor") is not None:
        ranking = ((snapshot.get("supervisors") or {}).get(node["supervisor"]) or {}).get("ranking")
    return [entry if isinstance(entry, list) else [entry] for entry in ranking or []]


def host_list_position(snapshot: dict, project_key: str, student: str) -> int | None:
    """`student`'s position (1 = best) on the list that decided `project_key` in `snapshot`:
    the project's own ranking if it has one, else its supervisor's. A tie group shares the
    position of its first member."""
    position = 1
    for group in _deciding_groups(snapshot, project_key):
        if student in group:
            return position
        position += len(group)
    return None


def _ranked_not_here(run, snapshot: dict, project_key: str, mine: set[str]) -> list[RankedOutcome]:
    """The candidates on the list that decided `project_key` in `run` who were not placed
    in one of the supervisor's projects (`mine`): placed elsewhere, or not at all."""
    assignments = run.result_assignments or {}
    outcomes = []
    position = 1
    for group in _deciding_groups(snapshot, project_key):
        for student in group:
            if student in assignments and assignments[student] not in mine:
                outcomes.append(
                    RankedOutcome(
                        round=run.round,
                        student=student,
                        placed_elsewhere=assignments[student] is not None,
                        position=position,
                    )
                )
        position += len(group)
    return outcomes


def _exchange_reasons(runs, entries: dict) -> None:
    """Give each not-here outcome of a balanced-exchange run the engine's reason when it
    is the exchange's (``balance``, ``lower_priority``): one query for all such runs,
    reading only those candidates' explanations, none without an exchange run."""
    wanted: dict[int, dict[str, list[tuple[str, RankedOutcome]]]] = {}
    by_round = {(run.call_id, run.round): run for run in runs if run.mode == "exchange"}
    for entry in entries.values():
        for outcome in entry.not_here:
            run = by_round.get((entry.call.pk, outcome.round))
            if run is not None:
                wanted.setdefault(run.pk, {}).setdefault(outcome.student, []).append(
                    (entry.project.key, outcome)
                )
    if not wanted:
        return
    students = sorted({sid for per in wanted.values() for sid in per})
    names = {sid: f"s{i}" for i, sid in enumerate(students)}
    rows = (
        MatchRun.objects.filter(pk__in=wanted)
        .annotate(
            **{
                name: KeyTransform(sid, KeyTransform("students", "result"))
                for sid, name in names.items()
            }
        )
        .only("id")
    )
    for row in rows:
        for sid, pairs in wanted[row.pk].items():
            choices = (getattr(row, names[sid]) or {}).get("better_choices", [])
            reasons = {c["project"]: c["reason"] for c in choices}
            for project_key, outcome in pairs:
                if reasons.get(project_key) in EXCHANGE_REASONS:
                    outcome.reason = reasons[project_key]


#: What became of a candidate a host ranked and did not get: the exchange's reason when
#: it kept them away (``RankedOutcome.reason``), else placed elsewhere or not at all.
_OUTCOME_SENTENCES = {
    "balance": gettext_lazy(
        "%(name)s (number %(position)s on your list) could not be placed here: one more "
        "intern here would have unbalanced the exchange."
    ),
    "lower_priority": gettext_lazy(
        "%(name)s (number %(position)s on your list) could not be placed here: their home "
        "put other candidates first."
    ),
    "elsewhere": gettext_lazy(
        "%(name)s (number %(position)s on your list) was placed in another project."
    ),
    "unplaced": gettext_lazy("%(name)s (number %(position)s on your list) was not placed."),
}


def ranked_outcome_sentence(outcome: RankedOutcome) -> str:
    """`outcome` as the interns page says it, in the active language (names in its order)."""
    name = person_name(outcome.candidate) if outcome.candidate is not None else ""
    values = {"name": name, "position": outcome.position}
    key = outcome.reason or ("elsewhere" if outcome.placed_elsewhere else "unplaced")
    text = str(_OUTCOME_SENTENCES[key]) % values
    if outcome.round > 1:
        text = _("Round %(n)s:") % {"n": outcome.round} + " " + text
    return text


def supervised_projects_with_results(*, supervisor) -> QuerySet[Project]:
    published = MatchRun.objects.filter(published_at__isnull=False).values("call_id")
    return (
        # Only projects the match considered: approved (or since closed) ones.
        Project.objects.filter(
            supervisions__person_id=supervisor.pk,
            call_id__in=published,
            status__in=PUBLISHED,
        )
        .select_related("host", "call")
        .distinct()
        .order_by("call__slug", "key")
    )


def interns_for_supervisor(*, supervisor) -> list[ProjectInterns]:
    """Per project the supervisor supervises in a call with a published run: its offers
    (interns, declines, lapses), its cut-off in each round, and for each candidate its
    list ranked who went elsewhere or nowhere, which of the two. Four queries."""

    projects = list(supervised_projects_with_results(supervisor=supervisor))
    if not projects:
        return []
    # The nodes of projects and supervisors, not the candidates' lists and explanations.
    runs = list(
        runs_published(call_ids={p.call_id for p in projects})
        .annotate(
            result_projects=KeyTransform("projects", "result"),
            snapshot_projects=KeyTransform("projects", "snapshot"),
            snapshot_supervisors=KeyTransform("supervisors", "snapshot"),
            # Student → project key or null: strings only, never the explanations.
            result_assignments=KeyTransform("assignments", "result"),
        )
        .only("id", "call_id", "round", "published_at", "mode")
    )
    entries = {p.pk: ProjectInterns(project=p, call=p.call) for p in projects}
    mine_keys = {p.key for p in projects}
    cutoff_ids: set[int] = set()
    pending_cutoffs: list[tuple[Cutoff, str | None]] = []
    for run in runs:
        nodes = run.result_projects or {}
        snapshot = {
            "projects": run.snapshot_projects or {},
            "supervisors": run.snapshot_supervisors or {},
        }
        for project in projects:
            if project.call_id != run.call_id or project.key not in nodes:
                continue
            node = nodes[project.key]
            student = node.get("cutoff")
            cutoff = Cutoff(
                round=run.round,
                capacity=node.get("capacity"),
                filled=node.get("filled", 0),
                position=host_list_position(snapshot, project.key, student) if student else None,
            )
            if (uid := user_id_of(student)) is not None:
                cutoff_ids.add(uid)
            pending_cutoffs.append((cutoff, student))
            entries[project.pk].cutoffs.append(cutoff)
            entries[project.pk].not_here.extend(
                _ranked_not_here(run, snapshot, project.key, mine_keys)
            )
    _exchange_reasons(runs, entries)
    cutoff_ids.update(
        uid
        for entry in entries.values()
        for outcome in entry.not_here
        if (uid := user_id_of(outcome.student)) is not None
    )
    people = User.objects.in_bulk(cutoff_ids)
    for cutoff, student in pending_cutoffs:
        cutoff.candidate = people.get(user_id_of(student))
    for entry in entries.values():
        for outcome in entry.not_here:
            outcome.candidate = people.get(user_id_of(outcome.student))
    offers = (
        Offer.objects.filter(project__in=projects, run__published_at__isnull=False)
        .select_related("candidate")
        .annotate(round=F("run__round"))
        .order_by("run__round", "candidate__family_name", "candidate__given_name", "pk")
    )
    now = timezone.now()
    for offer in offers:
        entries[offer.project_id].offers.append(offer_as_seen(offer, now=now))
    return list(entries.values())


def offers_freed(*, run: MatchRun) -> list[str]:
    """Candidates (engine ids) whose offer of `run` was declined or lapsed."""
    return sorted(
        candidate_id(pk)
        for pk in Offer.objects.filter(
            run=run, status__in=[OfferStatus.DECLINED, OfferStatus.LAPSED]
        ).values_list("candidate_id", flat=True)
    )


@receiver(phase_activity, dispatch_uid="offers.phase_activity")
def phase_activity_count(sender, *, call: Call, kind: str, since, **_kwargs) -> int:
    """Answers `programs.signals.phase_activity`: offers of `call` answered since `since`
    (only for the offers phase)."""
    if kind != "offers":
        return 0
    return Offer.objects.filter(run__call=call, responded_at__gte=since).count()
