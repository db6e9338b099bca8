"""factory_boy factories for the web project's tests. No surprises: each builds
exactly the row it names, with valid identifiers and an open call."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from kakehashi.applications.models import Application, HostRank
from kakehashi.organisations.models import Organisation
from kakehashi.organisations.validators import ror_checksum
from kakehashi.people.models import CandidateProfile, User
from kakehashi.people.validators import orcid_check_character
from kakehashi.programs.models import Call, CallPhase, Program
from kakehashi.projects.models import Project, ProjectSupervisor

PASSWORD = "kakehashi"
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def make_ror(n: int) -> str:
    body = "0"
    for _ in range(6):
        body += _CROCKFORD[n % 32]
        n //= 32
    return body[:1] + body[1:][::-1] + ror_checksum(body[:1] + body[1:][::-1])


def make_orcid(n: int) -> str:
    digits = f"000000020{n:06d}"
    return "-".join(
        [digits[0:4], digits[4:8], digits[8:12], digits[12:15] + orcid_check_character(digits)]
    )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    ror_id = factory.Sequence(lambda n: make_ror(1000 + n))
    name = factory.Sequence(lambda n: f"Test Institute {n}")
    name_en = factory.LazyAttribute(lambda o: o.name)
    type = "university"
    country = "JP"
    region = "JP-26"
    city = "Kyoto"


class CanadianOrganisationFactory(OrganisationFactory):
    country = "CA"
    region = "CA-BC"
    city = "Vancouver"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_name = "Given"
    timezone = "UTC"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OfficerFactory(UserFactory):
    is_officer = True


class CandidateProfileFactory(factory.django.DjangoModelFactory):
    """A Canadian PhD candidate going to Japan, writing in English."""

    class Meta:
        model = CandidateProfile

    user = factory.SubFactory(UserFactory)
    level = "phd"
    home_organisation = factory.SubFactory(CanadianOrganisationFactory)
    direction = "CA_JP"
    research_interests = "EEG decoding for brain-computer interfaces."
    interests_language = "en"
    skills = factory.LazyFunction(lambda: ["python", "eeg"])


def candidate(**kwargs) -> User:
    return CandidateProfileFactory(**kwargs).user


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    slug = factory.Sequence(lambda n: f"program-{n}")
    name_en = factory.Sequence(lambda n: f"Program {n}")
    directions = factory.LazyFunction(lambda: ["CA_JP", "JP_CA"])
    eligible_levels = factory.LazyFunction(lambda: ["masters", "phd", "postdoc"])


class CallFactory(factory.django.DjangoModelFactory):
    """A call whose application phase is open now (Tokyo deadline) and ranking later."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    slug = factory.Sequence(lambda n: f"call-{n}")
    name_en = factory.Sequence(lambda n: f"Call {n}")
    status = "open"
    timezone = "Asia/Tokyo"
    ranking_limit = 3

    @factory.post_generation
    def phases(obj, create, extracted, **kwargs):
        if not create:
            return
        now = timezone.now()
        CallPhase.objects.create(
            call=obj,
            kind="applications",
            opens_at=now - dt.timedelta(days=10),
            closes_at=now + dt.timedelta(days=10),
            timezone="Asia/Tokyo",
        )
        CallPhase.objects.create(
            call=obj,
            kind="host_ranking",
            opens_at=now + dt.timedelta(days=10),
            closes_at=now + dt.timedelta(days=20),
            timezone="Asia/Tokyo",
        )


class ProjectFactory(factory.django.DjangoModelFactory):
    """An approved project at a Japanese host, written in Japanese."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    key = factory.Sequence(lambda n: f"project-{n}")
    host = factory.SubFactory(OrganisationFactory)
    language = "ja"
    title = factory.Sequence(lambda n: f"脳波デコーディング研究 {n}")
    summary = "脳波から意図を読み取る。"
    description = "脳波デコーディングの研究プロジェクトです。"
    working_language = "en"
    city = "Kyoto"
    region = "JP-26"
    start_date = dt.date(2027, 5, 1)
    end_date = dt.date(2027, 8, 31)
    capacity = 1
    status = "approved"

    @factory.post_generation
    def supervisor(obj, create, extracted, **kwargs):
        if create:
            ProjectSupervisor.objects.create(
                project=obj, person=extracted or UserFactory(), role="academic"
            )


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    candidate = factory.LazyFunction(candidate)
    project = factory.SubFactory(ProjectFactory)
    call = factory.LazyAttribute(lambda a: a.project.call)
    submitted_at = factory.LazyFunction(timezone.now)


class HostRankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostRank

    supervisor = factory.SubFactory(UserFactory)
    call = factory.SubFactory(CallFactory)
    candidate = factory.SubFactory(UserFactory)
    rank = 1


class LanguageSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.LanguageSkill"

    person = factory.SubFactory(UserFactory)
    language = "en"
    level = "C1"


def page_world():
    """One call with every role the pages know, for page and permission tests.

    `project` (English, at a Japanese host) is supervised by `supervisor` and
    applied to by `candidate`; `other_project` (Japanese) is supervised by
    `other_supervisor` and applied to by `other_candidate`.
    """
    from types import SimpleNamespace

    call = CallFactory(slug="summer", name_en="2027 Summer", ranking_limit=3)
    supervisor = UserFactory(username="sup", given_name="Hana", family_name="Sato")
    other_supervisor = UserFactory(username="sup2", given_name="Ken", family_name="Ito")
    host = OrganisationFactory(name="Kyoto Test University", name_ja="京都テスト大学")
    project = ProjectFactory(
        call=call,
        key="eeg-decoding",
        host=host,
        language="en",
        title="Decoding EEG for brain-computer interfaces",
        summary="Read intentions from EEG.",
        description="A project on EEG decoding.",
        skills=["python", "signal processing"],
        supervisor=supervisor,
    )
    other_project = ProjectFactory(
        call=call, key="robotics", title="ロボット制御の研究", supervisor=other_supervisor
    )
    cand = candidate(user__username="cand", user__given_name="Alex", user__family_name="Martin")
    other_cand = candidate(
        user__username="cand2", user__given_name="Chloé", user__family_name="Roy"
    )
    return SimpleNamespace(
        call=call,
        host=host,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        project=project,
        other_project=other_project,
        candidate=cand,
        other_candidate=other_cand,
        officer=OfficerFactory(username="off"),
        application=ApplicationFactory(candidate=cand, project=project),
        other_application=ApplicationFactory(candidate=other_cand, project=other_project),
    )
