"""What the run page and the comparison page show, shaped from the runs' plain data.

Views load and check; these functions turn a run (or two) into the template's
context: engine ids become people, projects and organisations (one query per kind),
codes become sentences in the reader's language, counts become charts.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kakehashi.core.enums import Direction
from kakehashi.core.templatetags.kakehashi import country_name
from kakehashi.matching import charts
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.labels import (
    ENGINE_MODE_LABELS,
    EXCHANGE_LEVEL_LABELS,
    REASONS,
    UNMATCHED_REASONS,
    WARNINGS,
)
from kakehashi.matching.models import MatchRun
from kakehashi.matching.selectors import (
    FLOW_DIMENSIONS,
    labels_for,
    published_run,
    run_compare,
)
from kakehashi.organisations.enums import OrganisationType
from kakehashi.organisations.regions import region_name

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
#: The two series of every comparison chart.
SERIES = ("a", "b")


def flow_label(dim: str, key: str) -> str:
    """A flow key in the viewer's language."""
    if dim == "direction" and key in Direction.values:
        return str(Direction(key).label)
    if dim == "sector" and key in OrganisationType.values:
        return str(OrganisationType(key).label)
    if dim == "country":
        return country_name(key)
    if dim == "region":
        return region_name(key, get_language())
    return key


def _percent(filled: int, capacity: int | None) -> int:
    return round(100 * filled / capacity) if capacity else 0


def _ranks_title() -> str:
    return _("Placements by rank of the project in the candidate's list")


def _pairs_description(a: MatchRun, b: MatchRun) -> str:
    return _("Pairs of bars: run %(a)s, then run %(b)s.") % {"a": a.pk, "b": b.pk}


# ---------------------------------------------------------------- one run


