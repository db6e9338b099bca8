"""Shared helpers for the match-engine benchmarks (timing medians, machine load)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from kakehashi_match.generate import random_instance

__all__ = ["load", "median_time", "nrmp_instance"]


def median_time(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> tuple[float, float]:
    """Median wall time and median CPU time of *fn* over *repeat* runs after
    *warmup* runs. On a shared machine the CPU time is the steadier figure."""
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def load() -> str:
    """The 1-minute load average and core count: timings on a shared machine vary."""
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def nrmp_instance(n_students: int = 45_000, list_length: int = 12, seed: int = 1) -> dict:
    """NRMP-shaped market: 45,000 students ranking 12 of 6,400 projects with
    popularity skew, capacities 1-12; 3,000 supervisors and 400 organisations
    whose caps bind (90% of what sits below them)."""
    scale = n_students / 45_000
    return random_instance(
        n_students,
        max(1, round(6_400 * scale)),
        list_length=list_length,
        n_supervisors=max(1, round(3_000 * scale)),
        n_organisations=max(1, round(400 * scale)),
        capacity=(1, 12),
        skew=1.0,
        supervisor_slack=0.9,
        organisation_slack=0.9,
        seed=seed,
    )
