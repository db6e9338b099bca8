"""List and search speed of the web app under 32 connections (wrk).

    apt-get install -y wrk        # Debian's package, once
    make bench-web                # or: .venv/bin/python benchmarks/web/bench_lists.py

Serves the demo as `make run` does (gunicorn, 2 sync workers, OMP_NUM_THREADS=1,
SQLite in a temporary var/ directory, or PostgreSQL with --database postgres) on
127.0.0.1:8100 and drives each endpoint with wrk (32 connections, 1 thread) for
--duration seconds after a short warm-up, in --repeat rounds. Printed per endpoint
and round, then as medians of the rounds: requests per second, its share of the
ceiling, p50 and p99 latency, and the answers that were not 2xx/3xx.

The ceiling is the app's cheapest answer, measured in the same run: an anonymous
GET /api/v1/me, refused with 401 by the middleware stack and the API's auth. On a
shared machine the load drifts, so each endpoint's share is of a ceiling measured
for 3 s just before it (each run starts once the
workers have answered what the previous one left queued).
Search rotates the 25 hand-judged queries of the demo search benchmark (8 French,
8 Japanese, 9 English: tests/kakehashi_semantic/data/demo_search_judgements.json).
Goals (the hardening issue): lists >= 25% of the ceiling with p99 <= 250 ms;
search >= 10%.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, Served, load

HERE = Path(__file__).resolve().parent
QUERIES = ROOT / "tests" / "kakehashi_semantic" / "data" / "demo_search_judgements.json"


def endpoints(p: dict) -> list[tuple[str, str, str, list[str]]]:
    """(group, label, auth, paths): auth is "" (anonymous), "token:<role>" or "session:<role>"."""
    call = p["call"]
    qs = [q["q"] for q in json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]]
    api_q = [f"/api/v1/search?q={quote(q)}" for q in qs]
    page_q = [f"/search/?q={quote(q)}" for q in qs]
    one = lambda path: [path]  # noqa: E731
    return [
        ("ceiling", "/api/v1/me (401)", "", one("/api/v1/me")),
        ("api", "/api/v1/projects?limit=20", "", one("/api/v1/projects?limit=20")),
        ("api", "/api/v1/organisations?limit=20", "", one("/api/v1/organisations?limit=20")),
        ("api", "/api/v1/research-fields?limit=20", "", one("/api/v1/research-fields?limit=20")),
        ("api", "/api/v1/programs", "", one("/api/v1/programs")),
        ("api", "/api/v1/calls", "", one("/api/v1/calls")),
        (
            "api",
            "/api/v1/people?limit=20 (officer)",
            "token:officer",
            one("/api/v1/people?limit=20"),
        ),
        ("api", "/api/v1/applications (candidate)", "token:candidate", one("/api/v1/applications")),
        ("api", "/api/v1/me/tokens (candidate)", "token:candidate", one("/api/v1/me/tokens")),
        ("api", "/api/v1/me/results (candidate)", "token:candidate", one("/api/v1/me/results")),
        (
            "api",
            "/api/v1/recommendations/projects (candidate)",
            "token:candidate",
            one("/api/v1/recommendations/projects"),
        ),
        (
            "api",
            "/api/v1/calls/{id}/applicants (supervisor)",
            "token:supervisor",
            one(f"/api/v1/calls/{call['pk']}/applicants"),
        ),
        ("api", "/api/v1/me/interns (supervisor)", "token:supervisor", one("/api/v1/me/interns")),
        (
            "api",
            "/api/v1/calls/{slug}/runs (officer)",
            "token:officer",
            one(f"/api/v1/calls/{call['slug']}/runs"),
        ),
        (
            "api",
            "/api/v1/calls/{slug}/audit (officer)",
            "token:officer",
            one(f"/api/v1/calls/{call['slug']}/audit"),
        ),
        ("page", "/projects/", "", one("/projects/")),
        ("page", "/calls/ (officer)", "session:officer", one("/calls/")),
        ("page", "/applications/ (candidate)", "session:candidate", one("/applications/")),
        ("page", "/results/ (candidate)", "session:candidate", one("/results/")),
        ("page", "/recommendations/ (candidate)", "session:candidate", one("/recommendations/")),
        (
            "page",
            "/supervising/projects/ (supervisor)",
            "session:supervisor",
            one("/supervising/projects/"),
        ),
        ("page", "/interns/ (supervisor)", "session:supervisor", one("/interns/")),
        ("page", "/projects/ (candidate)", "session:candidate", one("/projects/")),
        ("page", "/home/ (candidate)", "session:candidate", one("/home/")),
        ("page", "/home/ (supervisor)", "session:supervisor", one("/home/")),
        ("page", "/home/ (officer)", "session:officer", one("/home/")),
        (
            "page",
            "/projects/{key}/ (candidate)",
            "session:candidate",
            one(f"/projects/{p['project']}/"),
        ),
        (
            "page",
            "/calls/{slug}/ranking/ (candidate)",
            "session:candidate",
            one(f"/calls/{call['slug']}/ranking/"),
        ),
        (
            "page",
            "/supervising/calls/{slug}/ranking/ (supervisor)",
            "session:supervisor",
            one(f"/supervising/calls/{call['slug']}/ranking/"),
        ),
        ("search", "/api/v1/search?q=robot (one query)", "", one("/api/v1/search?q=robot")),
        ("search", "/api/v1/search?q=… (25 queries en/fr/ja)", "", api_q),
        ("search", "/search/?q=… (25 queries en/fr/ja)", "", page_q),
        # Signed-in callers are never answered from the public cache: the search itself.
        ("search", "/api/v1/search?q=… (25 queries, candidate)", "token:candidate", api_q),
        ("search", "/search/?q=… (25 queries, candidate)", "session:candidate", page_q),
        ("search", "/search/?q=… (25 queries, supervisor)", "session:supervisor", page_q),
        ("search", "/search/?q=… (25 queries, officer)", "session:officer", page_q),
    ]


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNIT[m.group(2)]


def wrk(base: str, paths: list[str], header: str, *, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(paths) + "\n")
    env = dict(os.environ, BENCH_PATHS=fh.name, BENCH_HEADER=header)
    try:
        done = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-s",
                str(HERE / "rotate.lua"),
                base,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(fh.name)
    out = done.stdout
    if done.returncode or "Requests/sec" not in out:
        # wrk could not connect at all: a failed measurement, reported, not a crash.
        failure = (done.stderr or out).strip().splitlines()[-1:] or ["wrk failed"]
        nan = float("nan")
        return {"rps": 0.0, "p50": nan, "p99": nan, "non2xx": 0, "errors": failure[0]}
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(pct["50"]),
        "p99": _ms(pct["99"]),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": errors.group(1) if errors else "",
    }


GOALS = {"api": (0.25, 250), "page": (0.25, 250), "search": (0.10, None)}


def _median_row(runs: list[dict]) -> dict:
    row = dict(runs[0])
    for k in ("rps", "p50", "p99", "share"):
        row[k] = statistics.median(r[k] for r in runs)
    row["non2xx"] = sum(r["non2xx"] for r in runs)
    row["errors"] = "; ".join(r["errors"] for r in runs if r["errors"])
    goal = GOALS.get(row["group"])
    row["ok"] = goal is None or (
        row["share"] >= goal[0] and (goal[1] is None or row["p99"] <= goal[1])
    )
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--port", type=int, default=8100)
    ap.add_argument("--duration", type=int, default=4, help="seconds per endpoint and round")
    ap.add_argument("--warmup", type=int, default=1, help="seconds of warm-up per endpoint")
    ap.add_argument("--repeat", type=int, default=3, help="rounds; medians are printed")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--only", default="", help="run only endpoints whose label contains this")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    print(
        f"Kakehashi web lists, {args.database}, {args.connections} connections, "
        f"{args.repeat} rounds of {args.duration} s per endpoint; {load()}",
        flush=True,
    )
    runs: dict[str, list[dict]] = {}
    with Served(
        database=args.database, port=args.port, prepare=str(HERE / "_prepare_lists.py")
    ) as srv:
        print(f"server {srv.base}, {srv.workers} workers", flush=True)
        chosen = [
            e
            for e in endpoints(srv.prepared)
            if not args.only or args.only in e[1] or e[0] == "ceiling"
        ]
        ceiling_paths = chosen[0][3]
        for round_ in range(1, args.repeat + 1):
            ceiling = None
            for group, label, auth, paths in chosen:
                header = ""
                if auth:
                    kind, role = auth.split(":")
                    cred = srv.prepared[role]
                    header = (
                        f"Authorization: Bearer {cred['token']}"
                        if kind == "token"
                        else f"Cookie: sessionid={cred['session']}"
                    )
                if args.warmup and round_ == 1:
                    wrk(srv.base, paths, header, seconds=args.warmup, connections=args.connections)
                if group != "ceiling":
                    # The machine's load drifts: each endpoint's share is of a ceiling
                    # measured just before it.
                    srv.wait_idle()
                    c = wrk(srv.base, ceiling_paths, "", seconds=3, connections=args.connections)
                    ceiling = c["rps"] or float("nan")
                srv.wait_idle()
                r = wrk(
                    srv.base, paths, header, seconds=args.duration, connections=args.connections
                )
                if r["errors"] and not srv.alive():
                    print(f"gunicorn died; its log ends:\n{srv.log_tail()}", flush=True)
                    srv.start()
                if group == "ceiling":
                    ceiling = r["rps"] or float("nan")
                    r["non2xx"] = 0  # the ceiling's answer is a 401 by design
                r.update(group=group, label=label, share=r["rps"] / ceiling)
                runs.setdefault(label, []).append(r)
                print(
                    f"  [{round_}] {label:<48} {r['rps']:8.1f} req/s {r['share']:6.1%}"
                    f"  p50 {r['p50']:7.1f} ms  p99 {r['p99']:7.1f} ms"
                    f"{'  non-2xx ' + str(r['non2xx']) if r['non2xx'] else ''}"
                    f"{'  ' + r['errors'] if r['errors'] else ''}",
                    flush=True,
                )
    rows = [_median_row(v) for v in runs.values()]
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    print(f"\nMedians of {args.repeat} rounds; {load()}")
    print("| endpoint | req/s | share of ceiling | p50 ms | p99 ms | goal |")
    print("|---|---:|---:|---:|---:|---|")
    for r in rows:
        print(
            f"| `{r['label']}` | {r['rps']:.0f} | {r['share']:.1%} | {r['p50']:.0f} | "
            f"{r['p99']:.0f} | {'met' if r['ok'] else 'missed'} |"
        )


if __name__ == "__main__":
    main()