def run_page(run: MatchRun) -> dict[str, Any]:
    """Everything the run page shows, names fetched in one query per kind.

    While the run is queued or running: its job and mode only. Once done: the
    fill of projects and organisations, unmatched candidates with the reason for
    each of their choices, warnings, the rank distribution and the flows.
    """
    summary = run.summary or {}
    context: dict[str, Any] = {
        "run": run,
        "job": run.job,
        "summary": summary,
        "mode_label": ENGINE_MODE_LABELS.get(run.mode, run.mode),
        "policy_exchange": _policy_exchange(run.policy),
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
    distribution = sorted(summary.get("rank_distribution", {}).items(), key=lambda kv: int(kv[0]))
    context.update(
        {
            "projects": [
                {
                    **row,
                    "obj": labels["p"].get(row["project"]),
                    "percent": _percent(row["filled"], row["capacity"]),
                }
                for row in summary.get("projects", [])
            ],
            "organisations": [
                {
                    **row,
                    "obj": labels["o"].get(row["organisation"]),
                    "percent": _percent(row["filled"], row["places"]),
                }
                for row in summary.get("organisations", [])
            ],
            "unmatched": [_unmatched_row(row, labels) for row in unmatched],
            "warnings": [
                {**w, "text": WARNINGS.get(w["kind"], w["kind"])}
                for w in summary.get("warnings", [])
            ],
            "rank_rows": [{"rank": int(r), "count": n} for r, n in distribution],
            "rank_chart": charts.bar_chart(
                id=f"ranks-{run.pk}",
                title=_ranks_title(),
                description=_("Bars: how many candidates got their first, second, … choice."),
                rows=[(_("Choice %(rank)s") % {"rank": r}, (n,)) for r, n in distribution],
            ),
            "flows": [
                {
                    "dim": dim,
                    "title": FLOW_TITLES[dim],
                    "rows": [
                        {"label": flow_label(dim, k), "count": n}
                        for k, n in summary.get("flows", {}).get(dim, {}).items()
                    ],
                }
                for dim in FLOW_DIMENSIONS
            ],
            "round_published": published_run(call=run.call, round=run.round),
            "exchange": _exchange_figures(summary.get("exchange"), _unit_organisations(summary)),
            "exchange_countries": [
                {**r, "label": flow_between(r["home"], r["host"])}
                for r in (summary.get("exchange_flows") or {}).get("countries", [])
            ],
        }
    )
    return context


def _unit_organisations(summary: dict[str, Any]) -> dict[str, Any]:
    units = (summary.get("exchange") or {}).get("units", {})
    return labels_for(organisations=_organisation_units(units))["o"]


def _policy_exchange(policy: dict[str, Any] | None) -> dict[str, Any] | None:
    exchange = (policy or {}).get("exchange")
    if not exchange:
        return None
    return {**exchange, "label": EXCHANGE_LEVEL_LABELS.get(exchange["level"], exchange["level"])}


def _unmatched_row(row: dict[str, Any], labels: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
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


# ---------------------------------------------------------------- two runs


def compare_page(*, a: MatchRun, b: MatchRun) -> dict[str, Any]:
    """Two finished runs of one call side by side: who moves, the figures and the
    flows, with charts. Raises ``ValidationError`` as :func:`run_compare` does."""
    data = run_compare(a=a, b=b)
    moves = data["moves"]
    labels = labels_for(
        candidates=[m["candidate"] for m in moves],
        projects=[m[k] for m in moves for k in SERIES if m[k]],
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
        "flows": [_compared_flow(dim, data["flows"][dim], a, b) for dim in FLOW_DIMENSIONS],
        "exchange": _compared_exchange(data["exchange"], a, b),
        "rank_rows": ranks,
        "rank_chart": charts.bar_chart(
            id="ranks",
            title=_ranks_title(),
            description=_pairs_description(a, b),
            rows=[(_("Choice %(rank)s") % {"rank": r["rank"]}, (r["a"], r["b"])) for r in ranks],
            series=SERIES,
        ),
    }


def flow_between(home: str, host: str) -> str:
    """“Canada → Japan”, in the viewer's language."""
    return _("%(home)s → %(host)s") % {"home": country_name(home), "host": country_name(host)}


def _organisation_units(units) -> list[str]:
    """The units that are organisations (``o12``), not countries."""
    return [u for u in units if u[:1] == "o" and u[1:].isdigit()]


def exchange_unit_label(unit: str, organisations: dict[str, Any]) -> str:
    """An exchange unit: a country (``CA``) or an organisation (``o12``)."""
    org = organisations.get(unit)
    if org is not None:
        return org.display_name
    return country_name(unit)


def _exchange_figures(ex: dict[str, Any] | None, organisations: dict[str, Any]) -> dict | None:
    """A run's balanced-exchange figures with each unit named (None: another mode)."""
    if not ex:
        return None
    return {
        **ex,
        "level": EXCHANGE_LEVEL_LABELS["country" if ex["balance"] == "groups" else "organisation"],
        "unit_rows": [
            {**row, "unit": uid, "label": exchange_unit_label(uid, organisations)}
            for uid, row in ex["units"].items()
        ],
    }


def _compared_exchange(data: dict[str, Any], a: MatchRun, b: MatchRun) -> dict[str, Any]:
    units = [u for side in ("a", "b") for u in ((data[side] or {}).get("units") or {})]
    orgs = [o["organisation"] for o in data["organisations"]] + _organisation_units(units)
    labels = labels_for(organisations=orgs)
    rows = [
        {**r, "label": flow_between(r["home"], r["host"]), "crossing": r["home"] != r["host"]}
        for r in data["countries"]
    ]
    return {
        "available": data["available"],
        "countries": rows,
        "organisations": [
            {**r, "obj": labels["o"].get(r["organisation"])} for r in data["organisations"]
        ],
        "sides": [
            {
                "figures": figures,
                "caption": _("Run %(side)s (run %(pk)s): exports and imports per side")
                % {"side": side.upper(), "pk": run.pk},
            }
            for side, run in (("a", a), ("b", b))
            if (figures := _exchange_figures(data[side], labels["o"])) is not None
        ],
        "chart": charts.bar_chart(
            id="flow-exchange",
            title=str(_("Placements by home country and host country")),
            description=_pairs_description(a, b),
            rows=[(r["label"], (r["a"], r["b"])) for r in rows],
            series=SERIES,
        ),
    }


def _compared_flow(dim: str, flow: list[dict[str, Any]], a: MatchRun, b: MatchRun) -> dict:
    rows = [{"label": flow_label(dim, r["key"]), "a": r["a"], "b": r["b"]} for r in flow]
    return {
        "dim": dim,
        "title": FLOW_TITLES[dim],
        "rows": rows,
        "chart": charts.bar_chart(
            id=f"flow-{dim}",
            title=str(FLOW_TITLES[dim]),
            description=_pairs_description(a, b),
            rows=[(r["label"], (r["a"], r["b"])) for r in rows],
            series=SERIES,
        ),
    }
