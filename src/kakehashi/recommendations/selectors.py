"""Reads: recommendations both ways and the search box, over cached embeddings.

One index per process and per kind of item, keyed by a data version (row count and
latest `updated_at`): it is rebuilt only when texts change. Building reads vectors
from the embedding cache; the encoder loads only for a text not cached yet (the
refresh job keeps them cached) and for search queries.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, QuerySet
from django.dispatch import receiver

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application
from kakehashi.applications.services import application_check_eligibility
from kakehashi.core.cache import versioned
from kakehashi.core.roles import is_officer
from kakehashi.jobs.models import Job
from kakehashi.organisations.models import Organisation
from kakehashi.people.models import CandidateProfile, User
from kakehashi.people.selectors import person_list_visible, person_visible_ids
from kakehashi.programs.enums import CallStatus
from kakehashi.projects.enums import PUBLISHED, ProjectStatus
from kakehashi.projects.models import Project
from kakehashi.projects.selectors import project_list_visible, project_visibility
from kakehashi.projects.signals import project_query
from kakehashi.recommendations.embedding import (
    REQUIRED_LEVEL,
    embedding_cache,
    encoder,
    person_languages,
    profile_text,
    project_text,
)
from kakehashi.research_fields.models import ResearchField
from kakehashi_semantic import (
    ROMAJI_WEIGHT,
    Item,
    LexicalIndex,
    NameMatcher,
    Profile,
    Recommendation,
    SemanticIndex,
    TopicGuard,
    detect_language,
    everyday_topics,
    hybrid_search,
    make_snippet,
    recommend,
)

# ------------------------------------------------------------------ per-process indexes

_indexes: dict[tuple, tuple[Any, Any]] = {}
_indexes_lock = threading.Lock()


def _version(qs: QuerySet) -> tuple:
    row = qs.order_by().aggregate(n=Count("pk"), t=Max("updated_at"))
    return (row["n"], row["t"])


def _cached_index(name: str, version: tuple, build: Callable[[], Any]) -> Any:
    """The index `name` for this data version, built at most once per version per process."""
    enc = encoder()
    key = (name, str(embedding_cache().directory), enc.model_id)
    with _indexes_lock:
        held = _indexes.get(key)
        if held is not None and held[0] == version:
            return held[1]
        value = build()
        _indexes[key] = (version, value)
        return value


def _build(
    items: list[Item], *, romaji_weight: float = 0.0
) -> tuple[SemanticIndex, LexicalIndex] | None:
    if not items:
        return None
    semantic = SemanticIndex.build(
        items, encoder=encoder(), cache=embedding_cache(), romaji_weight=romaji_weight
    )
    return semantic, LexicalIndex(items)


def _project_items() -> tuple[list[Item], list[Item]]:
    """Projects with a text, by whole text and by title (same ids and order): one query."""
    rows = Project.objects.order_by("pk").only("pk", "title", "summary", "description", "language")
    full, titles = [], []
    for p in rows:
        text = project_text(p)
        if text:
            full.append(Item(id=p.pk, text=text, lang=p.language, metadata={"pk": p.pk}))
            title = p.title.strip() or text
            titles.append(Item(id=p.pk, text=title, lang=p.language, metadata={"pk": p.pk}))
    return full, titles


def project_items() -> list[Item]:
    """Every project with a text: the platform's texts the language centring is fitted on."""
    return _project_items()[0]


def project_index() -> tuple[SemanticIndex, LexicalIndex] | None:
    return _cached_index(
        "projects", _version(Project.objects.all()), lambda: _build(project_items())
    )


def project_title_items() -> list[Item]:
    """The projects of `project_items` by their titles (same ids, same order)."""
    return _project_items()[1]


def _build_project_search() -> tuple[SemanticIndex, LexicalIndex] | None:
    items, titles = _project_items()
    if not items:
        return None
    # Titles are short: their romanised forms match names and loanwords across scripts.
    semantic = SemanticIndex.build(
        titles, encoder=encoder(), cache=embedding_cache(), romaji_weight=ROMAJI_WEIGHT
    )
    return semantic, LexicalIndex(items)


