"""Reviewer-assignment benchmark: the whole ``kakehashi-match assign``
command against SciPy's HiGHS LP solver on the same instance, in the same
run.

1,500 proposals × 600 reviewers, 3 reviewers each, dense affinities
(900,000 eligible pairs), loads 0-8. Two instances: ``random`` (independent
uniform floats) and ``topics`` (cosine of random 20-topic profiles plus a
little noise: correlated, like text similarities); both are tie-free.

Each round runs, interleaved so that both see the same machine load: HiGHS
(``scipy.optimize.linprog(method="highs")``, the solve call only, matrices
built beforehand) and the whole command (a fresh process: start-up, JSON
parsing, validation, solve, the checker, writing the result). Targets:
``sum`` equals the LP optimum to 1e-6 relative, and the command's median
wall time is at most half of HiGHS's median solve time. ``fair`` and
``randomized`` are timed through the command too.

Run: ``uv run python benchmarks/review/bench_assign.py [--repeat 3] [--instance random topics]``
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

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

P, R, K, MAX_LOAD = 1500, 600, 3, 8

# Runs one command and reports its exit code, wall and CPU seconds.
_LAUNCH = """
import json, os, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - t
print(json.dumps([os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime]))
"""


# One fresh process doing what ``kakehashi-match assign --mode sum`` does, timing each stage.
_STAGES = """
import time
t0 = time.perf_counter()
import gc, json, sys
gc.disable()
from kakehashi_match.assign import assign, assignment_check
from kakehashi_match.review import ReviewInstance
laps = {"start-up and imports": time.perf_counter() - t0}
def lap(name, t=[time.perf_counter()]):
    now = time.perf_counter()
    laps[name] = now - t[0]
    t[0] = now
with open(sys.argv[1], encoding="utf-8") as fp:
    data = json.loads(fp.read())
lap("read + json.loads")
inst = ReviewInstance.from_dict(data)
lap("validate + index")
from kakehashi_match import flow
lap("load numba's cached kernels")
result = assign(inst, mode="sum")
lap("solve (min-cost flow, dual bound)")
report = assignment_check(inst, result)
lap("check (feasibility, objective, certificate)")
with open(sys.argv[2], "w", encoding="utf-8") as fp:
    fp.write(result.to_json())
