"""Deadline burst: 500 candidates submit and re-submit their rank lists in the last
60 seconds before the deadline while 50 other people browse.

    make bench-web                                       # both benchmarks, SQLite
    .venv/bin/python benchmarks/web/bench_deadline.py [--database postgres] [--window 60]

Serves the demo as `make run` does (gunicorn, 2 sync workers, OMP_NUM_THREADS=1) on
127.0.0.1:8101, on SQLite in a temporary var/ directory (the embedded default) or on a
temporary PostgreSQL database (`load_bench_<pid>`, dropped afterwards). Seeds
--candidates candidates, each with 3-5 submitted applications to approved projects
of the demo call and an API token, then sets the call's applications phase (which
closes rank lists) to close --window seconds from now.

Each candidate sends its first rank list (PUT /api/v1/calls/{id}/rank-list, a random
order of a random subset of its applications) at a random moment of the window, then
re-sends a new one every 2-12 s until --after seconds past the deadline; one
candidate's requests are sequential, so its last accepted list is well defined. The
--browsers others read the project list, project pages, the API's list and search,
with 0.2-1 s between pages.

Reported: submissions accepted, refused after the deadline (422 phase_closed),
lost (a candidate whose stored rank list is not its last accepted one: must be 0),
partial (a stored list that is none of the candidate's accepted lists, or ranks not
1..n: must be 0), accepted although sent after the deadline (must be 0), latency
percentiles, errors by kind, and any "database is locked" in answers or the server log.

--proxy-stamp sends X-Request-Start with each list (what a reverse proxy in front would
add on receiving it) and serves with KAKEHASHI_TRUST_REQUEST_START=1, so lists are
judged at their arrival: then no list sent before the deadline may be refused either.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import Served, load

HERE = Path(__file__).resolve().parent
PREPARE = HERE / "_prepare_deadline.py"
BROWSE = [
    "/projects/",
    "/projects/?q=robot",
    "/api/v1/projects?limit=20",
    "/api/v1/search?q=brain",
    "/search/?q=%E8%84%B3",
    "/api/v1/organisations?limit=20",
]


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def candidate(session, base, c, call_id, limit, start, deadline, after, rng, log, stamp):
    await asyncio.sleep(max(0.0, start + rng.uniform(0, (deadline - start) * 0.9) - time.time()))
    headers = {"Authorization": f"Bearer {c['token']}"}
    url = f"{base}/api/v1/calls/{call_id}/rank-list"
    while time.time() < deadline + after:
        n = rng.randint(1, min(limit, len(c["projects"])))
        ids = rng.sample(c["projects"], n)
        sent = time.time()
        entry = {"candidate": c["id"], "ids": ids, "sent": sent}
        if stamp:
            # What a reverse proxy in front would add on receiving it (same machine).
            headers["X-Request-Start"] = f"t={sent:.6f}"
        try:
            async with session.put(url, json={"project_ids": ids}, headers=headers) as r:
                entry["status"] = r.status
                entry["body"] = await r.text()
        except Exception as e:  # a timeout or a reset: counted as an error, never retried
            entry["status"] = None
            entry["body"] = f"{type(e).__name__}: {e}"
        entry["done"] = time.time()
        log.append(entry)
        await asyncio.sleep(rng.uniform(2, 12))


async def browser(session, base, start, stop, rng, log):
    await asyncio.sleep(max(0.0, start + rng.uniform(0, 2) - time.time()))
    while time.time() < stop:
        path = rng.choice(BROWSE)
        sent = time.time()
        entry = {"path": path, "sent": sent}
        try:
            async with session.get(base + path) as r:
                entry["status"] = r.status
                body = await r.text()
                entry["locked"] = "database is locked" in body
        except Exception as e:  # as above
            entry["status"] = None
            entry["body"] = f"{type(e).__name__}: {e}"
        entry["done"] = time.time()
        log.append(entry)
        await asyncio.sleep(rng.uniform(0.2, 1.0))


async def burst(base, seeded, deadline, window, after, browsers, seed, stamp=False):
    rng = random.Random(seed)
    start = deadline - window
    subs: list[dict] = []
    reads: list[dict] = []
    timeout = aiohttp.ClientTimeout(total=120)
    conn = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=conn) as session:
        tasks = [
            candidate(
                session,
                base,
                c,
                seeded["call_id"],
                seeded["ranking_limit"],
                start,
                deadline,
                after,
                random.Random(rng.random()),
                subs,
                stamp,
            )
            for c in seeded["candidates"]
        ]
        tasks += [
            browser(session, base, start, deadline + after, random.Random(rng.random()), reads)
            for _ in range(browsers)
        ]
        await asyncio.gather(*tasks)
    return subs, reads


def analyse(subs, reads, final, deadline, server_log) -> dict:
    by_cand = collections.defaultdict(list)
    for s in sorted(subs, key=lambda s: s["sent"]):
        by_cand[s["candidate"]].append(s)
    kinds = collections.Counter()
    accepted = refused = late_accepted = refused_in_time = 0
    for s in subs:
        if s["status"] == 200:
            accepted += 1
            late_accepted += s["sent"] > deadline
        elif s["status"] == 422 and '"phase_closed"' in s["body"]:
            refused += 1
            refused_in_time += s["sent"] < deadline
        else:
            kinds[f"{s['status']}: {s['body'][:120]}"] += 1
    lost = partial = unanswered_candidates = 0
    for cid, rows in by_cand.items():
        stored = final.get(str(cid), {"ranks": [], "project_ids": []})
        ok = [r["ids"] for r in rows if r["status"] == 200]
        expected = ok[-1] if ok else []
        if any(r["status"] is None for r in rows):
            unanswered_candidates += 1  # an unanswered request may or may not have committed
        if stored["ranks"] != list(range(1, len(stored["ranks"]) + 1)) or (
            stored["project_ids"] and stored["project_ids"] not in ok
        ):
            partial += 1
        elif stored["project_ids"] != expected:
            lost += 1
    read_kinds = collections.Counter(
        f"{r['status']}" + (f": {r.get('body', '')[:100]}" if r["status"] is None else "")
        for r in reads
        if r["status"] != 200
    )
    locked = sum("database is locked" in s["body"] for s in subs if s["status"] != 200)
    locked += sum(bool(r.get("locked")) for r in reads)
    return {
        "submissions": len(subs),
        "accepted": accepted,
        "refused_after_deadline": refused,
        "accepted_though_sent_after_deadline": late_accepted,
        "refused_though_sent_before_deadline": refused_in_time,
        "lost": lost,
        "partial": partial,
        "candidates_with_unanswered_request": unanswered_candidates,
        "submission_errors": dict(kinds),
        "submit_latency_ms": [
            round(_pct([(s["done"] - s["sent"]) * 1000 for s in subs if s["status"]], p))
            for p in (50, 95, 99)
        ],
        "last_accepted_before_deadline_s": round(
            deadline - max((s["sent"] for s in subs if s["status"] == 200), default=deadline), 2
        ),
        "reads": len(reads),
        "read_errors": dict(read_kinds),
        "read_latency_ms": [
            round(_pct([(r["done"] - r["sent"]) * 1000 for r in reads if r["status"]], p))
            for p in (50, 95, 99)
        ],
        "database_is_locked_in_answers": locked,
        "database_is_locked_in_server_log": server_log.count("database is locked"),
        "server_errors_in_log": server_log.count("Traceback"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--port", type=int, default=8101)
    ap.add_argument("--window", type=float, default=60, help="seconds before the deadline")
    ap.add_argument("--after", type=float, default=5, help="seconds of tries past it")
    ap.add_argument("--candidates", type=int, default=500)
    ap.add_argument("--browsers", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", help="also write the figures to this file")
    ap.add_argument(
        "--proxy-stamp",
        action="store_true",
        help="send X-Request-Start with each list, as a reverse proxy would, and serve with "
        "KAKEHASHI_TRUST_REQUEST_START=1: lists are judged at their arrival",
    )
    args = ap.parse_args()
    print(
        f"Deadline burst, {args.database}: {args.candidates} candidates, {args.browsers} "
        f"browsers, {args.window:g} s window; {load()}",
        flush=True,
    )
    with Served(
        database=args.database,
        port=args.port,
        prepare=str(PREPARE),
        prepare_args=["seed", str(args.candidates)],
        env={"KAKEHASHI_TRUST_REQUEST_START": "1"} if args.proxy_stamp else None,
    ) as srv:

        def script(*a: str) -> dict:
            out = subprocess.run(
                [sys.executable, str(PREPARE), *a],
                env=srv.env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            return json.loads(out.strip().splitlines()[-1])

        lead = 3.0  # the client starts this long after the deadline is set
        deadline = script("deadline", str(args.window + lead))["closes_at"]
        subs, reads = asyncio.run(
            burst(
                srv.base,
                srv.prepared,
                deadline,
                args.window,
                args.after,
                args.browsers,
                args.seed,
                stamp=args.proxy_stamp,
            )
        )
        final = script("final")
        server_log = srv.log_tail(10**8)
    result = analyse(subs, reads, final, deadline, server_log)
    result.update(
        database=args.database,
        window=args.window,
        candidates=args.candidates,
        browsers=args.browsers,
        proxy_stamp=args.proxy_stamp,
    )
    for k, v in result.items():
        print(f"  {k:<38} {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    bad = result["lost"] or result["partial"] or result["accepted_though_sent_after_deadline"]
    # Judged at arrival, a list sent in time is never refused (within the grace).
    bad = bad or (args.proxy_stamp and result["refused_though_sent_before_deadline"])
    sys.exit(1 if bad or result["database_is_locked_in_answers"] else 0)


if __name__ == "__main__":
    main()