def project_search_index(version: tuple | None = None) -> tuple[SemanticIndex, LexicalIndex] | None:
    """The search box's project index: meaning from titles, words from whole texts.

    A search-box query is a few words; matched against titles (short texts) rather than
    whole descriptions it finds the relevant projects across languages far more often
    (nDCG@10 on the demo's judged queries: docs/semantic/README.md)."""
    version = version or _version(Project.objects.all())
    return _cached_index("project-search", version, _build_project_search)


def project_topic_guard(version: tuple | None = None) -> TopicGuard | None:
    """The search box's project titles with everyday topics beside them, to tell a
    query no project is about (a cake recipe) from one the projects answer."""

    def build() -> TopicGuard | None:
        _, titles = _project_items()
        if not titles:
            return None
        return TopicGuard.build(
            titles, encoder=encoder(), cache=embedding_cache(), romaji_weight=ROMAJI_WEIGHT
        )

    version = version or _version(Project.objects.all())
    return _cached_index("project-topic-guard", version, build)


def _off_topic(q: str, allowed: set[int], version: tuple | None = None) -> bool:
    """No project of `allowed` is about `q` by its meaning (kakehashi_semantic.offtopic);
    words `q` shares with a project are weighed by the caller. `version`: the projects'
    data version when the caller has it (one query less)."""
    version = version or _version(Project.objects.all())
    index, guard = project_search_index(version), project_topic_guard(version)
    if index is None or guard is None or not allowed:
        return False
    # The guard's pool is the search index's titles in the same order: one mask serves.
    return guard.off_topic(q, mask=_allowed_mask(index[0], allowed))


def _supervisor_expertise() -> dict[int, str]:
    """Supervisors' expertise: the titles of the published projects they supervise."""
    titles: dict[int, list[str]] = {}
    rows = (
        Project.objects.filter(status__in=PUBLISHED)
        .order_by("pk")
        .values_list("supervisions__person_id", "title")
    )
    for person_id, title in rows:
        if person_id is not None:
            titles.setdefault(person_id, []).append(title.strip())
    return {pk: "\n".join(ts) for pk, ts in titles.items()}


def person_items() -> list[Item]:
    """People by expertise: candidates' research interests, supervisors' project titles."""
    texts = _supervisor_expertise()
    for profile in CandidateProfile.objects.order_by("pk").only(
        "user_id", "research_interests", "interests_language"
    ):
        text = profile_text(profile)
        if text:
            texts[profile.user_id] = (texts.get(profile.user_id, "") + "\n" + text).strip()
    return [Item(id=pk, text=text, metadata={"pk": pk}) for pk, text in sorted(texts.items())]


def person_index() -> tuple[SemanticIndex, LexicalIndex] | None:
    version = (
        _version(CandidateProfile.objects.all()),
        _version(Project.objects.all()),
    )
    return _cached_index("people", version, lambda: _build(person_items()))


def organisation_text(org: Organisation) -> str:
    """Every name of an organisation, its aliases, acronyms and ROR id, one per line.

    The ROR id is optional (``None`` when an organisation has none) and is then left out.
    """
    parts = [org.name, org.name_en, org.name_fr, org.name_ja, *org.aliases, *org.acronyms]
    seen = dict.fromkeys(p.strip() for p in parts if p and p.strip())
    return "\n".join([*seen, *([org.ror_id] if org.ror_id else [])])


def organisation_items() -> list[Item]:
    return [
        Item(id=o.pk, text=organisation_text(o), metadata={"pk": o.pk})
        for o in Organisation.objects.order_by("pk")
    ]


