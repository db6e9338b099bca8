from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from kakehashi.applications.models import Application, HostRank
from kakehashi.people.models import User
from kakehashi.programs.models import Call
from kakehashi.projects.models import Project

DEMO_USERNAMES = {
    "officer",
    "supervisor",
    "supervisor-ca",
    "candidate",
    "candidate-ja",
    "candidate-fr",
    "reviewer",
    "admin",
}


def _snapshot():
    """Every row of every Kakehashi table, as values: what “changes nothing” means."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "admin", "contenttypes", "auth"}:
            continue
        rows[model._meta.label] = sorted(
            (tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()),
        )
    return rows


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue().startswith("Demo loaded:")
    before = _snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert out.getvalue() == "Demo already loaded: nothing to do.\n"
    assert _snapshot() == before


@pytest.mark.django_db
def test_load_demo_creates_the_documented_accounts():
    call_command("load_demo", stdout=StringIO())
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert set(users) == DEMO_USERNAMES
    assert all(u.check_password("kakehashi") for u in users.values())
    assert users["officer"].is_officer and users["admin"].is_superuser
    assert users["reviewer"].is_reviewer
    assert users["candidate"].candidate_profile.interests_language == "en"
    assert users["candidate-ja"].candidate_profile.interests_language == "ja"
    assert users["candidate-fr"].candidate_profile.interests_language == "fr"
    assert users["supervisor"].affiliations.get().organisation.ror_id == "01pe1d703"
    assert users["supervisor-ca"].affiliations.get().organisation.country == "CA"


@pytest.mark.django_db
def test_load_demo_builds_an_open_call_with_a_market():
    call_command("load_demo", stdout=StringIO())
    call = Call.objects.get(slug="2027-summer")  # the open call (the demo also has a past one)
    assert call.phases.get(kind="applications").is_open()
    languages = set(Project.objects.values_list("language", flat=True))
    assert languages == {"en", "fr", "ja"}
    # The demo logins start with a clean slate; everyone else has applied and ranked.
    fresh = User.objects.filter(username__in=["candidate", "candidate-ja", "candidate-fr"])
    assert not Application.objects.filter(candidate__in=fresh).exists()
    assert Application.objects.filter(rank=1).count() >= 10
    assert not HostRank.objects.filter(
        call=call, supervisor__username__in=["supervisor", "supervisor-ca"]
    )
    assert HostRank.objects.exists()


@pytest.mark.django_db
def test_load_demo_brings_the_review_demo():
    """Invented reviewers with profiles, a review form, a submitted English project with
    a Japanese translation; review itself is left for the officer to open."""
    from kakehashi.review.models import ReviewerProfile, ReviewForm, ReviewRound

    # Imported here: the other tests of this module do not look at review.
    call_command("load_demo", stdout=StringIO())
    profiles = ReviewerProfile.objects.select_related("user").order_by("user__username")
    assert [p.user.username for p in profiles] == [
        "reviewer",
        "reviewer-chen",
        "reviewer-gagnon",
        "reviewer-ishikawa",
        "reviewer-sato",
    ]
    assert all("invent" in p.expertise.lower() or "架空" in p.expertise for p in profiles)
    assert ReviewForm.objects.get().criterion_keys() == ["merit", "training", "feasibility"]
    project = Project.objects.get(key="review-demo-sea-ice")
    assert (project.status, project.language, list(project.translations)) == (
        "submitted",
        "en",
        ["ja"],
    )
    assert not ReviewRound.objects.exists()
