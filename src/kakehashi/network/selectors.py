"""Reads of the network: the history the engine measures, and the latest measures."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from kakehashi.internships.models import Internship
from kakehashi.network.models import NetworkSnapshot, RecordedActivity
from kakehashi.organisations.models import Organisation
from kakehashi.outcomes.models import Outcome
from kakehashi.people.enums import AffiliationRole
from kakehashi.people.models import Affiliation
from kakehashi.projects.enums import PUBLISHED
from kakehashi.projects.models import Project, ProjectSupervisor
from kakehashi_network import SECTORS


def _org(pk: int) -> str:
    return f"org:{pk}"


def _person(pk: int) -> str:
    return f"person:{pk}"


def network_history() -> dict[str, Any]:
    """The partnership's history in the network engine's format (docs/network.md).

    - every internship: its home university, host and industry partner, from home to
      host, in the year it starts; its people are the intern and the host supervisors;
    - every published project whose supervisors belong to more than one organisation
      (the host and their affiliations): co-supervision, in the year it starts;
    - every outcome (a publication, patent, hire, start-up, contract or award), in its year;
    - every recorded activity (the history before Kakehashi, ties officers learnt of).
    Queries: a fixed number, whatever the size of the history.
    """
    activities: list[dict[str, Any]] = []
    used: set[int] = set()
    supervisors: dict[int, list[int]] = defaultdict(list)
    for project_id, person_id in ProjectSupervisor.objects.order_by(
        "project_id", "order", "id"
    ).values_list("project_id", "person_id"):
        supervisors[project_id].append(person_id)

    internships = Internship.objects.order_by("start_date", "id").values_list(
        "pk", "start_date", "home_organisation_id", "host_id", "partner_id", "intern_id",
        "project_id",
    )  # fmt: skip
    for pk, start, home, host, partner, intern, project in internships:
        members = [o for o in dict.fromkeys([home, host, partner]) if o]
        used.update(members)
        activities.append(
            {
                "id": f"internship:{pk}",
                "year": start.year,
                "kind": "internship",
                "organisations": [_org(o) for o in members],
                "route": [_org(home), _org(host)] if home and home != host else None,
                "people": [_person(intern)] + [_person(p) for p in supervisors[project]],
            }
        )

    affiliated: dict[int, set[int]] = defaultdict(set)
    for person_id, org_id in (
        Affiliation.objects.exclude(role=AffiliationRole.STUDENT)
        .filter(person__supervisions__project__status__in=PUBLISHED)
        .values_list("person_id", "organisation_id")
        .distinct()
    ):
        affiliated[person_id].add(org_id)
    projects = Project.objects.filter(status__in=PUBLISHED).values_list(
        "pk", "start_date", "host_id"
    )
    for pk, start, host in projects.order_by("start_date", "id"):
        people = supervisors[pk]
        members = {host}
        for person in people:
            members |= affiliated[person]
        if len(members) < 2 or len(people) < 2:
            continue
        used.update(members)
        activities.append(
            {
                "id": f"co_supervision:{pk}",
                "year": start.year,
                "kind": "co_supervision",
                "organisations": [_org(o) for o in sorted(members)],
                "people": [_person(p) for p in people],
            }
        )

    # Outcomes tie the intern's home university (and, for work done together, the host)
    # to the organisations they name: the employer, the incubator, co-authors', a contract's.
    with_host = {"publication", "patent", "contract", "award"}
    outcomes = Outcome.objects.select_related("internship").prefetch_related("organisations")
    for outcome in outcomes.order_by("date", "id"):
        i = outcome.internship
        members = {o.pk for o in outcome.organisations.all()}
        members |= {o for o in (i.home_organisation_id,) if o}
        if outcome.kind in with_host:
            members.add(i.host_id)
        used.update(members)
        activities.append(
            {
                "id": f"outcome:{outcome.pk}",
                "year": outcome.date.year,
                "kind": outcome.kind,
                "organisations": [_org(o) for o in sorted(members)],
                "people": [_person(i.intern_id)],
            }
        )

    recorded = RecordedActivity.objects.prefetch_related("organisations").order_by("year", "id")
    for activity in recorded:
        members = sorted(o.pk for o in activity.organisations.all())
        used.update(members)
        route = None
        if activity.route_from_id and activity.route_to_id:
            route = [_org(activity.route_from_id), _org(activity.route_to_id)]
            used.update([activity.route_from_id, activity.route_to_id])
            members = sorted(set(members) | {activity.route_from_id, activity.route_to_id})
        activities.append(
            {
                "id": f"recorded:{activity.pk}",
                "year": activity.year,
                "kind": activity.kind,
                "organisations": [_org(o) for o in members],
                "route": route,
                "people": [],
            }
        )
    organisations = {
        _org(o.pk): {
            "type": o.type,
            "country": o.country,
            "region": o.region or o.country,
            "name": o.name,
        }
        for o in Organisation.objects.filter(pk__in=used).order_by("pk")
    }
    for a in activities:
        if a.get("route") is None:
            a.pop("route", None)
        elif not all(r in a["organisations"] for r in a["route"]):
            a["organisations"] = sorted(set(a["organisations"]) | set(a["route"]))
    return {"organisations": organisations, "activities": activities}


def history_hash(history: dict[str, Any]) -> str:
    canonical = json.dumps(history, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


#: What each reader of a snapshot loads (the other columns are left in the database).
SUMMARY_FIELDS = ("created_at", "engine_version", "summary")
GRAPH_FIELDS = ("created_at", "ties", "names", "measures")


def snapshot_latest(*fields: str) -> NetworkSnapshot | None:
    """The latest snapshot, with only ``fields`` loaded when given."""
    qs = NetworkSnapshot.objects.order_by("-created_at", "-id")
    if fields:
        qs = qs.only(*fields)
    return qs.first()


def organisation_names(ids) -> dict[str, dict[str, str]]:
    """Display names of the engine's organisation ids (``org:<pk>``), in the three scripts."""
    pks = [int(i.split(":", 1)[1]) for i in ids if i.startswith("org:")]
    out = {}
    for o in Organisation.objects.filter(pk__in=pks).only(
        "pk", "name", "name_en", "name_fr", "name_ja", "type", "country", "region"
    ):
        out[_org(o.pk)] = {
            "name": o.name,
            "name_en": o.name_en,
            "name_fr": o.name_fr,
            "name_ja": o.name_ja,
            "type": o.type,
            "country": o.country,
            "region": o.region,
        }
    return out