def organisation_index(version: tuple | None = None) -> tuple[SemanticIndex, LexicalIndex] | None:
    version = version or _version(Organisation.objects.all())
    # Names in kanji, kana and Latin script: the romanised channel matches them across
    # scripts (organisation names ja↔en R@10 0.76 → 0.93 on held-out ROR names).
    return _cached_index(
        "organisations",
        version,
        lambda: _build(organisation_items(), romaji_weight=ROMAJI_WEIGHT),
    )


def organisation_names(version: tuple | None = None) -> NameMatcher:
    """Every organisation's names, to find the ones a query names in another script
    (理研 → RIKEN) or abbreviates the Japanese way (理研 → 理化学研究所)."""

    def build() -> NameMatcher:
        rows = Organisation.objects.order_by("pk").only(
            "pk", "name", "name_en", "name_fr", "name_ja", "aliases", "acronyms"
        )
        return NameMatcher(
            {o.pk: [o.name, o.name_en, o.name_fr, o.name_ja, *o.aliases, *o.acronyms] for o in rows}
        )

    return _cached_index(
        "organisation-names", version or _version(Organisation.objects.all()), build
    )


def embedding_texts() -> list[str]:
    """Every text the pages embed: projects, profiles, search items and the everyday topics
    of the off-topic guard (not sentences)."""
    texts = [it.text for it in project_items()]
    texts += [it.text for it in project_title_items()]
    texts += [it.text for it in person_items()]
    texts += [it.text for it in organisation_items()]
    texts += [it.text for it in everyday_topics()]  # the search box's off-topic guard
    for profile in CandidateProfile.objects.only("research_interests"):
        if profile_text(profile):
            texts.append(profile_text(profile))
    return list(dict.fromkeys(texts))


def explanation_texts() -> list[str]:
    """Texts whose sentences the explanations compare: projects' and candidates'."""
    texts = [it.text for it in project_items()]
    texts += [
        profile_text(p)
        for p in CandidateProfile.objects.only("research_interests")
        if profile_text(p)
    ]
    return list(dict.fromkeys(texts))


# ------------------------------------------------------------------ recommendations


#: Readable strength of a recommendation's hybrid score (`recommend`'s 0.55·semantic +
#: 0.2·fields + 0.15·skills + 0.1·language), calibrated on 372 demo candidate–project
#: pairs judged by hand (benchmarks/semantic/bench_explanations.py): from 0.40, 92% of
#: pairs are what the candidate works on and all are at least clearly related (recall
#: of the former 96%); from 0.25, 75% are at least clearly related and 3.6% of the
#: unrelated pairs reach it (recall of the related 97%). Below: "weak".
STRONG_MATCH = 0.40
GOOD_MATCH = 0.25


def match_strength(score: float) -> str:
    """The readable strength of ``score``: "strong", "good" or "weak" (never the raw score)."""
    if score >= STRONG_MATCH:
        return "strong"
    if score >= GOOD_MATCH:
        return "good"
    return "weak"


#: The closest sentences are shown only from this centred cosine: 95% of the unrelated
#: judged pairs' best sentence pairs score below it (median 0.33), while the median pair
#: of a candidate and the project they work on scores 0.48 (same benchmark).
SENTENCE_PAIR_FLOOR = 0.42


@dataclass(frozen=True)
class RelatedField:
    """A field of one side related to, but not the same as, a field of the other."""

    field: Any
    other: Any
    shared: Any  # the ResearchField both descend from (their relation), or None


@dataclass(frozen=True)
class Explanation:
    """Why a pair is recommended: the same fields on both sides (ResearchField rows),
    related fields with their relation, skills, sentences, and the readable strength."""

    fields: tuple
    skills: tuple[str, ...]
    source_sentence: str
    source_lang: str
    target_sentence: str
    target_lang: str
    similarity: float | None
    related: tuple[RelatedField, ...] = ()
    strength: str = "weak"


@dataclass(frozen=True)
class RecommendedProject:
    project: Project
    rank: int
    score: float
    explanation: Explanation


