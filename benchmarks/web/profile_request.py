"""Profile one request in-process: queries (count and time) and a pyinstrument tree.

    KAKEHASHI_VAR_DIR=/tmp/some-demo-var .venv/bin/python benchmarks/web/profile_request.py \\
        /projects/ [--user candidate|USERNAME] [--token] [--repeat 20]

Runs against the database of the environment (load the demo there first:
`manage.py migrate && manage.py load_demo`). The first request warms caches and is
not profiled; the next --repeat are, and the query count is of the last one.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kakehashi.settings")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from kakehashi.people.models import User  # noqa: E402
from kakehashi.people.services import api_token_create  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--user", default="")
    ap.add_argument("--token", action="store_true", help="a bearer token instead of a session")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--queries", action="store_true", help="print every query")
    ap.add_argument("--flat", action="store_true", help="a flat profile (self time per function)")
    args = ap.parse_args()
    client = Client()
    headers = {}
    if args.user:
        user = User.objects.get(username=args.user)
        if args.token:
            headers["Authorization"] = "Bearer " + api_token_create(user=user, name="prof")[1]
        else:
            client.force_login(user)
    r = client.get(args.path, headers=headers)
    print(args.path, r.status_code, len(r.content), "bytes")
    with CaptureQueriesContext(connection) as ctx:
        client.get(args.path, headers=headers)
    print(
        len(ctx.captured_queries),
        "queries,",
        f"{sum(float(q['time']) for q in ctx.captured_queries) * 1000:.1f} ms in the database",
    )
    if args.queries:
        for q in ctx.captured_queries:
            print(f"  {q['time']}  {q['sql'][:300]}")
    prof = Profiler(interval=0.0005)
    t = time.perf_counter()
    with prof:
        for _ in range(args.repeat):
            client.get(args.path, headers=headers)
    print(f"{(time.perf_counter() - t) / args.repeat * 1000:.1f} ms per request")
    if args.flat:
        print(prof.output_text(unicode=True, color=False, flat=True)[:6000])
    else:
        print(prof.output_text(unicode=True, color=False, short_mode=True))


if __name__ == "__main__":
    main()