def summary_build(result: dict[str, Any], names: dict[str, Any]) -> dict[str, Any]:
    """What anyone may see, from the engine's result: counts per year, flows between
    regions, the organisations that bridge most, how many conduits. Never a person."""
    years = [
        {"year": int(y), **{k: v for k, v in row.items() if k != "activities"}}
        for y, row in sorted(result["years"].items())
    ]
    last = result["brokerage"][-1] if result["brokerage"] else None
    brokers = []
    if last:
        for row in last["top_betweenness"][:10]:
            if row["value"] <= 0:
                continue
            info = names.get(row["organisation"], {})
            brokers.append({"organisation": info.get("name", "?"), "betweenness": row["value"]})
    return {
        "organisations": result["organisations_count"],
        "ties": result["ties_count"],
        "conduits": len({c["person"] for c in result["conduits"]}),
        "communities": last["communities"] if last else 0,
        "years": years,
        "flows": result["flows"],
        "brokers": brokers,
    }


def public_summary(snapshot: NetworkSnapshot) -> dict[str, Any]:
    return {"computed_at": snapshot.created_at, **snapshot.summary}


#: An organisation type's sector: the network engine's own mapping, so the pages and the
#: measures never disagree.
SECTOR_OF = SECTORS


def graph_elements(
    *,
    ties: list,
    names: dict[str, Any],
    measures: dict[str, Any],
    year_from: int | None = None,
    year_to: int | None = None,
    sector: str = "",
    country: str = "",
    region: str = "",
    limit: int = 150,
) -> dict[str, Any]:
    """The ties of the snapshot created between ``year_from`` and ``year_to`` whose two
    organisations pass the filters (an organisation passes if it is of the sector,
    country or region asked), as graph elements: at most ``limit`` organisations, those
    with the most activities, and the ties among them. Says how many it left out."""

    def passes(oid: str) -> bool:
        info = names.get(oid, {})
        return (
            (not sector or SECTOR_OF.get(info.get("type", "")) == sector)
            and (not country or info.get("country") == country)
            and (not region or info.get("region") == region)
        )

    kept = []
    strength: dict[str, int] = defaultdict(int)
    for a, b, count, first, last in ties:
        if year_from is not None and first < year_from:
            continue
        if year_to is not None and first > year_to:
            continue
        if not (passes(a) or passes(b)):
            continue
        kept.append((a, b, count, first, last))
        strength[a] += count
        strength[b] += count
    chosen = set(sorted(strength, key=lambda o: (-strength[o], o))[:limit])
    nodes = []
    for oid in sorted(chosen, key=lambda o: (-strength[o], o)):
        info = names.get(oid, {})
        m = measures.get(oid, {})
        nodes.append(
            {
                "id": oid,
                "name": info.get("name", oid),
                "type": info.get("type", ""),
                "sector": SECTOR_OF.get(info.get("type", ""), ""),
                "country": info.get("country", ""),
                "region": info.get("region", ""),
                "activities": strength[oid],
                "betweenness": m.get("betweenness"),
                "constraint": m.get("constraint"),
                "community": m.get("community"),
            }
        )
    edges = [
        {
            "source": a,
            "target": b,
            "activities": count,
            "first_year": first,
            "lasting": last > first,
            "cross_border": names.get(a, {}).get("country") != names.get(b, {}).get("country"),
        }
        for a, b, count, first, last in kept
        if a in chosen and b in chosen
    ]
    return {
        "nodes": nodes,
        "edges": edges,
        "organisations_matching": len(strength),
        "organisations_left_out": max(0, len(strength) - len(chosen)),
    }