@dataclass(frozen=True)
class RecommendedCandidate:
    candidate: User
    rank: int
    score: float
    explanation: Explanation
    applied: bool


def _field_codes(obj) -> frozenset[str]:
    return frozenset(f.code for f in obj.fields.all())


def _ancestor_rows(recs: list[Recommendation]) -> dict[str, Any]:
    """The fields related matches share, in one query."""
    codes = {m.shared_ancestor for r in recs for m in r.matched_fields if not m.same}
    codes.discard(None)
    if not codes:
        return {}
    return {f.code: f for f in ResearchField.objects.filter(code__in=codes)}


def _explain(
    rec: Recommendation,
    field_rows: dict[str, Any],
    source_lang: str,
    target_lang: str,
    ancestors: dict[str, Any] | None = None,
):
    pair = rec.sentence_pair
    if pair is not None and pair.similarity < SENTENCE_PAIR_FLOOR:
        pair = None
    fields, related = [], []
    for match in rec.matched_fields:
        if match.same:
            row = field_rows.get(match.source)
            if row is not None and row not in fields:
                fields.append(row)
            continue
        mine, other = field_rows.get(match.source), field_rows.get(match.target)
        if mine is not None and other is not None:
            shared = (ancestors or {}).get(match.shared_ancestor or "")
            related.append(RelatedField(mine, other, shared))
    return Explanation(
        fields=tuple(fields),
        skills=rec.matched_skills,
        source_sentence=pair.source if pair else "",
        source_lang=(detect_language(pair.source) if pair else source_lang),
        target_sentence=pair.target if pair else "",
        target_lang=(detect_language(pair.target) if pair else target_lang),
        similarity=round(pair.similarity, 3) if pair else None,
        related=tuple(related),
        strength=match_strength(rec.score),
    )


def _project_profile(project: Project) -> Profile:
    # Ids are tagged by kind: `recommend` drops a target whose id equals the source's.
    return Profile(
        id=("project", project.pk),
        kind="project",
        text=project_text(project),
        lang=project.language,
        fields=_field_codes(project),
        skills=frozenset(project.skills),
        languages={project.working_language: REQUIRED_LEVEL},
    )


def _candidate_profile(user: User) -> Profile:
    profile = user.candidate_profile
    return Profile(
        id=("candidate", user.pk),
        kind="candidate",
        text=profile_text(profile),
        lang=profile.interests_language or None,
        fields=_field_codes(profile),
        skills=frozenset(profile.skills),
        languages=person_languages(user),
    )


def _eligible(user: User, project: Project) -> bool:
    """The hard filters of applications: level, direction, host in the other country."""
    try:
        application_check_eligibility(candidate=user, project=project)
    except ValidationError:
        return False
    return True


def open_projects() -> QuerySet[Project]:
    """Approved projects of open calls, with what eligibility and the cards read."""
    return (
        Project.objects.filter(status=ProjectStatus.APPROVED, call__status=CallStatus.OPEN)
        .select_related("host", "call", "call__program")
        .prefetch_related("fields")
        .order_by("pk")
    )


def _centering():
    index = project_index()
    return index[0].centering if index else None


def recommended_projects(*, user: User, k: int = 10) -> list[RecommendedProject]:
    """The `k` best projects of open calls for which the candidate `user` is eligible.

    Hard filters first (as `application_check_eligibility`), then the engine's hybrid
    score; each with its explanation. [] when the candidate has written no interests.
    Kept per candidate until public data changes (`core.cache.versioned`): the answer
    reads only the candidate, projects, calls and fields, none of which a rank list or
    an application changes.
    """
    return versioned(
        "recommended-projects",
        (user.pk, k),
        lambda: _recommended_projects(user=user, k=k),
    )


