"""The network pages on a national-size history: how long each answers.

    .venv/bin/python benchmarks/network/bench_page.py [--per-year 10000] [--repeat 5]

Builds a throwaway world in a temporary directory (SQLite, the embedded default):
migrates, measures an invented 20-year history (kakehashi_network.synthetic) and keeps it
as the latest snapshot, as the `network.measure` job would, then times, in process with
Django's test client, the officers' page, its graph data (unfiltered and filtered) and the
public page. Goal: each answers in ≤ 1 s. Prints medians; the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

WORK = tempfile.mkdtemp(prefix="kakehashi-network-bench-")
os.environ["KAKEHASHI_VAR_DIR"] = WORK
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kakehashi.settings")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

import kakehashi_network as kn  # noqa: E402
from kakehashi.network.services import snapshot_store  # noqa: E402
from kakehashi.people.models import User  # noqa: E402
from kakehashi_network.synthetic import synthetic_history  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-year", type=int, default=10_000)
    ap.add_argument("--organisations", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    call_command("migrate", verbosity=0)
    data = synthetic_history(per_year=a.per_year, organisations=a.organisations, seed=1)
    t = time.perf_counter()
    result = kn.measure(kn.History.from_dict(data), include_ties=True)
    print(f"measured {result['ties_count']:,} ties in {time.perf_counter() - t:.1f} s")
    names = {
        oid: {"name": f"Organisation {oid}", **{k: o[k] for k in ("type", "country", "region")}}
        for oid, o in data["organisations"].items()
    }
    t = time.perf_counter()
    snapshot_store(result=result, names=names, history_hash="synthetic")
    print(f"stored the snapshot in {time.perf_counter() - t:.1f} s")
    officer = User.objects.create(username="officer", is_officer=True)
    client = Client()
    client.force_login(officer)
    pages = [
        ("/officer/network/", "officers' page"),
        ("/officer/network/graph.json", "graph data, all"),
        ("/officer/network/graph.json?country=JP&year_from=2020", "graph data, filtered"),
        ("/network/", "public page"),
        ("/api/v1/network/summary", "public API summary"),
    ]
    for path, label in pages:
        times = []
        for _ in range(a.repeat):
            t = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, (path, response.status_code)
        print(f"  {label:<22} median {statistics.median(times) * 1000:7.0f} ms  (goal ≤ 1000 ms)")


if __name__ == "__main__":
    main()
