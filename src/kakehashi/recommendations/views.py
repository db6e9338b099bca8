"""Pages: recommendations for candidates and supervisors, the search box, refresh jobs."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kakehashi.core.cache import visible_fragment
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import missing_is_404, render_page_or_fragment
from kakehashi.jobs.models import Job
from kakehashi.jobs.views import job_retry_answer
from kakehashi.projects.models import Project
from kakehashi.recommendations.selectors import (
    has_close_match,
    job_get_visible,
    project_for_recommendations,
    recommended_candidates,
    recommended_projects,
    search,
    search_visibility,
)
from kakehashi.recommendations.services import REFRESH
from kakehashi.recommendations.tasks import refresh_job_start


@permission_required("recommendations.view_recommended_projects")
def recommended_for_me(request):
    """Projects of open calls the candidate may apply to, best first, each explained.
    The list is a cached fragment (core.cache) per candidate: the recommendations read
    only data the version covers (`recommended_projects`)."""

    def list_html():
        return visible_fragment(
            request,
            "recommendations:for-me",
            lambda: render_to_string(
                "recommendations/_for_me_list.html",
                {"recommendations": recommended_projects(user=request.user, k=10)},
                request,
            ),
            visible=lambda: request.user.pk,
        )

    return render(request, "recommendations/for_me.html", {"list_html": list_html})


def _project_visible(request, key: str) -> Project:
    return project_for_recommendations(user=request.user, key=key)


@permission_required("recommendations.view_recommended_candidates", obj=_project_visible)
def project_recommended_candidates(request, key: str):
    """Candidates for one project: supervisors of the project and officers only."""
    project = request.permission_object
    rows = recommended_candidates(project=project, k=10)
    context = {
        "project": project,
        "applicants": [r for r in rows if r.applied],
        "others": [r for r in rows if not r.applied],
    }
    return render(request, "recommendations/candidates.html", context)


def _search_context(request, q: str) -> dict:
    results = search(user=request.user, q=q) if q else None
    close = {kind: has_close_match(hits) for kind, hits in (results or {}).items()}
    return {"q": q, "results": results, "close": close}


@permission_required("recommendations.view_search")
def search_page(request):
    """One box: projects, people by expertise and organisations, in en/fr/ja."""
    q = request.GET.get("q", "").strip()[:200]

    def results_html():
        # Called by the template; results are cached (core.cache) per set of what the
        # viewer may see: the same for every anonymous visitor, for most candidates…
        return visible_fragment(
            request,
            "search:results",
            lambda: render_to_string(
                "recommendations/_search_results.html",
                _search_context(request, q),
                request,
            ),
            visible=lambda: search_visibility(request=request),
        )

    return render_page_or_fragment(
        request,
        "recommendations/search.html",
        "recommendations/_search_results_held.html",
        {"q": q, "results_html": results_html},
    )


def _job_or_404(user, pk: int) -> Job:
    with missing_is_404(Job):
        return job_get_visible(user=user, pk=pk, kind=REFRESH)


@permission_required("jobs.view_job")
def job_status(request, pk: int):
    """A refresh job's progress; the fragment polls itself every second until it ends."""
    job = _job_or_404(request.user, pk)
    return render_page_or_fragment(
        request, "recommendations/job.html", "recommendations/_job_status.html", {"job": job}
    )


def _job_visible(request, pk: int) -> Job:
    return job_get_visible(user=request.user, pk=pk, kind=REFRESH)


@require_POST
@permission_required("jobs.retry_job", obj=_job_visible)
def job_retry_view(request, pk: int):
    """Queue a failed refresh again and go back to its progress."""
    return job_retry_answer(
        request, success=_("The job is queued again."), to="recommendations:job", pk=pk
    )


@permission_required("recommendations.view_embeddings")
def embeddings_overview(request):
    """Officers: the recent refresh jobs and a button to start one."""
    jobs = Job.objects.filter(kind=REFRESH).select_related("created_by")[:10]
    return render(request, "recommendations/embeddings.html", {"jobs": jobs})


@require_POST
@permission_required("recommendations.refresh_embeddings")
def embeddings_refresh_start(request):
    job = refresh_job_start(user=request.user)
    return redirect("recommendations:job", pk=job.pk)