def _recommended_projects(*, user: User, k: int) -> list[RecommendedProject]:
    user = (
        User.objects.select_related("candidate_profile")
        .prefetch_related("languages", "candidate_profile__fields")
        .get(pk=user.pk)
    )
    source = _candidate_profile(user)
    if not source.text:
        return []
    projects = [p for p in open_projects() if _eligible(user, p)]
    if not projects:
        return []
    by_pk = {p.pk: p for p in projects}
    recs = recommend(
        source,
        [_project_profile(p) for p in projects],
        k=k,
        encoder=encoder(),
        cache=embedding_cache(),
        centering=_centering(),
    )
    out = []
    ancestors = _ancestor_rows(recs)
    for rec in recs:
        project = by_pk[rec.id[1]]
        rows = {f.code: f for f in project.fields.all()}
        rows.update({f.code: f for f in user.candidate_profile.fields.all()})
        explanation = _explain(rec, rows, source.lang or "en", project.language, ancestors)
        out.append(RecommendedProject(project, rec.rank, rec.score, explanation))
    return out


def _candidates_qs() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, candidate_profile__isnull=False)
        .select_related("candidate_profile", "candidate_profile__home_organisation")
        .prefetch_related("languages", "candidate_profile__fields")
    )


def recommended_candidates(
    *, project: Project, k: int = 10, include_others: bool = True
) -> list[RecommendedCandidate]:
    """Candidates for `project`: its applicants first (all of them, ranked), then up to
    `k` other candidates who are eligible (only when `include_others`)."""
    project = (
        Project.objects.select_related("host", "call", "call__program")
        .prefetch_related("fields")
        .get(pk=project.pk)
    )
    source = _project_profile(project)
    applicant_ids = set(
        Application.objects.filter(project=project, status=ApplicationStatus.SUBMITTED).values_list(
            "candidate_id", flat=True
        )
    )
    candidates = list(_candidates_qs().order_by("pk"))
    applicants = [u for u in candidates if u.pk in applicant_ids]
    others = []
    if include_others and project.status == ProjectStatus.APPROVED:
        others = [u for u in candidates if u.pk not in applicant_ids and _eligible(u, project)]
    out: list[RecommendedCandidate] = []
    if not source.text:
        return out
    centering = _centering()
    rank = 0
    for group, limit, applied in ((applicants, len(applicants), True), (others, k, False)):
        if not group:
            continue
        by_pk = {u.pk: u for u in group}
        recs = recommend(
            source,
            [_candidate_profile(u) for u in group],
            k=max(1, limit),
            encoder=encoder(),
            cache=embedding_cache(),
            centering=centering,
        )
        ancestors = _ancestor_rows(recs)
        for rec in recs:
            user = by_pk[rec.id[1]]
            rows = {f.code: f for f in project.fields.all()}
            rows.update({f.code: f for f in user.candidate_profile.fields.all()})
            lang = user.candidate_profile.interests_language or "en"
            rank += 1
            out.append(
                RecommendedCandidate(
                    user,
                    rank,
                    rec.score,
                    _explain(rec, rows, project.language, lang, ancestors),
                    applied,
                )
            )
    return out


def project_for_recommendations(*, user: User, pk=None, key=None) -> Project:
    """A project whose recommended candidates `user` may see: own projects; officers any.

    Raises Project.DoesNotExist otherwise (pages and the API answer 404)."""
    qs = project_list_visible(user=user)
    if not is_officer(user):
        qs = qs.filter(supervisions__person_id=user.pk)
    return qs.get(pk=pk) if pk is not None else qs.get(key=key)


def job_get_visible(*, user, pk: int, kind: str | None = None) -> Job:
    """A background job for its creator or an officer; Job.DoesNotExist for anyone else."""
    qs = Job.objects.filter(pk=pk)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if not is_officer(user):
        qs = qs.filter(created_by_id=user.pk or -1)
    return qs.get()


# ------------------------------------------------------------------ search


@dataclass(frozen=True)
class SearchHit:
    kind: str
    obj: Any
    snippet_html: str
    score: float
    #: the query's words are in the text, or its meaning reaches the list's floor
    close: bool = True


