"""Officers' pages of the match: runs of a call, one run, two runs compared, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kakehashi.core.enums import Direction
from kakehashi.core.permissions import permission_required
from kakehashi.core.templatetags.kakehashi import country_name, region_name
from kakehashi.core.views import form_add_service_error, render_page_or_fragment
from kakehashi.matching import charts
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.exports import CONTENT_TYPES, audit_export, run_export
from kakehashi.matching.forms import (
    CALL_CAPS,
    ENGINE_MODE_LABELS,
    RunStartForm,
    SecondRoundForm,
)
from kakehashi.matching.models import MatchRun
from kakehashi.matching.selectors import (
    FLOW_DIMENSIONS,
    labels_for,
    published_run,
    run_compare,
    run_get_visible,
    run_list,
)
from kakehashi.matching.services import run_publish, run_start, run_start_second_round
from kakehashi.organisations.enums import OrganisationType
from kakehashi.programs.models import Call
from kakehashi.programs.selectors import call_get_visible

REASONS = {
    "not_ranked_by_host": gettext_lazy("the host did not rank this candidate"),
    "project_full": gettext_lazy("the project was full with candidates its host ranked higher"),
    "supervisor_full": gettext_lazy(
        "the supervisor's places went to candidates they ranked higher"
    ),
    "organisation_full": gettext_lazy("the organisation's places went to other candidates"),
    "group_cap_reached": gettext_lazy("the cap of its region, sector or direction was reached"),
    "blocking_pair": gettext_lazy("the place went to another candidate to place more people"),
}
UNMATCHED_REASONS = {
    "empty_list": gettext_lazy("ranked no project"),
    "not_ranked": gettext_lazy("no host of a ranked project ranked this candidate"),
    "full": gettext_lazy("every ranked project was full with candidates ranked higher"),
    "mixed": gettext_lazy("some hosts did not rank this candidate; the other projects were full"),
}
WARNINGS = {
    "short_rank_list": gettext_lazy("Candidates with a short rank list (fewer than 3 choices)"),
    "unmatched": gettext_lazy("Candidates without a placement"),
    "ranked_project_whose_host_did_not_rank_student": gettext_lazy(
        "Candidates who ranked a project whose host did not rank them"
    ),
    "groups_ignored_outside_flexible_mode": gettext_lazy(
        "Caps were ignored: they apply only in the mode with caps"
    ),
    "project_without_supervisor": gettext_lazy(
        "Projects without a supervisor (nobody can be placed there)"
    ),
    "supervisor_without_ranking": gettext_lazy("Supervisors who ranked nobody"),
}
METRICS = {
    "placements": gettext_lazy("Placements"),
    "unmatched": gettext_lazy("Candidates without a placement"),
    "mean_rank": gettext_lazy("Mean rank (1 = first choice)"),
    "blocking_pairs": gettext_lazy("Blocking pairs"),
    "candidates": gettext_lazy("Candidates"),
}
FLOW_TITLES = {
    "direction": gettext_lazy("Placements per direction"),
    "country": gettext_lazy("Placements per host country"),
    "sector": gettext_lazy("Placements per sector"),
    "region": gettext_lazy("Placements per host region"),
}
EXPORT_FORMATS = ("csv", "xlsx", "json")


def flow_label(dim: str, key: str) -> str:
    """A flow key in the viewer's language."""
    if dim == "direction" and key in Direction.values:
        return str(Direction(key).label)
    if dim == "sector" and key in OrganisationType.values:
        return str(OrganisationType(key).label)
    if dim == "country":
        return country_name(key)
    if dim == "region":
        return region_name(key)
    return key


def _call_or_404(user, slug: str) -> Call:
    try:
        return call_get_visible(user=user, slug=slug)
    except Call.DoesNotExist as exc:
        raise Http404 from exc


def _run_or_404(user, pk: int) -> MatchRun:
    try:
        return run_get_visible(user=user, pk=pk)
    except MatchRun.DoesNotExist as exc:
        raise Http404 from exc


# ---------------------------------------------------------------- runs of a call


def _runs_context(call: Call, form=None, second_form=None) -> dict[str, Any]:
    runs = list(run_list(call=call))
    round_one = next((r for r in runs if r.round == 1 and r.is_published), None)
    round_two = next((r for r in runs if r.round == 2 and r.is_published), None)
    policy = call.match_policy or {}
    initial = {
        "mode": policy.get("mode", "student"),
        "seed": policy.get("seed", 0),
        "cap_by": CALL_CAPS if policy.get("caps") else "",
    }
    return {
        "call": call,
        "runs": runs,
        "done_runs": [r for r in runs if r.status == RunStatus.DONE],
        "form": form or RunStartForm(initial=initial),
        "second_form": second_form or SecondRoundForm(),
        "round_one": round_one,
        "round_two": round_two,
        "mode_labels": ENGINE_MODE_LABELS,
        "call_caps": policy.get("caps") or [],
    }


