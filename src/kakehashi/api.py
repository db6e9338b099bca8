"""The JSON API under /api/v1/ (django-ninja). Routers live in each app's api.py.

OpenAPI document: /api/v1/openapi.json; interactive docs (Swagger UI served
from the app's own static files, no CDN): /api/v1/docs.
"""

from __future__ import annotations

import functools

from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from kakehashi.applications.api import router as applications_router
from kakehashi.core.api import (
    AUTH,
    JSONParser,
    install_error_handlers,
    not_allowed_response,
    not_found_response,
)
from kakehashi.documents.api import router as documents_router
from kakehashi.funding.api import router as funding_router
from kakehashi.internships.api import router as internships_router
from kakehashi.matching.api import router as matching_router
from kakehashi.mobility.api import router as mobility_router
from kakehashi.network.api import router as network_router
from kakehashi.offers.api import router as offers_router
from kakehashi.organisations.api import router as organisations_router
from kakehashi.outcomes.api import router as outcomes_router
from kakehashi.people.api import router as people_router
from kakehashi.programs.api import router as programs_router
from kakehashi.projects.api import router as projects_router
from kakehashi.recommendations.api import router as recommendations_router
from kakehashi.reports.api import router as reports_router
from kakehashi.research_fields.api import router as research_fields_router
from kakehashi.review.api import router as review_router


def _json_not_allowed(view):
    """Ninja answers an unsupported method with a plain-text 405; give it the error shape."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return not_allowed_response(request, response["Allow"])
        return response

    return wrapper


@csrf_exempt
def _unknown_route(request, *args, **kwargs):
    return not_found_response()


def _root(request):
    """``/api/v1/`` names the API and where its description lives."""
    if request.method not in ("GET", "HEAD"):
        return not_allowed_response(request, "GET, HEAD")
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "openapi": reverse("api-v1:openapi-json"),
            "docs": reverse("api-v1:openapi-view"),
        }
    )


class Renderer(JSONRenderer):
    # Names in kanji, kana and accented Latin stay readable in the answers.
    json_dumps_params = {"ensure_ascii": False}


class KakehashiAPI(NinjaAPI):
    def _get_urls(self):
        # Ninja's own root view answers an HTML 404; ours answers JSON.
        patterns = [p for p in super()._get_urls() if p.name != "api-root"]
        patterns.append(path("", csrf_exempt(_root), name="api-root"))
        for pattern in patterns:
            pattern.callback = _json_not_allowed(pattern.callback)
        # Anything else under /api/v1/ is a JSON 404, not the HTML page.
        # [\s\S], not ".": a path holding a newline (%0A) is unknown too, not the HTML 404.
        return [*patterns, re_path(r"^[\s\S]*\Z", _unknown_route, name="unknown")]


api = KakehashiAPI(
    title="Kakehashi API",
    version="1",
    description=(
        "The JSON API of Kakehashi. Authenticate with `Authorization: Bearer <token>` "
        "(create a token with POST /api/v1/me/tokens) or the browser session. "
        'Every error answers `{"error": {"status", "code", "message", '
        '"fields"?, "rows"?}}`. Lists take `limit`/`offset` and answer '
        '`{"items": [...], "count": total}`.'
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    # No validator badge: it would call validator.swagger.io from the browser.
    docs=Swagger(settings={"validatorUrl": None}),
    renderer=Renderer(),
    parser=JSONParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)

api.add_router("/", people_router, tags=["people"])
api.add_router("/", organisations_router, tags=["organisations"])
api.add_router("/", research_fields_router, tags=["research fields"])
api.add_router("/", programs_router, tags=["programs and calls"])
api.add_router("/", projects_router, tags=["projects"])
api.add_router("/", applications_router, tags=["applications and rankings"])
api.add_router("/", recommendations_router, tags=["recommendations and search"])
api.add_router("/", matching_router, tags=["match runs and offers"])
api.add_router("/", offers_router, tags=["match runs and offers"])
api.add_router("/", documents_router, tags=["documents and reference letters"])
api.add_router("/", outcomes_router, tags=["outcomes"])
api.add_router("/", reports_router, tags=["reports and surveys"])
api.add_router("/", network_router, tags=["network"])
api.add_router("/", funding_router, tags=["funding"])
api.add_router("/", review_router, tags=["proposal review"])
api.add_router("/", mobility_router, tags=["mobility: visas, permits, insurance, travel"])
api.add_router("/", internships_router, tags=["internships and agreements"])
