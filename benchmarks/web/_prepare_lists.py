"""Run by bench_lists.py inside the benchmark's Django (its env): API tokens and
signed-in session cookies for a candidate with applications, the supervisor with the
most applicants, and the officer. Prints one JSON line."""

import json

import django

django.setup()

from django.db.models import Count  # noqa: E402 (after django.setup())
from django.test import Client  # noqa: E402

from kakehashi.applications.models import Application  # noqa: E402
from kakehashi.people.models import User  # noqa: E402
from kakehashi.people.services import api_token_create  # noqa: E402
from kakehashi.programs.models import Call  # noqa: E402
from kakehashi.projects.models import Project  # noqa: E402

candidate = (
    User.objects.annotate(n=Count("applications")).filter(n__gt=0).order_by("-n", "pk").first()
)
top = (
    Application.objects.values("project__supervisors")
    .annotate(n=Count("pk"))
    .order_by("-n")
    .first()
)
supervisor = User.objects.get(pk=top["project__supervisors"])
officer = User.objects.get(username="officer")
out = {
    "call": Call.objects.order_by("pk").values("pk", "slug").first(),
    "project": Project.objects.filter(status="approved").order_by("pk").first().key,
}
for role, user in (("candidate", candidate), ("supervisor", supervisor), ("officer", officer)):
    _, key = api_token_create(user=user, name="bench")
    client = Client()
    client.force_login(user)
    out[role] = {
        "username": user.username,
        "token": key,
        "session": client.cookies["sessionid"].value,
    }
print(json.dumps(out))