# Texts here are in three languages and words match only within one, so meaning counts
# twice as much as shared words: an English query keeps a Japanese posting on EEG that
# semantic search places second (measured on the demo's queries).
SEMANTIC_WEIGHT = 2.0


_id_arrays: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_id_arrays_lock = threading.Lock()


def _allowed_mask(semantic: SemanticIndex, allowed: set[int]) -> np.ndarray:
    """Which items of the index `allowed` holds, vectorised (a Python predicate per
    item costs ~50 ms per 100,000 items; this a few)."""
    with _id_arrays_lock:
        ids = _id_arrays.get(semantic)
        if ids is None:
            ids = _id_arrays[semantic] = np.asarray(semantic.index.ids)
    return np.isin(ids, np.fromiter(allowed, dtype=ids.dtype, count=len(allowed)))


def _search(index, query: str, allowed: set[int], k: int, depth: int = 50):
    if index is None or not allowed:
        return []
    semantic, lexical = index
    return hybrid_search(
        query,
        semantic,
        lexical,
        k=k,
        depth=depth,
        mask=_allowed_mask(semantic, allowed),
        semantic_weight=SEMANTIC_WEIGHT,
    )


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

#: A hit whose words do not match the query is "close" only if its calibrated semantic
#: score (z, romanised channel included) reaches the list's floor. Measured on the demo
#: (benchmarks/semantic/bench_short_queries.py, docs/semantic: "Relevance floor"): the
#: best project of each of the 37 judged queries scores 2.06-4.65 (2.29 and up for the 25
#: original ones), the best of 7 nonsense queries 1.58-3.06 (4 below 2.2); an
#: organisation named in another script scores 2.2-7.6 (トロント大学 5.5 through its
#: romanised name), the best organisation for a query that names none 1.9-2.9.
#: People are held to the projects' floor (not measured on its own).
SEARCH_FLOORS = {"projects": 2.2, "people": 2.2, "organisations": 3.0}


def search(*, user, q: str, k: int = 10) -> dict[str, list[SearchHit]]:
    """Projects, people by expertise and organisations matching `q` (ja/en/fr), each list
    restricted to what `user` may see, lexical and semantic hits fused, with snippets."""
    # Control characters (a NUL from ?q=%00) carry no text: the engine drops them.
    q = _CONTROL_CHARACTERS.sub(" ", q or "").strip()
    out: dict[str, list[SearchHit]] = {"projects": [], "people": [], "organisations": []}
    if not q:
        return out
    # Each data version is read once: the indexes and the guards share it.
    version, org_version = _version(Project.objects.all()), _version(Organisation.objects.all())
    sources = (
        ("projects", lambda: project_search_index(version), project_list_visible(user=user)),
        ("people", person_index, person_list_visible(user=user)),
        ("organisations", lambda: organisation_index(org_version), Organisation.objects.all()),
    )
    off_topic = None
    for kind, index_of, qs in sources:
        allowed = set(qs.order_by().values_list("pk", flat=True))
        results = _search(index_of(), q, allowed, k)
        floor = SEARCH_FLOORS[kind]
        if kind == "projects":
            off_topic = _off_topic(q, allowed, version)
        if off_topic and kind in ("projects", "people"):
            # Everyday topics beat every visible project (a cake recipe): nothing is
            # close by meaning, for people by expertise (their projects' titles) either;
            # a hit sharing the query's words still is.
            floor = float("inf")
        named: list[int] = []
        if kind == "organisations":
            # An organisation is listed only when it really matches: by a name, an
            # alias or an acronym (words), by a name's meaning above the floor, or
            # because the query names it in another script or abbreviates it (理研).
            named = [pk for pk in organisation_names(org_version).match(q) if pk in allowed][:k]
            results = [r for r in results if r.is_close(floor) and r.id not in named]
        # The hits' own rows are all an answer shows (titles, keys, names): no prefetch
        # of the visible querysets (two thirds of a search's time). `allowed` already
        # holds only what `user` may see.
        objects = qs.model.objects.in_bulk([*named, *(r.id for r in results if r.id in allowed)])
        out[kind] = [
            *_named_hits(kind, named, objects, q, results),
            *(
                SearchHit(kind, objects[r.id], r.snippet.render(), r.score, r.is_close(floor))
                for r in results
                if r.id in objects
            ),
        ][:k]
    return out


