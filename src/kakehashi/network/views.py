"""The network pages: the officers' view (graph, table, conduits, flows, exports) and
the public page (aggregates and organisations only)."""

from __future__ import annotations

import threading

from django.contrib.auth import get_user_model
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import kakehashi_network as kn
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import missing_is_404, render_page_or_fragment
from kakehashi.jobs.models import Job
from kakehashi.matching.charts import bar_chart
from kakehashi.network.models import NetworkSnapshot
from kakehashi.network.regionmap import flow_map
from kakehashi.network.selectors import (
    GRAPH_FIELDS,
    SECTOR_OF,
    SUMMARY_FIELDS,
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


def _person_pk(conduit: dict) -> int | None:
    kind, _sep, pk = conduit["person"].partition(":")
    return int(pk) if kind == "person" and pk.isdigit() else None


#: The latest snapshot's parsed ties, names and measures, kept per process: at a national
#: program's size they are ~100,000 ties whose reading and parsing was most of a
#: filtered graph's time (0.3-0.5 s of its 0.5 s). A new snapshot replaces them.
_graph_cache: dict[str, object] = {}
_graph_lock = threading.Lock()


def _graph_data() -> dict | None:
    """What a filtered graph is computed from: the latest snapshot's ties, names, measures."""
    latest = snapshot_latest("id", "created_at")
    if latest is None:
        return None
    # Keyed by the time too: a database rolled back (tests) may give an id again.
    key = (latest.pk, latest.created_at)
    with _graph_lock:
        if _graph_cache.get("key") != key:
            snapshot = NetworkSnapshot.objects.only(*GRAPH_FIELDS).get(pk=latest.pk)
            _graph_cache.update(
                key=key,
                data={
                    "ties": snapshot.ties,
                    "names": snapshot.names,
                    "measures": snapshot.measures,
                },
            )
        return _graph_cache["data"]


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


def ties_chart(years: list[dict]):
    """New ties per year, drawn by the charts' shared helper (inline SVG, no script)."""
    return bar_chart(
        id="ties-chart",
        title=_("New ties per year"),
        description=_("Ties created each year: the first time anything linked two organisations."),
        rows=[(str(y["year"]), (y["ties_new"],)) for y in years],
    )


@permission_required("network.view_network")
def network_officer(request):
    """Officers: the latest measures, the graph with its table, conduits, flows, exports."""
    filters = _filters(request)
    snapshot = snapshot_latest(*SUMMARY_FIELDS, "graph", "conduits_recent")
    context = {"snapshot": snapshot, "filters": filters, "sectors": SECTORS}
    if snapshot is not None:
        summary = public_summary(snapshot)
        if any(v not in (None, "") for v in filters.values()):
            graph = graph_elements(**_graph_data(), **filters)
        else:
            graph = snapshot.graph
        shown = snapshot.conduits_recent
        users = get_user_model().objects.in_bulk([p for c in shown if (p := _person_pk(c))])
        conduits = [
            {
                "person": users.get(_person_pk(c)),
                "year": c["year"],
                "ties": c["tie_names"],
            }
            for c in shown
        ]
        context.update(
            summary=summary,
            graph=graph,
            conduits=conduits,
            conduits_total=summary["conduits"],
            chart=ties_chart(summary["years"]),
            flow_map=flow_map(summary["flows"], get_language() or "en"),
        )
    context["jobs"] = Job.objects.filter(kind=MEASURE_JOB).select_related("created_by")[:5]
    return render(request, "network/officer.html", context)


@permission_required("network.view_network")
def network_graph(request):
    """The graph view's data: organisations and ties passing the filters (JSON)."""
    filters = _filters(request)
    if not any(v not in (None, "") for v in filters.values()):
        snapshot = snapshot_latest("graph")
        if snapshot is not None:
            return JsonResponse(snapshot.graph)
    data = _graph_data()
    if data is None:
        return JsonResponse({"nodes": [], "edges": [], "organisations_matching": 0,
                             "organisations_left_out": 0})  # fmt: skip
    return JsonResponse(graph_elements(**data, **filters))


@permission_required("network.view_network")
def network_export(request, fmt: str):
    """The whole history's tie graph now, as GEXF, GraphML or a CSV edge list."""
    if fmt not in EXPORTS:
        return HttpResponse(status=404)
    return export_response(fmt)


def export_response(fmt: str) -> HttpResponse:
    """The tie graph of the history now, as an attachment (pages and API alike)."""
    write, content_type = EXPORTS[fmt]
    response = HttpResponse(
        write(kn.History.from_dict(network_history())), content_type=content_type
    )
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
    snapshot = snapshot_latest(*SUMMARY_FIELDS)
    context: dict = {"snapshot": snapshot, "title": _("The partnership's network")}
    if snapshot is not None:
        summary = public_summary(snapshot)
        context.update(
            summary=summary,
            chart=ties_chart(summary["years"]),
            flow_map=flow_map(summary["flows"], get_language() or "en"),
        )
    return render(request, "network/public.html", context)
