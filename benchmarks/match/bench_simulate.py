"""Simulation throughput: re-matches per minute of a 5,000-student market
(target >= 10,000 per minute), per kind of perturbation.

Run: ``uv run python benchmarks/match/bench_simulate.py [--runs N]``
"""

from __future__ import annotations

import argparse
import time

from _common import load, nrmp_instance

import kakehashi_match as km
from kakehashi_match.simulate import simulate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2000)
    args = ap.parse_args()
    print(f"machine: {load()}")
    inst = km.Instance.from_dict(nrmp_instance(5_000, 12, seed=7))
    print(f"market: {inst.n_students} students, {inst.n_projects} projects, {inst.n_edges} entries")
    for name, opts in (
        ("participation 0.9", {"participation": 0.9}),
        ("lists truncated to 5", {"truncate": 5}),
        ("host-priority noise 0.1", {"noise": 0.1}),
        ("capacities x 0.8", {"capacity_scale": 0.8}),
    ):
        simulate(inst, runs=5, **opts)  # warm-up (compiles the kernel variant)
        t, c = time.perf_counter(), time.process_time()
        s = simulate(inst, runs=args.runs, seed=1, **opts)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        d = s.to_dict()
        rate, cpu_rate = args.runs / dt * 60, args.runs / dc * 60
        m = d["matched"]
        print(
            f"  {name:<26} {args.runs} runs in {dt:.2f} s: {rate:,.0f} re-matches/min wall, "
            f"{cpu_rate:,.0f} per CPU-minute (target >= 10,000); placed median "
            f"{m['median']:.0f} [p5 {m['p5']:.0f}, p95 {m['p95']:.0f}]"
        )
    print(f"machine after: {load()}")


if __name__ == "__main__":
    main()