def _named_hits(kind: str, named: list[int], objects: dict, q: str, results) -> list[SearchHit]:
    """Organisations the query names come first, scored as the best other hit (their
    name is stronger evidence than any similarity)."""
    top = max((r.score for r in results), default=1.0)
    return [
        SearchHit(kind, objects[pk], make_snippet(organisation_text(objects[pk]), q).render(), top)
        for pk in named
        if pk in objects
    ]


def search_visibility(*, request) -> tuple:
    """What `search`'s answer for `request.user` depends on beyond `q`, the language and
    the data version, for keys of cached answers (core.cache): the unpublished projects
    they see (kept per person and version: only versioned rows decide it) and the people
    they see (read each time: a supervisor's applicants come from applications, which
    the version does not cover). Organisations are everyone's."""
    user = request.user
    return (
        versioned(
            "projects:visibility",
            (user.pk,),
            lambda: project_visibility(user=user),
            request=request,
        ),
        person_visible_ids(user=user),
    )


def has_close_match(hits: list[SearchHit]) -> bool:
    """Whether any hit is close: otherwise a page says "no close match; nearest results"."""
    return any(h.close for h in hits)


#: How many projects the project list's search box answers at most, best first (the
#: lexical and the semantic lists are each cut at this depth before they are fused).
PROJECT_QUERY_DEPTH = 24
#: A project the words do not match lexically is kept only if its calibrated semantic
#: score reaches this floor: a list narrows to what is about the query. On the demo
#: (real encoder) the postings about a query score 1.9-3.0 (脳波: the Japanese EEG
#: posting 3.0, the English one 2.6; "traduction automatique de la parole": 2.3 and
#: 1.9), unrelated ones mostly below 1.5; a nonsense word's best is about 2.0.
PROJECT_QUERY_FLOOR = 1.8


@receiver(project_query, dispatch_uid="recommendations.query")
def projects_matching_query(*, sender, user, q: str, queryset, **kwargs) -> list[int] | None:
    """Receiver of ``projects.signals.project_query`` (the project list's search box):
    the ids of `queryset`'s projects matching `q` in any of ja/en/fr, best first, by the
    search page's hybrid search (``search``). None for a query without text."""
    q = _CONTROL_CHARACTERS.sub(" ", q or "").strip()
    if not q:
        return None
    allowed = set(queryset.order_by().values_list("pk", flat=True))
    version = _version(Project.objects.all())
    index = project_search_index(version)
    results = _search(index, q, allowed, PROJECT_QUERY_DEPTH, depth=PROJECT_QUERY_DEPTH)
    if not results:
        return []
    about: set = set()
    if not _off_topic(q, allowed, version):
        semantic = index[0]
        # The engine keeps the query's vector (query cache): this search encodes nothing.
        mask = _allowed_mask(semantic, allowed)
        hits = semantic.search([q], k=PROJECT_QUERY_DEPTH, mask=mask)[0]
        about = {h.id for h in hits if h.score >= PROJECT_QUERY_FLOOR}
    return [
        r.id for r in results if r.id in allowed and (r.lexical_rank is not None or r.id in about)
    ]


__all__ = [
    "Explanation",
    "RecommendedCandidate",
    "RecommendedProject",
    "RelatedField",
    "SearchHit",
    "embedding_texts",
    "explanation_texts",
    "has_close_match",
    "job_get_visible",
    "match_strength",
    "open_projects",
    "project_for_recommendations",
    "projects_matching_query",
    "recommended_candidates",
    "recommended_projects",
    "search",
    "search_visibility",
]
