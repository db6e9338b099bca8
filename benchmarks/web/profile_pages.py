"""CPU time and queries of the signed-in pages, in-process, per role: a figure far less
sensitive to a shared machine's load than req/s under wrk.

    KAKEHASHI_VAR_DIR=/tmp/some-demo-var .venv/bin/python benchmarks/web/profile_pages.py \\
        [--repeat 30] [--only search] [--changed]

Runs against the database of the environment (load the demo there first:
`manage.py migrate && manage.py load_demo`). Each page is asked once to warm caches,
then --repeat times; printed: the status, the queries of one request, and the median
CPU time (process time, not wall time) per request. Use profile_request.py for where
one page's time goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kakehashi.settings")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kakehashi.applications.models import Application  # noqa: E402
from kakehashi.core.cache import activity_version_bump  # noqa: E402
from kakehashi.people.models import User  # noqa: E402
from kakehashi.programs.models import Call  # noqa: E402
from kakehashi.projects.models import Project  # noqa: E402


def users() -> dict[str, User]:
    """The same three people as the list benchmark (_prepare_lists.py)."""
    candidate = (
        User.objects.annotate(n=Count("applications")).filter(n__gt=0).order_by("-n", "pk").first()
    )
    top = (
        Application.objects.values("project__supervisors")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return {
        "candidate": candidate,
        "supervisor": User.objects.get(pk=top["project__supervisors"]),
        "officer": User.objects.get(username="officer"),
    }


def pages() -> list[tuple[str, str]]:
    call = Call.objects.order_by("pk").first().slug
    project = Project.objects.filter(status="approved").order_by("pk").first().key
    rows = []
    for role in ("candidate", "supervisor", "officer"):
        rows += [
            (role, "/projects/"),
            (role, "/home/"),
            (role, f"/projects/{project}/"),
            (role, "/search/?q=robot"),
            (role, "/search/?q=apprentissage%20automatique"),
        ]
    rows += [
        ("candidate", f"/calls/{call}/ranking/"),
        ("supervisor", f"/supervising/calls/{call}/ranking/"),
        ("officer", f"/calls/{call}/runs/"),
        # The signed-in list pages of bench_lists.py, and the search page's 25 queries.
        ("officer", "/calls/"),
        ("candidate", "/applications/"),
        ("candidate", "/results/"),
        ("candidate", "/recommendations/"),
        ("supervisor", "/supervising/projects/"),
        ("supervisor", "/interns/"),
        ("supervisor", "/search/?q=machine%20learning"),
    ]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--only", default="")
    ap.add_argument(
        "--changed",
        action="store_true",
        help="change the activity version before each request (untimed): what a page "
        "kept per person costs when something it shows has just changed",
    )
    args = ap.parse_args()
    people = users()
    clients = {}
    for role, user in people.items():
        clients[role] = Client()
        clients[role].force_login(user)
    print(f"{'role':<11} {'page':<44} {'status':>6} {'queries':>7} {'CPU ms':>7}")
    for role, path in pages():
        if args.only and args.only not in path:
            continue
        client = clients[role]
        r = client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        # Now: the next request resets the connection's query log (request_started).
        queries = len(ctx.captured_queries)
        times = []
        for _ in range(args.repeat):
            if args.changed:
                activity_version_bump()
            t = time.process_time()
            client.get(path)
            times.append(time.process_time() - t)
        print(
            f"{role:<11} {path:<44} {r.status_code:>6} {queries:>7} "
            f"{statistics.median(times) * 1000:>7.1f}",
            flush=True,
        )


# ---------------------------------------------------------------- the signed-in API lists
# `--api`: the API list endpoints of bench_lists.py, called as it calls them (a Bearer
# token of the same person), printed like the pages. The tokens made here are deleted.


def api_rows() -> list[tuple[str, str]]:
    call = Call.objects.order_by("pk").first()
    return [
        ("officer", "/api/v1/people?limit=20"),
        ("candidate", "/api/v1/applications"),
        ("candidate", "/api/v1/me/tokens"),
        ("candidate", "/api/v1/me/results"),
        ("candidate", "/api/v1/recommendations/projects"),
        ("supervisor", f"/api/v1/calls/{call.pk}/applicants"),
        ("supervisor", "/api/v1/me/interns"),
        ("officer", f"/api/v1/calls/{call.slug}/runs"),
        ("officer", f"/api/v1/calls/{call.slug}/audit"),
    ]


def api_main() -> None:
    from kakehashi.people.models import ApiToken
    from kakehashi.people.services import api_token_create

    ap = argparse.ArgumentParser()
    ap.add_argument("--api", action="store_true")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    tokens = {role: api_token_create(user=user, name="profile") for role, user in users().items()}
    client = Client()
    try:
        print(f"{'role':<11} {'endpoint':<44} {'status':>6} {'queries':>7} {'CPU ms':>7}")
        for role, path in api_rows():
            if args.only and args.only not in path:
                continue
            headers = {"Authorization": f"Bearer {tokens[role][1]}"}
            r = client.get(path, headers=headers)
            with CaptureQueriesContext(connection) as ctx:
                client.get(path, headers=headers)
            queries = len(ctx.captured_queries)
            times = []
            for _ in range(args.repeat):
                t = time.process_time()
                client.get(path, headers=headers)
                times.append(time.process_time() - t)
            print(
                f"{role:<11} {path:<44} {r.status_code:>6} {queries:>7} "
                f"{statistics.median(times) * 1000:>7.1f}",
                flush=True,
            )
    finally:
        ApiToken.objects.filter(pk__in=[token.pk for token, _ in tokens.values()]).delete()


if __name__ == "__main__":
    import sys

    if "--api" in sys.argv[1:]:
        api_main()
    else:
        main()
