"""Reads of match runs: the engine instance of a call, runs, labels, comparisons, exports."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application, HostRank
from kakehashi.core.enums import Direction
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.models import HomePriority, MatchRun
from kakehashi.matching.rules import can_run_match
from kakehashi.organisations.models import Organisation
from kakehashi.people.enums import AffiliationRole
from kakehashi.people.models import Affiliation, CandidateProfile, User
from kakehashi.programs.models import Call
from kakehashi.programs.policy import Cap, MatchPolicy
from kakehashi.programs.signals import phase_opening
from kakehashi.projects.enums import ProjectStatus
from kakehashi.projects.models import Project, ProjectSupervisor

# ---------------------------------------------------------------- ids in the engine


def candidate_id(pk: int) -> str:
    return f"c{pk}"


def supervisor_id(pk: int) -> str:
    return f"s{pk}"


def organisation_id(pk: int) -> str:
    return f"o{pk}"


def pk_of(engine_id: str | None) -> int | None:
    """``"c12"`` → 12 (and the same for ``s``/``o`` ids); None stays None."""
    return int(engine_id[1:]) if engine_id else None


def direction_of(country: str) -> str:
    """Direction of travel to a host in `country`."""
    return Direction.CA_JP if country == "JP" else Direction.JP_CA


# ---------------------------------------------------------------- the snapshot


def _groups(caps: tuple[Cap, ...], orgs: dict[str, Organisation], org_used: list[str]) -> dict:
    """The engine's groups for the policy's caps: each cap groups the organisations
    (hosting projects in the call) whose region, sector or direction it lists, with
    its capacity and the places it reserves for organisations. The engine needs the
    groups disjoint: the policy's validator refuses caps sharing a value, and an
    organisation under caps of two kinds (known only from the call's hosts) is
    refused here by name."""
    groups: dict[str, dict] = {}
    owner: dict[str, str] = {}
    for cap in caps:
        members = [o for o in org_used if _org_attribute(orgs[o], cap.kind) in cap.values]
        for o in members:
            if o in owner:
                raise ValidationError(
                    _(
                        "%(org)s falls under two caps (“%(a)s” and “%(b)s”); "
                        "the match needs caps that do not overlap."
                    )
                    % {"org": orgs[o].display_name, "a": owner[o], "b": cap.label},
                    code="caps_overlap",
                )
            owner[o] = cap.label
        targets = {}
        # The validator admits only organisation ids as reserve keys.
        for key, places in cap.reserves:
            oid = organisation_id(int(key))
            if oid in members:
                targets[oid] = places
        if not members:
            continue
        group: dict[str, Any] = {"organisations": members, "capacity": cap.capacity}
        if targets:
            group["targets"] = targets
        groups[cap.label] = group
    return groups


def _org_attribute(org: Organisation, by: str) -> str:
    if by == "region":
        return org.region
    if by == "sector":
        return org.type
    return str(direction_of(org.country))


def match_instance_build(*, call: Call, policy: MatchPolicy) -> dict[str, Any]:
    """The engine instance of `call` now, under `policy` (its caps become groups).

    Students are candidates with a submitted application, their lists the ranked
    applications to approved projects in rank order. A project's supervisor is its
    first supervisor; that person's host ranking for the call (only applicants
    still in the market) decides who is acceptable. Four queries, whatever the size.
    """
    projects = list(
        Project.objects.filter(call=call, status=ProjectStatus.APPROVED)
        .select_related("host")
        .prefetch_related(
            Prefetch("supervisions", queryset=ProjectSupervisor.objects.order_by("order", "id"))
        )
        .order_by("key")
    )
    keys = {p.key for p in projects}
    students: dict[str, list[str]] = {}
    apps = (
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
        .order_by("candidate_id", "rank")
        .values_list("candidate_id", "project__key", "rank")
    )
    for cand, key, rank in apps:
        lst = students.setdefault(candidate_id(cand), [])
        if rank is not None and key in keys:
            lst.append(key)
    sup_pks = {p.supervisions.all()[0].person_id for p in projects if p.supervisions.all()}
    rankings: dict[str, list[str]] = {supervisor_id(pk): [] for pk in sup_pks}
    lines = (
        HostRank.objects.filter(call=call, supervisor_id__in=sup_pks)
        .order_by("supervisor_id", "rank")
        .values_list("supervisor_id", "candidate_id")
    )
    for sup, cand in lines:
        if candidate_id(cand) in students:
            rankings[supervisor_id(sup)].append(candidate_id(cand))

    sup_org: dict[str, str] = {}
    orgs: dict[str, Organisation] = {}
    out_projects: dict[str, dict] = {}
    for p in projects:
        oid = organisation_id(p.host_id)
        orgs[oid] = p.host
        links = p.supervisions.all()
        node: dict[str, Any] = {"capacity": p.capacity}
        if links:
            sid = supervisor_id(links[0].person_id)
            node["supervisor"] = sid
            # A supervisor with projects at two hosts counts against the first (by key).
            sup_org.setdefault(sid, oid)
        else:
            node["ranking"] = []  # no supervisor to rank anyone: nobody is acceptable
        out_projects[p.key] = node
    supervisors = {}
    for sid, ranking in sorted(rankings.items()):
        supervisors[sid] = {"ranking": ranking, "organisation": sup_org[sid]}
    org_used = sorted(set(sup_org.values()))
    organisations = {oid: {} for oid in org_used}
    instance: dict[str, Any] = {
        "students": students,
        "projects": out_projects,
        "supervisors": supervisors,
        "organisations": organisations,
        "meta": {"call": call.slug, "round": 1},
    }
    groups = _groups(policy.caps, orgs, org_used)
    if groups:
        instance["groups"] = groups
    if policy.exchange is not None:
        _add_exchange(instance, call=call, policy=policy, orgs=orgs)
    return instance


def candidate_homes(*, candidates) -> dict[str, dict[str, str]]:
    """Per engine candidate id: the match id and country of the candidate's home
    organisation (their profile's home institution); candidates without one are left
    out. One query."""
    rows = CandidateProfile.objects.filter(user_id__in={pk_of(c) for c in candidates}).values_list(
        "user_id", "home_organisation_id", "home_organisation__country"
    )
    return {
        candidate_id(user): {"organisation": organisation_id(org), "country": country}
        for user, org, country in rows
    }


def _add_exchange(
    instance: dict[str, Any], *, call: Call, policy: MatchPolicy, orgs: dict[str, Organisation]
) -> None:
    """Add the engine's ``exchange`` key (and, per country, its groups) to `instance`:
    every candidate's home organisation, what balances, the tolerance and the homes'
    priority orders (their candidates still in the market, in the stored order)."""
    students = instance["students"]
    homes = candidate_homes(candidates=students)
    missing = sorted(set(students) - set(homes), key=lambda s: pk_of(s) or 0)
    if missing:
        names = User.objects.filter(pk__in=[pk_of(s) for s in missing[:10]])
        raise ValidationError(
            _(
                "A balanced exchange needs every candidate's home institution; these "
                "candidates have none: %(names)s."
            )
            % {"names": ", ".join(sorted(u.display_name for u in names))},
            code="home_missing",
        )
    by_country = policy.exchange.level == "country"
    organisations = instance["organisations"]
    for home in homes.values():
        organisations.setdefault(home["organisation"], {})
    countries = {o: orgs[o].country for o in orgs} | {
        h["organisation"]: h["country"] for h in homes.values()
    }
    if by_country:
        places = sum(node["capacity"] for node in instance["projects"].values())
        members: dict[str, list[str]] = {}
        for oid in sorted(organisations):
            members.setdefault(countries[oid], []).append(oid)
        instance["groups"] = {
            country: {"organisations": ids, "capacity": places}
            for country, ids in sorted(members.items())
        }
        instance["organisations"] = dict(sorted(organisations.items()))
    unit_of = {
        sid: (home["country"] if by_country else home["organisation"])
        for sid, home in homes.items()
        if sid in students
    }
    priorities: dict[str, list[str]] = {}
    for row in HomePriority.objects.filter(call=call).select_related("organisation"):
        unit = row.country if by_country else organisation_id(row.organisation_id or 0)
        if by_country == bool(row.organisation_id):
            continue  # a list of the other level
        order = [candidate_id(pk) for pk in row.candidates]
        order = [sid for sid in order if unit_of.get(sid) == unit]
        if order:
            priorities[unit] = order
    exchange: dict[str, Any] = {
        "homes": {sid: homes[sid]["organisation"] for sid in sorted(students)},
        "balance": "groups" if by_country else "organisations",
        "tolerance": policy.exchange.tolerance,
    }
    if priorities:
        exchange["priorities"] = dict(sorted(priorities.items()))
    instance["exchange"] = exchange


def project_facts(*, keys) -> dict[str, dict[str, str]]:
    """Per project key: its host's match id, country, region and sector (one query)."""
    rows = Project.objects.filter(key__in=set(keys)).values_list(
        "key", "host_id", "host__country", "host__region", "host__type"
    )
    return {
        key: {
            "organisation": organisation_id(host),
            "country": country,
            "region": region,
            "sector": sector,
            "direction": str(direction_of(country)),
        }
        for key, host, country, region, sector in rows
    }


# ---------------------------------------------------------------- runs


def run_list(*, call: Call) -> QuerySet[MatchRun]:
    """A call's runs, newest first, without their large JSON columns."""
    return (
        MatchRun.objects.filter(call=call)
        .select_related("created_by", "published_by", "job", "base_run")
        .defer("snapshot", "result")
        .order_by("-created_at", "-id")
    )


def run_list_rows(*, call: Call) -> QuerySet[MatchRun]:
    """`run_list` with what a list of runs shows (the API's `RunOut`): the columns of the
    run and its author's username, not the job's, the publisher's or the base run's."""
    return (
        MatchRun.objects.filter(call=call)
        .select_related("created_by")
        .only(*RUN_ROW_FIELDS, "created_by__username")
        .order_by("-created_at", "-id")
    )


#: The columns of a run a list shows.
RUN_ROW_FIELDS = (
    "id",
    "call_id",
    "round",
    "label",
    "mode",
    "seed",
    "policy",
    "status",
    "input_hash",
    "engine_version",
    "base_run_id",
    "created_at",
    "created_by_id",
    "published_at",
    "summary",
)


def run_list_visible(*, user) -> QuerySet[MatchRun]:
    """Runs are officers' work: nobody else sees them (404)."""
    qs = MatchRun.objects.select_related("call", "call__program", "job", "created_by")
    return qs if can_run_match(user) else qs.none()


def run_get_visible(*, user, pk: int) -> MatchRun:
    return run_list_visible(user=user).get(pk=pk)


def published_run(*, call: Call, round: int) -> MatchRun | None:
    return MatchRun.objects.filter(call=call, round=round, published_at__isnull=False).first()


# ---------------------------------------------------------------- names for pages


def labels_for(
    *, candidates=(), projects=(), organisations=(), supervisors=()
) -> dict[str, dict[str, Any]]:
    """Objects behind engine ids, fetched in one query per kind: ``{"c12": User, ...}``,
    projects by key (with their host), organisations and supervisors by ``o``/``s`` id."""
    out: dict[str, dict[str, Any]] = {"c": {}, "p": {}, "o": {}, "s": {}}
    people = {pk_of(c) for c in candidates if c} | {pk_of(s) for s in supervisors if s}
    if people:
        users = User.objects.in_bulk(people)
        out["c"] = {candidate_id(pk): u for pk, u in users.items()}
        out["s"] = {supervisor_id(pk): u for pk, u in users.items()}
    keys = {k for k in projects if k}
    if keys:
        out["p"] = {p.key: p for p in Project.objects.filter(key__in=keys).select_related("host")}
    oids = {pk_of(o) for o in organisations if o}
    if oids:
        out["o"] = {organisation_id(pk): o for pk, o in Organisation.objects.in_bulk(oids).items()}
    return out


def run_assignment_rows(*, run: MatchRun) -> list[dict[str, Any]]:
    """One row per candidate of the run (placed or not), for the exports."""
    result = run.result or {}
    assignments = result.get("assignments") or {}
    students = result.get("students") or {}
    project_nodes = (run.snapshot or {}).get("projects", {})
    sup_ids = {project_nodes.get(k, {}).get("supervisor") for k in assignments.values() if k}
    labels = labels_for(
        candidates=assignments.keys(),
        projects={k for k in assignments.values() if k},
        supervisors=sup_ids,
    )
    rows = []
    for sid in sorted(assignments, key=lambda s: pk_of(s) or 0):
        key = assignments[sid]
        person = labels["c"].get(sid)
        project = labels["p"].get(key) if key else None
        sup = project_nodes.get(key, {}).get("supervisor") if key else None
        supervisor = labels["s"].get(sup) if sup else None
        rows.append(
            {
                "run": run.pk,
                "round": run.round,
                "candidate_id": pk_of(sid),
                "candidate": person.display_name if person else sid,
                "project": key or "",
                "project_title": project.title if project else "",
                "rank": (students.get(sid) or {}).get("rank"),
                "host": project.host.display_name if project else "",
                "supervisor": (supervisor.display_name if supervisor else "") if key else "",
            }
        )
    return rows


# ---------------------------------------------------------------- comparison

COMPARED_METRICS = ("placements", "unmatched", "mean_rank", "blocking_pairs", "candidates")
FLOW_DIMENSIONS = ("direction", "country", "sector", "region")


def _market(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot without what a policy adds (caps, a balanced exchange's homes and
    country groups, and the home organisations it lists) or describes (meta)."""
    market = {k: v for k, v in (snapshot or {}).items() if k not in ("groups", "meta", "exchange")}
    if "organisations" in market:
        market["organisations"] = {k: v for k, v in market["organisations"].items() if v}
    return market


def run_compare(*, a: MatchRun, b: MatchRun) -> dict[str, Any]:
    """Two finished runs of one call side by side (plain data, engine ids):
    who moves, the headline figures and the flows per direction, country,
    sector and region."""
    if a.call_id != b.call_id:
        raise ValidationError(_("Both runs must belong to the same call."), code="wrong_call")
    for run in (a, b):
        if run.status != RunStatus.DONE:
            raise ValidationError(
                _("Run %(run)s has not finished; only finished runs can be compared.")
                % {"run": run.pk},
                code="not_done",
            )
    ra, rb = a.result["assignments"], b.result["assignments"]
    sa, sb = a.result.get("students", {}), b.result.get("students", {})
    moves = [
        {
            "candidate": sid,
            "a": ra.get(sid),
            "b": rb.get(sid),
            "rank_a": (sa.get(sid) or {}).get("rank"),
            "rank_b": (sb.get(sid) or {}).get("rank"),
        }
        for sid in sorted(set(ra) | set(rb), key=lambda s: pk_of(s) or 0)
        if ra.get(sid) != rb.get(sid)
    ]
    suma, sumb = a.summary or {}, b.summary or {}
    metrics = []
    for name in COMPARED_METRICS:
        va, vb = suma.get(name), sumb.get(name)
        delta = (
            round(vb - va, 6)
            if isinstance(va, int | float) and isinstance(vb, int | float)
            else None
        )
        metrics.append({"metric": name, "a": va, "b": vb, "delta": delta})
    flows = {}
    for dim in FLOW_DIMENSIONS:
        fa = suma.get("flows", {}).get(dim, {})
        fb = sumb.get("flows", {}).get(dim, {})
        flows[dim] = [
            {"key": k, "a": fa.get(k, 0), "b": fb.get(k, 0)} for k in sorted(set(fa) | set(fb))
        ]
    da, db = suma.get("rank_distribution", {}), sumb.get("rank_distribution", {})
    ranks = sorted(set(da) | set(db), key=int)
    return {
        "exchange": _compare_exchange(suma, sumb),
        "a": a.pk,
        "b": b.pk,
        "same_input": a.input_hash == b.input_hash,
        "same_market": _market(a.snapshot) == _market(b.snapshot),
        "moves": moves,
        "metrics": metrics,
        "flows": flows,
        "rank_distribution": [
            {"rank": int(r), "a": da.get(r, 0), "b": db.get(r, 0)} for r in ranks
        ],
    }


def _compare_exchange(suma: dict[str, Any], sumb: dict[str, Any]) -> dict[str, Any]:
    """The flows by home of two runs side by side: placements per home country and
    host country, and per organisation its exports, imports and net in each run
    (None where a run has no flows by home: one summarised before they existed);
    and each run's exchange figures (None: not a balanced exchange)."""
    fa, fb = suma.get("exchange_flows"), sumb.get("exchange_flows")
    ca = {(r["home"], r["host"]): r["count"] for r in (fa or {}).get("countries", [])}
    cb = {(r["home"], r["host"]): r["count"] for r in (fb or {}).get("countries", [])}
    oa, ob = (fa or {}).get("organisations", {}), (fb or {}).get("organisations", {})
    zero = {"exports": 0, "imports": 0, "net": 0}
    return {
        "available": fa is not None and fb is not None,
        "countries": [
            {"home": home, "host": host, "a": ca.get((home, host), 0), "b": cb.get((home, host), 0)}
            for home, host in sorted(set(ca) | set(cb))
        ],
        "organisations": [
            {"organisation": org, "a": oa.get(org, zero), "b": ob.get(org, zero)}
            for org in sorted(set(oa) | set(ob), key=lambda o: pk_of(o) or 0)
        ],
        "a": suma.get("exchange"),
        "b": sumb.get("exchange"),
    }


# ---------------------------------------------------------------- homes' priorities


def administered_organisations(*, user) -> set[int] | None:
    """The organisations whose priority order `user` sets: None for officers (every
    home, countries included), else those `user` administers."""
    if can_run_match(user):
        return None
    rows = Affiliation.objects.filter(person=user, role=AffiliationRole.ADMIN)
    return set(rows.values_list("organisation_id", flat=True))


def home_candidates(*, call: Call) -> list[CandidateProfile]:
    """The call's candidates in the market (a submitted application) with their home
    organisation, by person number. One query."""
    return list(
        CandidateProfile.objects.filter(
            user__applications__call=call,
            user__applications__status=ApplicationStatus.SUBMITTED,
        )
        .select_related("user", "home_organisation")
        .distinct()
        .order_by("user_id")
    )


def home_priority_list(*, call: Call, user) -> list[HomePriority]:
    """The priority orders of `call` that `user` may read (officers: all; an
    organisation's admins: their organisation's)."""
    qs = HomePriority.objects.filter(call=call).select_related("organisation")
    allowed = administered_organisations(user=user)
    if allowed is not None:
        qs = qs.filter(organisation_id__in=allowed)
    return list(qs.order_by("country", "organisation_id"))


def home_priority_units(*, call: Call, user) -> list[dict[str, Any]]:
    """The homes of `call`'s candidates whose order `user` may set, each with its
    candidates: first those in its stored order, then the others (left to the
    lottery). Countries (officers only) first, then organisations. Three queries."""
    allowed = administered_organisations(user=user)
    stored = {
        (row.country, row.organisation_id): row for row in home_priority_list(call=call, user=user)
    }
    units: dict[tuple[str, int | None], dict[str, Any]] = {}
    for profile in home_candidates(call=call):
        org = profile.home_organisation
        keys = [("", org.pk)]
        if allowed is None:
            keys.insert(0, (org.country, None))
        elif org.pk not in allowed:
            continue
        for key in keys:
            unit = units.setdefault(
                key,
                {
                    "country": key[0],
                    "organisation": org if key[1] else None,
                    "people": {},
                },
            )
            unit["people"][profile.user_id] = profile.user
    out = []
    for key, unit in sorted(
        units.items(), key=lambda kv: (kv[0][1] is not None, kv[0][0], kv[0][1] or 0)
    ):
        row = stored.get(key)
        order = [pk for pk in (row.candidates if row else []) if pk in unit["people"]]
        rest = [pk for pk in unit["people"] if pk not in order]
        out.append(
            {
                "country": unit["country"],
                "organisation": unit["organisation"],
                "key": unit["country"] or organisation_id(unit["organisation"].pk),
                "ordered": [unit["people"][pk] for pk in order],
                "unordered": [unit["people"][pk] for pk in rest],
                "updated_at": row.updated_at if row else None,
            }
        )
    return out


@receiver(phase_opening, dispatch_uid="matching.phase_opening")
def phase_opening_refusal(sender, *, call: Call, kind: str, **_kwargs) -> str | None:
    """Answers `programs.signals.phase_opening`: offers open only once a run is published."""
    if (
        kind == "offers"
        and not MatchRun.objects.filter(call=call, published_at__isnull=False).exists()
    ):
        return _("The Offers phase cannot open before a match run of this call is published.")
    return None


def run_publish_preview(*, run: MatchRun) -> dict[str, int]:
    """What publishing `run` will do: offers made (one per placed candidate), candidates
    told they were not placed, supervisors told of offers on their projects, and so
    the mails sent (one each). Two queries."""
    assignments = (run.result or {}).get("assignments", {})
    placed_keys = {key for key in assignments.values() if key is not None}
    offers = sum(1 for key in assignments.values() if key is not None)
    unplaced = len(assignments) - offers
    supervisors = (
        ProjectSupervisor.objects.filter(project__call=run.call_id, project__key__in=placed_keys)
        .values("person")
        .distinct()
        .count()
        if placed_keys
        else 0
    )
    return {
        "candidates": len(assignments),
        "offers": offers,
        "unplaced": unplaced,
        "supervisors": supervisors,
        "mails": len(assignments) + supervisors,
    }


def run_publish_consequences(*, preview: dict[str, int]) -> list[str]:
    """`run_publish_preview`'s counts as the sentences the confirmation page lists (and
    the API's publish preview answers), in the active language."""
    return [
        ngettext(
            "%(n)s offer is made (one per placed candidate).",
            "%(n)s offers are made (one per placed candidate).",
            preview["offers"],
        )
        % {"n": preview["offers"]},
        ngettext(
            "%(n)s candidate is told they were not placed.",
            "%(n)s candidates are told they were not placed.",
            preview["unplaced"],
        )
        % {"n": preview["unplaced"]},
        ngettext(
            "%(n)s mail is sent (%(candidates)s to candidates, %(supervisors)s to supervisors).",
            "%(n)s mails are sent (%(candidates)s to candidates, %(supervisors)s to supervisors).",
            preview["mails"],
        )
        % {
            "n": preview["mails"],
            "candidates": preview["candidates"],
            "supervisors": preview["supervisors"],
        },
    ]