lap("write the result with explanations")
laps["total"] = time.perf_counter() - t0
print(json.dumps(laps))
"""


def stages(path: Path, out: Path, repeat: int) -> dict[str, float]:
    """Median seconds per stage over *repeat* fresh processes."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", _STAGES, str(path), str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def affinities(kind: str, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "random":
        a = rng.random((P, R))
    else:
        tp = rng.dirichlet(np.full(20, 0.3), size=P)
        tr = rng.dirichlet(np.full(20, 0.3), size=R)
        a = (tp @ tr.T) / np.outer(np.linalg.norm(tp, axis=1), np.linalg.norm(tr, axis=1))
        a = 0.9 * a + 0.1 * rng.random((P, R))
    assert len(np.unique(a)) == a.size, "ties"
    return a


def instance(a: np.ndarray) -> dict:
    rid = [f"r{j:04d}" for j in range(R)]
    return {
        "proposals": [{"id": f"p{i:05d}", "reviewers": K} for i in range(P)],
        "reviewers": [{"id": r, "max_load": MAX_LOAD, "min_load": 0} for r in rid],
        "affinity": {f"p{i:05d}": dict(zip(rid, a[i].tolist(), strict=True)) for i in range(P)},
        "conflicts": [],
    }


def highs(a: np.ndarray) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, optimum) of HiGHS on the LP relaxation."""
    n = P * R
    rows = np.concatenate([np.repeat(np.arange(P), R), P + np.tile(np.arange(R), P)])
    m = sp.csr_matrix((np.ones(2 * n), (rows, np.tile(np.arange(n), 2))), shape=(P + R, n))
    a_eq, a_ub = m[:P], m[P:]
    t, c = time.perf_counter(), time.process_time()
    res = linprog(
        -a.ravel(),
        A_ub=a_ub,
        b_ub=np.full(R, MAX_LOAD),
        A_eq=a_eq,
        b_eq=np.full(P, K),
        bounds=(0, 1),
        method="highs",
    )
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    assert res.status == 0, res.message
    return wall, cpu, -res.fun


def command(path: Path, out: Path, mode: str) -> tuple[float, float]:
    exe = Path(sys.executable).with_name("kakehashi-match")
    args = [str(exe), "assign", str(path), "--mode", mode, "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCH, *args], capture_output=True, text=True, check=True
    )
    code, wall, cpu = json.loads(done.stdout)
    if code != 0:
        raise SystemExit(f"{args} exited {code}")
    return wall, cpu


def load() -> str:
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def med(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} s ({min(xs):.2f}-{max(xs):.2f})"


def run(kind: str, repeat: int, tmp: Path) -> dict:
    a = affinities(kind)
    path = tmp / f"{kind}.json"
    path.write_text(json.dumps(instance(a)), encoding="utf-8")
    size = path.stat().st_size / 1e6
    print(f"\n== {kind}: {P} proposals × {R} reviewers × {K} each, {P * R:,} pairs, {size:.1f} MB")
    out = tmp / "result.json"
    command(path, out, "sum")  # warm-up: numba's cache, the page cache
    h_wall, h_cpu, c_wall, c_cpu = [], [], [], []
    optimum = None
    for i in range(repeat):
        w, c, optimum = highs(a)
        h_wall.append(w)
        h_cpu.append(c)
        w, c = command(path, out, "sum")
        c_wall.append(w)
        c_cpu.append(c)
        print(f"  round {i + 1}: HiGHS {h_wall[-1]:.2f} s, command {c_wall[-1]:.2f} s; {load()}")
    result = json.loads(out.read_text(encoding="utf-8"))
    rel = abs(result["objective"] - optimum) / abs(optimum)
    ratio = statistics.median(c_wall) / statistics.median(h_wall)
    print(
        f"  HiGHS LP solve:              median {med(h_wall)}, CPU {statistics.median(h_cpu):.2f} s"
    )
    print(
        f"  kakehashi-match assign sum:  median {med(c_wall)}, CPU {statistics.median(c_cpu):.2f} s"
    )
    print(
        f"  ratio command / HiGHS: {ratio:.3f} (target <= 0.5) {'OK' if ratio <= 0.5 else 'MISSED'}"
    )
    print(
        f"  objective {result['objective']:.9f}, LP optimum {optimum:.9f}, relative difference "
        f"{rel:.1e} (target <= 1e-6) {'OK' if rel <= 1e-6 else 'MISSED'}; "
        f"dual bound {result['certificate']['upper_bound']:.9f}; "
        f"min score {result['min_score']:.4f}"
    )
    figures = {"ratio": ratio, "rel": rel}
    print("  stages of the command (medians of fresh processes):")
    for name, sec in stages(path, out, repeat).items():
        print(f"    {name:<45} {sec:6.3f} s")
    for mode in ("fair", "randomized"):
        walls = [command(path, out, mode)[0] for _ in range(repeat)]
        r = json.loads(out.read_text(encoding="utf-8"))
        extra = (
            f"min score {r['min_score']:.4f} (sum's {result['min_score']:.4f}; upper bound "
            f"{r['certificate'].get('min_score_upper_bound', float('nan')):.4f}), "
            f"total {r['objective']:.3f}"
            if mode == "fair"
            else f"expected affinity {r['expected_objective']:.3f} (cap {r['cap']}), "
            f"drawn {r['objective']:.3f}, "
            f"largest marginal {max(max(row.values()) for row in r['marginals'].values())}"
        )
        print(f"  kakehashi-match assign {mode}: median {med(walls)}; {extra}")
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--instance", nargs="+", default=["random", "topics"])
    args = ap.parse_args()
    print(f"machine: {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        figures = {k: run(k, args.repeat, Path(tmp)) for k in args.instance}
    print("\nsummary:")
    for k, f in figures.items():
        print(f"  {k}: command / HiGHS = {f['ratio']:.3f}, |sum - LP| / LP = {f['rel']:.1e}")


if __name__ == "__main__":
    main()
