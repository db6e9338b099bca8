"""Real student–project rankings: PrefLib 00038 (Glasgow SPA bids, 8 years).

Students' rankings are real. Supervisor preferences over students are NOT in
the data, so each supervisor's ranking is generated with a seed (a common
random quality score plus noise over the students who applied to its
projects). Years 1-3 have no supervisor file: projects and supervisors are
then one-to-one with capacity 1. Data: ../shared/data/preflib/00038_project
relative to the repository root.

Run: ``uv run python benchmarks/match/bench_glasgow.py [--seed N]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from _common import load, median_time

import kakehashi_match as km

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "preflib" / "00038_project"


def read_year(soi: Path, seed: int) -> dict:
    lists = []
    for line in soi.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        count, _, items = line.partition(":")
        ranks = [f"P{int(x) - 1}" for x in items.split(",") if x.strip()]
        lists += [ranks] * int(count)
    students = {f"S{i}": lst for i, lst in enumerate(lists)}
    dat = soi.with_suffix(".dat")
    projects, supervisors = {}, {}
    if dat.exists():
        for row in dat.read_text().splitlines()[1:]:
            if not row.strip():
                continue
            name, cap, projs = row.split(",")
            lid = name.replace("Supervisor ", "L")
            supervisors[lid] = {"capacity": int(cap), "ranking": []}
            for p in projs.split():
                projects[f"P{p}"] = {"capacity": 1, "supervisor": lid}
    ranked = {p for lst in lists for p in lst}
    for p in sorted(ranked - set(projects)):
        lid = f"L_{p}"
        supervisors[lid] = {"capacity": 1, "ranking": []}
        projects[p] = {"capacity": 1, "supervisor": lid}
    rng = np.random.default_rng(seed)
    quality = {s: q for s, q in zip(students, rng.normal(size=len(students)), strict=True)}
    applicants: dict[str, set] = {lid: set() for lid in supervisors}
    for s, lst in students.items():
        for p in lst:
            applicants[projects[p]["supervisor"]].add(s)
    for lid, node in supervisors.items():
        studs = sorted(applicants[lid])
        noise = rng.normal(scale=0.7, size=len(studs))
        node["ranking"] = [
            s
            for _, s in sorted(
                zip(
                    [quality[s] + x for s, x in zip(studs, noise, strict=True)], studs, strict=True
                ),
                reverse=True,
            )
        ]
    return {"students": students, "projects": projects, "supervisors": supervisors}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0, help="seed of the generated supervisor rankings")
    args = ap.parse_args()
    print(f"machine: {load()}")
    print("supervisor rankings are generated (seeded), not in the data")
    for soi in sorted(DATA.glob("*.soi")):
        data = read_year(soi, args.seed)
        t, _cpu = median_time(lambda data=data: km.solve(data), repeat=5)
        r = km.solve(data)
        h = km.solve(data, mode="host")
        s, sh = r.summary(), h.summary()
        print(
            f"{soi.name}: {s['students']} students, {len(data['projects'])} projects, "
            f"{len(data['supervisors'])} supervisors; student mode matched {s['matched']}, "
            f"mean rank {s['mean_rank']}, ranks {s['rank_distribution']}, stable {r.stable}; "
            f"host mode mean rank {sh['mean_rank']}; median solve {t * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
