"""Seeded random markets in the JSON instance format (for tests, benchmarks
and the simulation harness). Vectorised: O(S·k log k + E log E).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["random_exchange_instance", "random_instance"]


def random_instance(
    n_students: int,
    n_projects: int,
    *,
    list_length: int = 5,
    n_supervisors: int | None = None,
    n_organisations: int | None = None,
    capacity: tuple[int, int] = (1, 3),
    skew: float = 1.0,
    supervisor_slack: float = 1.0,
    organisation_slack: float = 1.0,
    tie_fraction: float = 0.0,
    unranked_fraction: float = 0.0,
    project_rankings: bool = False,
    seed: int = 0,
) -> dict[str, Any]:
    """A random instance as plain data.

    Students draw ``list_length`` distinct projects with popularity weights
    ``1/(rank+1)**skew``. Each supervisor ranks the students who applied to
    its projects by a common quality score plus noise, leaving out
    ``unranked_fraction`` of them and tying neighbours with probability
    ``tie_fraction``. Supervisor capacity is ``supervisor_slack`` times the
    sum of its project capacities (rounded, at least 1); organisations
    likewise. ``project_rankings`` gives some projects their own ranking
    (their supervisor's, restricted to a random subset: always consistent).

    >>> d = random_instance(4, 3, list_length=2, seed=1)
    >>> sorted(d) == ['organisations', 'projects', 'students', 'supervisors']
    True
    """
    rng = np.random.default_rng(np.random.SeedSequence(int(seed)))
    n_s, n_p = int(n_students), int(n_projects)
    n_l = n_supervisors if n_supervisors is not None else max(1, n_p // 2)
    n_o = n_organisations if n_organisations is not None else max(1, n_l // 4)
    k = min(list_length, n_p)
    sw = 1.0 / np.arange(1, n_p + 1) ** skew
    sw = sw[rng.permutation(n_p)]
    sw /= sw.sum()
    # oversample with replacement, keep the first k distinct per row
    m = max(2 * k + 4, 8) if n_p > k else k
    if n_p <= 3 * k:
        cand = np.argsort(rng.gumbel(size=(n_s, n_p)) + np.log(sw), axis=1)[:, ::-1][:, :k]
        lists = [row.tolist() for row in cand]
    else:
        cand = rng.choice(n_p, size=(n_s, m), p=sw)
        order = np.argsort(cand, axis=1, kind="stable")
        srt = np.take_along_axis(cand, order, axis=1)
        dup_sorted = np.zeros_like(srt, dtype=bool)
        dup_sorted[:, 1:] = srt[:, 1:] == srt[:, :-1]
        dup = np.zeros_like(dup_sorted)
        np.put_along_axis(dup, order, dup_sorted, axis=1)
        keep = ~dup
        keep &= np.cumsum(keep, axis=1) <= k
        lists = [row[kr].tolist() for row, kr in zip(cand, keep, strict=True)]
    cap = rng.integers(capacity[0], capacity[1] + 1, size=n_p)
    proj_sup = rng.integers(0, n_l, size=n_p)
    proj_sup[: min(n_l, n_p)] = np.arange(min(n_l, n_p))
    sup_org = rng.integers(0, n_o, size=n_l)
    sup_org[: min(n_o, n_l)] = np.arange(min(n_o, n_l))
    sup_cap = np.maximum(
        1, np.round(np.bincount(proj_sup, weights=cap, minlength=n_l) * supervisor_slack)
    )
    org_cap = np.maximum(
        1, np.round(np.bincount(sup_org, weights=sup_cap, minlength=n_o) * organisation_slack)
    )

    # supervisor rankings over their applicants
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=n_s)
    e_stu = np.repeat(np.arange(n_s), lengths)
    e_proj = np.fromiter(
        (p for lst in lists for p in lst), dtype=np.int64, count=int(lengths.sum())
    )
    e_sup = proj_sup[e_proj]
    pair = np.unique(e_sup * n_s + e_stu)
    ls, ss = pair // n_s, pair % n_s
    if unranked_fraction > 0:
        keep = rng.random(len(ls)) >= unranked_fraction
        ls, ss = ls[keep], ss[keep]
    quality = rng.normal(size=n_s)
    score = quality[ss] + rng.normal(scale=0.7, size=len(ss))
    order = np.lexsort((score, ls))
    ls, ss = ls[order], ss[order]
    tie_next = rng.random(len(ss)) < tie_fraction
    sid = [f"s{i}" for i in range(n_s)]
    pid = [f"p{i}" for i in range(n_p)]
    lid = [f"l{i}" for i in range(n_l)]
    oid = [f"o{i}" for i in range(n_o)]
    rankings: list[list] = [[] for _ in range(n_l)]
    bounds = np.searchsorted(ls, np.arange(n_l + 1))
    ss_l, tie_l = ss.tolist(), tie_next.tolist()
    for li in range(n_l):
        out: list = []
        prev_tie = False
        for j in range(bounds[li], bounds[li + 1]):
            name = sid[ss_l[j]]
            if prev_tie and out:
                if isinstance(out[-1], list):
                    out[-1].append(name)
                else:
                    out[-1] = [out[-1], name]
            else:
                out.append(name)
            prev_tie = tie_l[j]
        rankings[li] = out
    students = {sid[s]: [pid[p] for p in lists[s]] for s in range(n_s)}
    projects: dict[str, Any] = {}
    for p in range(n_p):
        node: dict[str, Any] = {"capacity": int(cap[p]), "supervisor": lid[proj_sup[p]]}
        projects[pid[p]] = node
    if project_rankings:
        chosen = np.flatnonzero(rng.random(n_p) < 0.3)
        applicants: dict[int, set] = {int(p): set() for p in chosen}
        for s, p in zip(e_stu.tolist(), e_proj.tolist(), strict=True):
            if p in applicants and rng.random() < 0.8:
                applicants[p].add(sid[s])
        for p in chosen.tolist():
            sub = []
            for entry in rankings[proj_sup[p]]:
                if isinstance(entry, list):
                    kept = [x for x in entry if x in applicants[p]]
                    if kept:
                        sub.append(kept if len(kept) > 1 else kept[0])
                elif entry in applicants[p]:
                    sub.append(entry)
            projects[pid[p]]["ranking"] = sub
    supervisors = {
        lid[i]: {
            "capacity": int(sup_cap[i]),
            "ranking": rankings[i],
            "organisation": oid[sup_org[i]],
        }
        for i in range(n_l)
    }
    organisations = {oid[i]: {"capacity": int(org_cap[i])} for i in range(n_o)}
    return {
        "students": students,
        "projects": projects,
        "supervisors": supervisors,
        "organisations": organisations,
    }


def random_exchange_instance(
    n_students: int,
    n_projects: int,
    *,
    balance: str = "groups",
    tolerance: int = 0,
    priorities: float = 0.5,
    domestic: float = 0.2,
    seed: int = 0,
    **market: Any,
) -> dict[str, Any]:
    """A random Canada–Japan exchange market: :func:`random_instance`, its
    organisations split between two groups ``CA`` (even) and ``JP`` (odd),
    every student's home a random organisation of a random country, each
    ranked project in her own country kept with probability *domestic*
    (so most lists point abroad), and a priority order for about a fraction
    *priorities* of the units (the others use the lottery). *market* goes
    to :func:`random_instance`.

    >>> d = random_exchange_instance(6, 4, list_length=2, seed=1)
    >>> sorted(d["groups"]), d["exchange"]["balance"], len(d["exchange"]["homes"])
    (['CA', 'JP'], 'groups', 6)
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 1]))
    n_org = market.pop("n_organisations", None)
    d = random_instance(n_students, n_projects, seed=seed, n_organisations=n_org or 4, **market)
    orgs = sorted(d["organisations"], key=lambda o: int(o[1:]))
    country = {o: ("CA", "JP")[i % 2] for i, o in enumerate(orgs)}
    by_country = {c: [o for o in orgs if country[o] == c] for c in ("CA", "JP")}
    sup_org = {lid: n["organisation"] for lid, n in d["supervisors"].items()}
    homes = {}
    for s, lst in d["students"].items():
        c = ("CA", "JP")[rng.integers(2)]
        pool = by_country[c] or orgs
        homes[s] = pool[rng.integers(len(pool))]
        d["students"][s] = [
            p
            for p in lst
            if country[sup_org[d["projects"][p]["supervisor"]]] != c or rng.random() < domestic
        ]
    d["groups"] = {
        c: {"organisations": by_country[c], "capacity": 10 * n_students + 10} for c in ("CA", "JP")
    }
    units = ("CA", "JP") if balance == "groups" else tuple(orgs)
    unit_of = (lambda s: country[homes[s]]) if balance == "groups" else homes.get
    members: dict[str, list[str]] = {u: [] for u in units}
    for s in sorted(homes):
        members[unit_of(s)].append(s)
    pri = {}
    for u in units:
        if members[u] and rng.random() < priorities:
            order = [members[u][i] for i in rng.permutation(len(members[u]))]
            pri[u] = order[: max(1, int(len(order) * rng.uniform(0.5, 1.0)))]
    d["exchange"] = {
        "homes": homes,
        "priorities": pri,
        "balance": balance,
        "tolerance": int(tolerance),
    }
    return d
