"""Recommendations both ways, the search box and refresh jobs, as JSON."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import get_language, gettext_lazy
from ninja import Field, Schema

from kakehashi.core.api import ApiRouter, kept_answer
from kakehashi.core.cache import versioned
from kakehashi.core.permissions import api_permission
from kakehashi.jobs.services import job_retry
from kakehashi.recommendations.selectors import (
    Explanation,
    job_get_visible,
    project_for_recommendations,
    recommended_candidates,
    recommended_projects,
    search,
    search_visibility,
)

router = ApiRouter()


class FieldOut(Schema):
    code: str
    title: str


class SentenceOut(Schema):
    text: str
    lang: str


class RelatedFieldOut(Schema):
    field: FieldOut
    other: FieldOut
    shared: FieldOut | None = None


class ExplanationOut(Schema):
    fields: list[FieldOut] = Field(..., description="Fields both sides have (the same field)")
    related_fields: list[RelatedFieldOut] = Field(
        default_factory=list,
        description="A field of one side and a related field of the other, with the field "
        "both belong to",
    )
    skills: list[str]
    sentences: list[SentenceOut] | None = None
    similarity: float | None = None
    strength: str = Field("weak", description="strong, good or weak: the readable scale")


def _field(f) -> dict | None:
    return None if f is None else {"code": f.code, "title": f.title}


def _explanation(e: Explanation, *, sentences: bool = True) -> dict:
    out = {
        "fields": [_field(f) for f in e.fields],
        "related_fields": [
            {"field": _field(r.field), "other": _field(r.other), "shared": _field(r.shared)}
            for r in e.related
        ],
        "skills": list(e.skills),
        "strength": e.strength,
    }
    if sentences and e.source_sentence:
        out["sentences"] = [
            {"text": e.source_sentence, "lang": e.source_lang},
            {"text": e.target_sentence, "lang": e.target_lang},
        ]
        out["similarity"] = e.similarity
    return out


class RecommendedProjectOut(Schema):
    rank: int
    score: float
    project_id: int
    project_key: str
    title: str
    language: str
    host: str
    explanation: ExplanationOut


class RecommendedProjectsOut(Schema):
    items: list[RecommendedProjectOut]
    count: int


class RecommendedCandidateOut(Schema):
    rank: int
    score: float
    applied: bool
    candidate_id: int | None = None
    display_name: str | None = None
    level: str
    home_organisation: str
    explanation: ExplanationOut


class RecommendedCandidatesOut(Schema):
    items: list[RecommendedCandidateOut]
    count: int


class SearchHitOut(Schema):
    kind: str
    id: int
    label: str
    snippet_html: str
    score: float
    close: bool = Field(
        True,
        description="The query's words are in it, or its meaning is above the relevance "
        "floor; when no hit of a list is close, they are only the nearest results",
    )


class SearchOut(Schema):
    query: str
    projects: list[SearchHitOut]
    people: list[SearchHitOut]
    organisations: list[SearchHitOut]


class JobOut(Schema):
    id: int
    kind: str
    status: str
    progress_done: int
    progress_total: int
    percent: int
    finished: bool
    message: str
    error: str
    attempts: int
    result: dict | None = None
    created_at: dt.datetime
    heartbeat_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


def _project(request: HttpRequest, project_id: int, **_kwargs):
    return project_for_recommendations(user=request.user, pk=project_id)


def _limit(limit: int) -> int:
    return max(1, min(50, limit))


@router.get(
    "/recommendations/projects",
    response=RecommendedProjectsOut,
    summary="Projects of open calls recommended for you (candidates), each explained",
)
@api_permission(
    "recommendations.view_recommended_projects",
    message=gettext_lazy("Only candidates get project recommendations."),
)
def recommendations_for_me(request: HttpRequest, limit: int = 10):
    # Kept whole, serialised, per candidate: it shows only what `recommended_projects`
    # keeps per candidate under the data version.
    return kept_answer(
        request,
        RecommendedProjectsOut,
        name="api:recommended-projects",
        parts=(request.user.pk,),
        compute=lambda: _recommended_projects_answer(request.user, limit),
    )


def _recommended_projects_answer(user, limit: int) -> dict:
    rows = recommended_projects(user=user, k=_limit(limit))
    items = [
        {
            "rank": r.rank,
            "score": r.score,
            "project_id": r.project.pk,
            "project_key": r.project.key,
            "title": r.project.title,
            "language": r.project.language,
            "host": r.project.host.display_name,
            "explanation": _explanation(r.explanation),
        }
        for r in rows
    ]
    return {"items": items, "count": len(items)}


@router.get(
    "/projects/{int:project_id}/recommended-candidates",
    response=RecommendedCandidatesOut,
    summary="Candidates recommended for a project: applicants first (its supervisors, officers)",
)
@api_permission("recommendations.view_recommended_candidates", obj=_project)
def recommendations_for_project(request: HttpRequest, project_id: int, limit: int = 10):
    project = request.permission_object
    rows = recommended_candidates(project=project, k=_limit(limit))
    items = []
    for r in rows:
        profile = r.candidate.candidate_profile
        item = {
            "rank": r.rank,
            "score": r.score,
            "applied": r.applied,
            "level": profile.level,
            "home_organisation": profile.home_organisation.display_name,
            # Candidates who have not applied show only their public profile summary.
            "explanation": _explanation(r.explanation, sentences=r.applied),
        }
        if r.applied:
            item.update(candidate_id=r.candidate.pk, display_name=str(r.candidate))
        items.append(item)
    return {"items": items, "count": len(items)}


@router.public_get(
    "/search",
    response=SearchOut,
    summary="Search projects, people by expertise and organisations (en/fr/ja)",
)
@api_permission("recommendations.view_search")
def search_endpoint(request: HttpRequest, q: str = ""):
    q = q.strip()[:200]
    if not getattr(request.user, "is_authenticated", False):
        # Anonymous answers are kept whole by PublicAnswerCacheMiddleware.
        return _search_answer(request, q)
    # A signed-in caller's answer is kept per set of what they may see (as the page's).
    return versioned(
        "api:search",
        (repr((q, get_language() or "", search_visibility(request=request))),),
        lambda: _search_answer(request, q),
        request=request,
    )


def _search_answer(request: HttpRequest, q: str) -> dict:
    results = search(user=request.user, q=q)
    labels = {
        "projects": lambda o: o.title,
        "people": str,
        "organisations": lambda o: o.display_name,
    }
    out: dict = {"query": q}
    for kind, hits in results.items():
        out[kind] = [
            {
                "kind": kind,
                "id": h.obj.pk,
                "label": labels[kind](h.obj),
                "snippet_html": h.snippet_html,
                "score": h.score,
                "close": h.close,
            }
            for h in hits
        ]
    return out


@router.get(
    "/jobs/{int:job_id}",
    response=JobOut,
    summary="A background job's progress (officers, or the job's creator)",
)
@api_permission("jobs.view_job")
def job_detail(request: HttpRequest, job_id: int):
    return job_get_visible(user=request.user, pk=job_id)


def _job(request: HttpRequest, job_id: int, **_kwargs):
    return job_get_visible(user=request.user, pk=job_id)


@router.post(
    "/jobs/{int:job_id}/retry",
    response=JobOut,
    summary="Queue a failed background job again (officers)",
)
@api_permission(
    "jobs.retry_job",
    obj=_job,
    message=gettext_lazy("Only program officers retry background jobs."),
)
def job_retry_endpoint(request: HttpRequest, job_id: int):
    return job_retry(job=request.permission_object, user=request.user)
