"""Speed and agreement against the `matching` package (PyPI) on the same
instances in the same run: student-optimal SPA without organisation caps.

Run: ``uv run python benchmarks/match/bench_matching_package.py [--sizes 1000 5000]``
The package recurses once per proposal, so the recursion limit is raised.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import load, median_time

import kakehashi_match as km
from kakehashi_match.brute import to_matching_game
from kakehashi_match.generate import random_instance


def spa_instance(n: int, seed: int) -> dict:
    d = random_instance(
        n,
        max(2, n // 7),
        list_length=min(12, max(2, n // 7)),
        n_supervisors=max(1, n // 15),
        capacity=(1, 12),
        supervisor_slack=0.9,
        seed=seed,
    )
    d["organisations"] = {}
    for node in d["supervisors"].values():
        node.pop("organisation")
    return d


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    args = ap.parse_args()
    sys.setrecursionlimit(1_000_000)
    print(f"machine: {load()}")
    for n in args.sizes:
        data = spa_instance(n, seed=n)
        t_ours, c_ours = median_time(lambda data=data: km.solve(data), repeat=3)
        t, c = time.perf_counter(), time.process_time()
        game = to_matching_game(data)
        theirs_m = game.solve(optimal="student")
        t_theirs, c_theirs = time.perf_counter() - t, time.process_time() - c
        theirs = {str(s): str(p) for p, ss in theirs_m.items() for s in ss}
        ours = {s: p for s, p in km.solve(data).assignments.items() if p is not None}
        print(
            f"{n:>6} students, {sum(map(len, data['students'].values()))} entries: "
            f"kakehashi_match median {t_ours * 1000:.1f} ms (parse+solve+certificate), "
            f"matching {t_theirs:.2f} s (one run), ratio {t_theirs / t_ours:.0f}x wall, "
            f"{c_theirs / c_ours:.0f}x cpu, "
            f"identical assignments: {ours == theirs}"
        )
    print(f"machine after: {load()}")


if __name__ == "__main__":
    main()
