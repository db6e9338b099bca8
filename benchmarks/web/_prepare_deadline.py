"""Run by bench_deadline.py inside the benchmark's Django (its env).

_prepare_deadline.py seed N        N candidates, each with 3-5 submitted applications
                                   to approved projects of the demo call and an API
                                   token; prints one JSON line (ids, tokens, projects)
_prepare_deadline.py deadline S    the call's applications phase (the rank lists'
                                   deadline) closes S seconds from now; prints it
_prepare_deadline.py final         every seeded candidate's stored rank list
"""

import datetime as dt
import json
import random
import sys

import django

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402 (after django.setup())
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kakehashi.applications.enums import ApplicationStatus  # noqa: E402
from kakehashi.applications.models import Application  # noqa: E402
from kakehashi.organisations.models import Organisation  # noqa: E402
from kakehashi.people.models import ApiToken, CandidateProfile, User  # noqa: E402
from kakehashi.programs.enums import PhaseKind  # noqa: E402
from kakehashi.programs.models import Call, CallPhase  # noqa: E402
from kakehashi.projects.enums import ProjectStatus  # noqa: E402
from kakehashi.projects.models import Project  # noqa: E402

PREFIX = "bench-cand-"


def seed(n: int) -> dict:
    rng = random.Random(7)
    call = Call.objects.order_by("pk").first()
    projects = list(
        Project.objects.filter(call=call, status=ProjectStatus.APPROVED).values_list(
            "pk", flat=True
        )
    )
    org = Organisation.objects.filter(country="CA").order_by("pk").first()
    password = make_password(None)  # unusable: these accounts sign in with their token
    now = timezone.now()
    out = {"call_id": call.pk, "ranking_limit": call.ranking_limit, "candidates": []}
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                username=f"{PREFIX}{i:04d}",
                password=password,
                given_name="Bench",
                family_name=f"Candidate {i}",
                email=f"{PREFIX}{i:04d}@example.org",
            )
            for i in range(n)
        )
        CandidateProfile.objects.bulk_create(
            CandidateProfile(user=u, level="phd", home_organisation=org, direction="CA_JP")
            for u in users
        )
        apps, tokens = [], []
        for u in users:
            mine = rng.sample(projects, rng.randint(3, min(5, len(projects))))
            apps += [
                Application(
                    candidate=u,
                    project_id=p,
                    call=call,
                    submitted_at=now,
                    status=ApplicationStatus.SUBMITTED,
                )
                for p in mine
            ]
            key = "kh_bench_" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=32))
            tokens.append(
                ApiToken(
                    user=u,
                    name="bench",
                    key_hash=ApiToken.hash_key(key),
                    prefix=key[:8],
                    expires_at=now + dt.timedelta(days=1),
                )
            )
            out["candidates"].append({"id": u.pk, "token": key, "projects": mine})
        Application.objects.bulk_create(apps)
        ApiToken.objects.bulk_create(tokens)
    return out


def deadline(seconds: float) -> dict:
    call = Call.objects.order_by("pk").first()
    closes = timezone.now() + dt.timedelta(seconds=seconds)
    CallPhase.objects.filter(call=call, kind=PhaseKind.APPLICATIONS).update(closes_at=closes)
    return {"closes_at": closes.timestamp()}


def final() -> dict:
    lists: dict[int, list[tuple[int, int]]] = {}
    rows = Application.objects.filter(
        candidate__username__startswith=PREFIX, rank__isnull=False
    ).values_list("candidate_id", "rank", "project_id")
    for cid, rank, pid in rows:
        lists.setdefault(cid, []).append((rank, pid))
    return {
        str(cid): {"ranks": sorted(r for r, _ in v), "project_ids": [p for _, p in sorted(v)]}
        for cid, v in lists.items()
    }


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "seed":
        print(json.dumps(seed(int(sys.argv[2]))))
    elif what == "deadline":
        print(json.dumps(deadline(float(sys.argv[2]))))
    else:
        print(json.dumps(final()))