@permission_required("matching.add_matchrun")
def runs_view(request, slug: str):
    """The runs of a call and the form that starts one (POST)."""
    call = _call_or_404(request.user, slug)
    form = None
    if request.method == "POST":
        form = RunStartForm(request.POST)
        if form.is_valid():
            try:
                run = run_start(
                    call=call,
                    policy=form.policy(),
                    label=form.cleaned_data["label"],
                    user=request.user,
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("The run has started."))
                return redirect("matching:run", pk=run.pk)
    return render(request, "matching/runs.html", _runs_context(call, form=form))


@require_POST
@permission_required("matching.add_matchrun")
def second_round_view(request, slug: str):
    """Start round two from the published run of round one."""
    call = _call_or_404(request.user, slug)
    form = SecondRoundForm(request.POST)
    base = published_run(call=call, round=1)
    if base is None:
        messages.error(request, _("Round two starts from the published run of round one."))
        return redirect("matching:runs", slug=call.slug)
    if form.is_valid():
        try:
            run = run_start_second_round(
                call=call,
                base_run=base,
                user=request.user,
                mode=form.cleaned_data["mode"],
                seed=form.cleaned_data["seed"],
                label=form.cleaned_data["label"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Round two has started."))
            return redirect("matching:run", pk=run.pk)
    return render(request, "matching/runs.html", _runs_context(call, second_form=form))


# ---------------------------------------------------------------- one run


def _percent(filled: int, capacity: int | None) -> int:
    return round(100 * filled / capacity) if capacity else 0


def run_context(run: MatchRun) -> dict[str, Any]:
    """Everything the run page shows, names fetched in one query per kind."""
    summary = run.summary or {}
    context: dict[str, Any] = {
        "run": run,
        "job": run.job,
        "summary": summary,
        "mode_label": ENGINE_MODE_LABELS.get(run.mode, run.mode),
        "finished": run.status in (RunStatus.DONE, RunStatus.FAILED),
        "round_published": None,
    }
    if run.status != RunStatus.DONE:
        return context
    unmatched = summary.get("unmatched_candidates", [])
    labels = labels_for(
        candidates=[u["candidate"] for u in unmatched],
        projects=[p["project"] for p in summary.get("projects", [])],
        organisations=[o["organisation"] for o in summary.get("organisations", [])],
    )
    context["projects"] = [
        {
            **row,
            "obj": labels["p"].get(row["project"]),
            "percent": _percent(row["filled"], row["capacity"]),
        }
        for row in summary.get("projects", [])
    ]
    context["organisations"] = [
        {
            **row,
            "obj": labels["o"].get(row["organisation"]),
            "percent": _percent(row["filled"], row["places"]),
        }
        for row in summary.get("organisations", [])
    ]
    context["unmatched"] = [
        {
            **row,
            "person": labels["c"].get(row["candidate"]),
            "reason_text": UNMATCHED_REASONS.get(row["reason"], row["reason"]),
            "choices": [
                {
                    **c,
                    "obj": labels["p"].get(c["project"]),
                    "reason_text": REASONS.get(c["reason"], c["reason"]),
                }
                for c in row["choices"]
            ],
        }
        for row in unmatched
    ]
    context["warnings"] = [
        {**w, "text": WARNINGS.get(w["kind"], w["kind"])} for w in summary.get("warnings", [])
    ]
    distribution = sorted(summary.get("rank_distribution", {}).items(), key=lambda kv: int(kv[0]))
    context["rank_rows"] = [{"rank": int(r), "count": n} for r, n in distribution]
    context["rank_chart"] = charts.bar_chart(
        id=f"ranks-{run.pk}",
        title=_("Placements by rank of the project in the candidate's list"),
        description=_("Bars: how many candidates got their first, second, … choice."),
        rows=[(_("Choice %(rank)s") % {"rank": r}, (n,)) for r, n in distribution],
    )
    context["flows"] = [
        {
            "dim": dim,
            "title": FLOW_TITLES[dim],
            "rows": [
                {"label": flow_label(dim, k), "count": n}
                for k, n in summary.get("flows", {}).get(dim, {}).items()
            ],
        }
        for dim in FLOW_DIMENSIONS
    ]
    published = published_run(call=run.call, round=run.round)
    context["round_published"] = published
    return context


@permission_required("matching.view_matchrun")
def run_view(request, pk: int):
    """One run: its progress while it runs (the fragment polls itself), then the
    certificate, fill, rank distribution, unmatched candidates and warnings."""
    run = _run_or_404(request.user, pk)
    return render_page_or_fragment(
        request, "matching/run.html", "matching/_run_body.html", run_context(run)
    )


@require_POST
@permission_required("matching.publish_matchrun")
def run_publish_view(request, pk: int):
    run = _run_or_404(request.user, pk)
    try:
        run_publish(run=run, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The run is published and its offers have been made."))
    return redirect("matching:run", pk=run.pk)


# ---------------------------------------------------------------- two runs


def _run_of_call(user, call: Call, value: str | None) -> MatchRun | None:
    if not value:
        return None
    try:
        run = run_get_visible(user=user, pk=int(value))
    except (MatchRun.DoesNotExist, ValueError):
        return None
    return run if run.call_id == call.pk else None


@permission_required("matching.view_matchrun")
def compare_view(request, slug: str):
    """Two runs side by side: who moves, the figures and the flows, with charts."""
    call = _call_or_404(request.user, slug)
    done = [r for r in run_list(call=call) if r.status == RunStatus.DONE]
    a = _run_of_call(request.user, call, request.GET.get("a"))
    b = _run_of_call(request.user, call, request.GET.get("b"))
    context: dict[str, Any] = {"call": call, "done_runs": done, "a": a, "b": b, "error": None}
    if a is not None and b is not None:
        try:
            data = run_compare(a=a, b=b)
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            context.update(_compare_context(a, b, data))
    elif request.GET.get("a") or request.GET.get("b"):
        context["error"] = _("Choose two runs of this call.")
    return render(request, "matching/compare.html", context)


def _compare_context(a: MatchRun, b: MatchRun, data: dict[str, Any]) -> dict[str, Any]:
    moves = data["moves"]
    labels = labels_for(
        candidates=[m["candidate"] for m in moves],
        projects=[m[k] for m in moves for k in ("a", "b") if m[k]],
    )
    series = ("a", "b")
    flows = []
    for dim in FLOW_DIMENSIONS:
        rows = [
            {"label": flow_label(dim, r["key"]), "a": r["a"], "b": r["b"]}
            for r in data["flows"][dim]
        ]
        flows.append(
            {
                "dim": dim,
                "title": FLOW_TITLES[dim],
                "rows": rows,
                "chart": charts.bar_chart(
                    id=f"flow-{dim}",
                    title=str(FLOW_TITLES[dim]),
                    description=_("Pairs of bars: run %(a)s, then run %(b)s.")
                    % {"a": a.pk, "b": b.pk},
                    rows=[(r["label"], (r["a"], r["b"])) for r in rows],
                    series=series,
                ),
            }
        )
    ranks = data["rank_distribution"]
    return {
        "data": data,
        "metrics": [
            {**m, "label": METRICS[m["metric"]], "values": (m["a"], m["b"], m["delta"])}
            for m in data["metrics"]
        ],
        "moves": [
            {
                **m,
                "person": labels["c"].get(m["candidate"]),
                "project_a": labels["p"].get(m["a"]) if m["a"] else None,
                "project_b": labels["p"].get(m["b"]) if m["b"] else None,
            }
            for m in moves
        ],
        "flows": flows,
        "rank_rows": ranks,
        "rank_chart": charts.bar_chart(
            id="ranks",
            title=_("Placements by rank of the project in the candidate's list"),
            description=_("Pairs of bars: run %(a)s, then run %(b)s.") % {"a": a.pk, "b": b.pk},
            rows=[(_("Choice %(rank)s") % {"rank": r["rank"]}, (r["a"], r["b"])) for r in ranks],
            series=series,
        ),
    }


# ---------------------------------------------------------------- files


def _file(content: bytes, name: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission_required("matching.view_matchrun")
def run_export_view(request, pk: int, fmt: str):
    """The run's assignments: candidate, project, rank, host, supervisor."""
    run = _run_or_404(request.user, pk)
    if run.status != RunStatus.DONE:
        raise Http404
    content, name = run_export(run=run, fmt=fmt)
    return _file(content, name, fmt)


@permission_required("matching.view_auditevent")
def audit_export_view(request, slug: str, fmt: str):
    """The call's audit record, oldest first."""
    call = _call_or_404(request.user, slug)
    content, name = audit_export(call=call, fmt=fmt)
    return _file(content, name, fmt)
