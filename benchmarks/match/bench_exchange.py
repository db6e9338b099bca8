"""Balanced exchange against student mode: the whole command
``kakehashi-match solve --mode exchange`` and ``--mode student`` on the same
5,000-student Canada–Japan market (a fresh process each run: parse, solve,
certificate, explanations, JSON written), median of several runs, and the
ratio (goal: at most 2).

Run: ``uv run python benchmarks/match/bench_exchange.py [--runs N] [--students N]``
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import load

from kakehashi_match.generate import random_exchange_instance


def market(n: int, seed: int) -> dict:
    """NRMP-shaped proportions (12 choices, capacities 1–12, supervisor and
    organisation caps at 90%), 40 organisations split between CA and JP,
    homes drawn at random, domestic choices mostly dropped."""
    return random_exchange_instance(
        n,
        max(1, round(n * 6_400 / 45_000)),
        list_length=12,
        n_supervisors=max(1, round(n * 3_000 / 45_000)),
        n_organisations=40,
        capacity=(1, 12),
        supervisor_slack=0.9,
        organisation_slack=0.9,
        balance="groups",
        tolerance=0,
        seed=seed,
    )


def run(instance: Path, mode: str, out: Path) -> tuple[float, float]:
    """Wall and child CPU seconds of one ``solve`` command."""
    cmd = [sys.executable, "-m", "kakehashi_match.cli", "solve", str(instance)]
    cmd += ["--mode", mode, "-o", str(out)]
    t = time.perf_counter()
    before = _children_cpu()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t, _children_cpu() - before


def _children_cpu() -> float:
    """The finished children's user + system time, as the kernel accounts it."""
    t = os.times()
    return t.children_user + t.children_system


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--students", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"machine: {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        inst = Path(tmp, "instance.json")
        data = market(args.students, args.seed)
        inst.write_text(json.dumps(data))
        times: dict[str, list[tuple[float, float]]] = {"student": [], "exchange": []}
        for mode in times:  # warm-up: the OS file cache, Python's bytecode cache
            run(inst, mode, Path(tmp, f"{mode}.json"))
        for _ in range(args.runs):
            for mode in times:  # interleaved, so load changes hit both alike
                times[mode].append(run(inst, mode, Path(tmp, f"{mode}.json")))
        res = {m: json.loads(Path(tmp, f"{m}.json").read_text()) for m in times}
    wall = {m: statistics.median(t[0] for t in v) for m, v in times.items()}
    cpu = {m: statistics.median(t[1] for t in v) for m, v in times.items()}
    n_e = sum(len(v) for v in data["students"].values())
    print(f"market: {args.students} students, seed {args.seed} ({n_e} rank-list entries)")
    for m in times:
        print(f"  solve --mode {m:<8} median {wall[m]:.3f} s wall, {cpu[m]:.3f} s CPU")
    print(
        f"  ratio exchange / student: {wall['exchange'] / wall['student']:.2f} wall, "
        f"{cpu['exchange'] / cpu['student']:.2f} CPU (goal <= 2)"
    )
    ex = res["exchange"]["exchange"]
    print(
        f"  placed: exchange {ex['placed']}, student mode {ex['placed_student_mode']}; "
        + "; ".join(
            f"{u} exports {v['exports']} imports {v['imports']} "
            f"(student mode {v['student_mode']['exports']}/{v['student_mode']['imports']})"
            for u, v in ex["units"].items()
        )
    )
    print(f"machine after: {load()}")


if __name__ == "__main__":
    main()
