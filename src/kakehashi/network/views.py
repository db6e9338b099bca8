"""The network pages: the officers' view (graph, table, conduits, flows, exports) and
the public page (aggregates and organisations only)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import kakehashi_network as kn
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import missing_is_404, render_page_or_fragment
from kakehashi.jobs.models import Job
from kakehashi.network.selectors import (
    SECTOR_OF,
    graph_elements,
    network_history,
    public_summary,
    snapshot_latest,
)
from kakehashi.network.services import MEASURE_JOB, network_measure_start
from kakehashi_network.export import to_csv, to_gexf, to_graphml

SECTORS = sorted(set(SECTOR_OF.values()))
EXPORTS = {
    "gexf": (to_gexf, "application/gexf+xml"),
    "graphml": (to_graphml, "application/graphml+xml"),
    "csv": (to_csv, "text/csv; charset=utf-8"),
}


def _int(value: str | None) -> int | None:
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if 1900 <= year <= 2200 else None


def _filters(request) -> dict:
    g = request.GET
    sector = g.get("sector", "")
    country = g.get("country", "")
    return {
        "year_from": _int(g.get("year_from")),
        "year_to": _int(g.get("year_to")),
        "sector": sector if sector in SECTORS else "",
        "country": country if country in ("CA", "JP") else "",
        "region": g.get("region", "")[:6],
    }


def chart(years: list[dict], key: str, *, width: int = 600, height: int = 160) -> dict:
    """Bars of ``key`` per year, as coordinates for an inline SVG (no script needed)."""
    if not years:
        return {"bars": [], "width": width, "height": height}
    top = max(1, max(y[key] for y in years))
    step = width / len(years)
    bars = []
    for i, y in enumerate(years):
        h = round((height - 20) * y[key] / top, 1)
        bars.append(
            {
                "x": round(i * step + 2, 1),
                "y": round(height - 20 - h, 1),
                "w": round(max(step - 4, 1), 1),
                "h": h,
                "label": y["year"],
                "value": y[key],
                "tx": round(i * step + step / 2, 1),
            }
        )
    return {"bars": bars, "width": width, "height": height}


@permission_required("network.view_network")
def network_officer(request):
    """Officers: the latest measures, the graph with its table, conduits, flows, exports."""
    snapshot = snapshot_latest()
    context = {"snapshot": snapshot, "filters": _filters(request), "sectors": SECTORS}
    if snapshot is not None:
        summary = public_summary(snapshot)
        graph = graph_elements(snapshot, **context["filters"])
        people = {int(c["person"].split(":")[1]) for c in snapshot.result["conduits"]}
        users = get_user_model().objects.in_bulk(list(people))
        conduits = []
        for c in snapshot.result["conduits"]:
            user = users.get(int(c["person"].split(":")[1]))
            conduits.append(
                {
                    "person": user,
                    "year": c["year"],
                    "ties": [
                        [snapshot.names.get(o, {}).get("name", o) for o in pair]
                        for pair in c["ties"]
                    ],
                }
            )
        context.update(
            summary=summary,
            graph=graph,
            conduits=conduits,
            chart=chart(summary["years"], "ties_new"),
        )
    context["jobs"] = Job.objects.filter(kind=MEASURE_JOB).select_related("created_by")[:5]
    return render(request, "network/officer.html", context)


@permission_required("network.view_network")
def network_graph(request):
    """The graph view's data: organisations and ties passing the filters (JSON)."""
    snapshot = snapshot_latest()
    if snapshot is None:
        return JsonResponse({"nodes": [], "edges": [], "organisations_matching": 0,
                             "organisations_left_out": 0})  # fmt: skip
    return JsonResponse(graph_elements(snapshot, **_filters(request)))


@permission_required("network.view_network")
def network_export(request, fmt: str):
    """The whole history's tie graph now, as GEXF, GraphML or a CSV edge list."""
    if fmt not in EXPORTS:
        return HttpResponse(status=404)
    write, content_type = EXPORTS[fmt]
    body = write(kn.History.from_dict(network_history()))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="kakehashi-network.{fmt}"'
    return response


@require_POST
@permission_required("network.measure_network")
def network_measure(request):
    job = network_measure_start(user=request.user)
    return redirect("network:job", pk=job.pk)


@permission_required("network.view_network")
def network_job(request, pk: int):
    """A measuring job's progress; the fragment polls itself until it ends."""
    with missing_is_404(Job):
        job = Job.objects.get(pk=pk, kind=MEASURE_JOB)
    return render_page_or_fragment(
        request, "network/job.html", "network/_job_status.html", {"job": job}
    )


@permission_required("network.view_public_network")
def network_public(request):
    """Anyone: the partnership's ties in aggregate, never a person."""
    snapshot = snapshot_latest()
    context: dict = {"snapshot": snapshot, "title": _("The partnership's network")}
    if snapshot is not None:
        summary = public_summary(snapshot)
        context.update(summary=summary, chart=chart(summary["years"], "ties_new"))
    return render(request, "network/public.html", context)
