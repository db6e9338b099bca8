"""Build the demo: real organisations (ROR), people, a program, a call and projects.

Demo accounts are created here and nowhere else. Loading is idempotent: rows
are looked up by natural key (ROR id, username, slug, project key) and only
missing rows are created, so a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from kakehashi.applications.models import Application, HostRank
from kakehashi.core.cache import data_version_bump
from kakehashi.demo.funding import funding_demo
from kakehashi.demo.internships import demo_internships
from kakehashi.demo.mobility import demo_mobility
from kakehashi.demo.past_round import demo_past_round
from kakehashi.network.models import RecordedActivity
from kakehashi.network.services import network_measure
from kakehashi.organisations.models import Organisation
from kakehashi.organisations.validators import normalise_ror
from kakehashi.people.models import Affiliation, CandidateProfile, LanguageSkill, User
from kakehashi.programs.models import Call, CallPhase, Program
from kakehashi.projects.models import Project, ProjectSupervisor
from kakehashi.reports.models import ReportForm, ReportQuestion
from kakehashi.research_fields.models import ResearchField
from kakehashi.review.models import ReviewerProfile, ReviewForm

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "kakehashi"
# These accounts are left without applications so a visitor can try every step.
FRESH_ACCOUNTS = {"candidate", "candidate-ja", "candidate-fr"}
# These supervisors are left without a ranking for the same reason.
FRESH_SUPERVISORS = {"supervisor", "supervisor-ca"}
DEMO_LOGINS = [
    ("officer", "program officer"),
    ("supervisor", "host supervisor at ATR (Japan)"),
    ("supervisor-ca", "host supervisor at a Canadian university"),
    ("candidate", "Canadian PhD student, writes in English"),
    ("candidate-ja", "Japanese master's student, writes in Japanese"),
    ("candidate-fr", "PhD student from Québec at Tohoku University (Sendai), writes in French"),
    ("reviewer", "reviewer (reads Japanese and English; proposal review: /review/)"),
    ("reviewer-gagnon", "invented reviewer, reads French and English"),
    ("admin", "superuser (Django admin at /admin/)"),
    ("cand-hannah", "invented intern at ATR from the previous round (under way)"),
    ("cand-arjun", "invented candidate with an ATR offer still to answer"),
]


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _load(name: str):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _organisations(report: DemoReport) -> dict[str, Organisation]:
    rows = _load("organisations.json")
    by_ror = {o.ror_id: o for o in Organisation.objects.filter(ror_id__isnull=False)}
    pending = list(rows)
    # Parents first: repeat until every row whose parent exists is placed.
    while pending:
        progressed = False
        for row in list(pending):
            ror = normalise_ror(row["ror_id"])
            parent_ror = normalise_ror(row["parent_ror"]) if row.get("parent_ror") else None
            if parent_ror and parent_ror not in by_ror:
                continue
            pending.remove(row)
            progressed = True
            if ror in by_ror:
                continue
            org = Organisation(
                ror_id=ror,
                name=row["name"],
                name_en=row.get("name_en") or "",
                name_fr=row.get("name_fr") or "",
                name_ja=row.get("name_ja") or "",
                aliases=row.get("aliases") or [],
                acronyms=row.get("acronyms") or [],
                type=row["type"],
                country=row["country"],
                region=row["region"],
                city=row.get("city") or "",
                parent=by_ror.get(parent_ror) if parent_ror else None,
                website=row.get("website") or "",
            )
            org.full_clean()
            org.save()
            by_ror[ror] = org
            report.add("organisations")
        if not progressed:
            raise ValueError(f"organisations.json: unknown parents in {pending!r}")
    return by_ror


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is deliberately slow; every demo account shares the documented
    # password, so one hash serves them all and loading stays quick.
    return make_password(DEMO_PASSWORD)


def _person(row: dict, report: DemoReport, **flags) -> tuple[User, bool]:
    user = User.objects.filter(username=row["username"]).first()
    if user:
        return user, False
    user = User(
        username=row["username"],
        email=row.get("email", ""),
        family_name=row.get("family_name", ""),
        given_name=row.get("given_name", ""),
        family_name_kanji=row.get("family_name_kanji", ""),
        given_name_kanji=row.get("given_name_kanji", ""),
        family_name_kana=row.get("family_name_kana", ""),
        given_name_kana=row.get("given_name_kana", ""),
        orcid=row.get("orcid"),
        timezone=row.get("timezone", "UTC"),
        preferred_language=row.get("interests_language")
        or ("ja" if row.get("family_name_kanji") else "en"),
        **flags,
    )
    user.password = _demo_password_hash()
    user.full_clean()
    user.save()
    LanguageSkill.objects.bulk_create(
        LanguageSkill(person=user, language=lang["code"], level=lang["level"])
        for lang in row.get("languages", [])
    )
    data_version_bump()  # bulk_create sends no signal: retire cached public answers
    report.add("people")
    return user, True


def _people(orgs: dict[str, Organisation], report: DemoReport) -> dict[str, User]:
    data = _load("people.json")
    fields = {f.code: f for f in ResearchField.objects.all()}
    users: dict[str, User] = {}
    for row in data["supervisors"]:
        user, created = _person(row, report)
        if created:
            Affiliation.objects.create(
                person=user,
                organisation=orgs[normalise_ror(row["organisation_ror"])],
                role="supervisor",
            )
        users[user.username] = user
    for row in data["candidates"]:
        user, created = _person(row, report)
        if created:
            home = orgs[normalise_ror(row["home_organisation_ror"])]
            Affiliation.objects.create(person=user, organisation=home, role="student")
            profile = CandidateProfile(
                user=user,
                level=row["level"],
                home_organisation=home,
                direction=row["direction"],
                degree=row.get("degree", ""),
                research_interests=row["research_interests"],
                interests_language=row["interests_language"],
                skills=row.get("skills", []),
            )
            profile.full_clean()
            profile.save()
            profile.fields.set([fields[c] for c in row.get("fields", [])])
        users[user.username] = user
    for row in data["staff"]:
        flags = {
            "officer": {"is_officer": True, "is_staff": True},
            "reviewer": {"is_reviewer": True},
            "admin": {"is_staff": True, "is_superuser": True, "is_officer": True},
        }.get(row["username"], {})
        user, _created = _person(row, report, **flags)
        users[user.username] = user
    return users


def _program_and_call(report: DemoReport, today: dt.date) -> Call:
    data = _load("programs.json")
    spec = data["programs"][0]
    program = Program.objects.filter(slug=spec["slug"]).first()
    if program is None:
        program = Program(
            slug=spec["slug"],
            name_en=spec["name_en"],
            name_fr=spec.get("name_fr", ""),
            name_ja=spec.get("name_ja", ""),
            directions=spec["directions"],
            eligible_levels=spec["eligible_levels"],
            unit_weeks_min=spec.get("unit_weeks_min", 12),
            unit_weeks_max=spec.get("unit_weeks_max", 24),
            max_units_per_person=spec.get("max_units_per_person", 1),
            funding_rules=spec.get("funding_rules", []),
        )
        program.full_clean()
        program.save()
        report.add("programs")
    call_spec = spec["calls"][0]
    call = Call.objects.filter(slug=call_spec["slug"]).first()
    if call is None:
        call = Call(
            program=program,
            slug=call_spec["slug"],
            name_en=call_spec["name_en"],
            name_fr=call_spec.get("name_fr", ""),
            name_ja=call_spec.get("name_ja", ""),
            status="open",
            timezone=call_spec.get("timezone", "Asia/Tokyo"),
            ranking_limit=call_spec.get("ranking_limit", 5),
            match_policy=call_spec.get("match_policy", {"mode": "student", "seed": 2027}),
        )
        call.full_clean()
        call.save()
        report.add("calls")
        _phases(call, call_spec.get("phases", []), today)
    return call


def _phases(call: Call, specs: list[dict], today: dt.date) -> None:
    """Phase windows are laid relative to the day the demo is loaded, so the
    application phase is always open in a fresh demo; the zones come from the data."""
    aliases = {"ranking": "host_ranking"}
    zones = {aliases.get(p["kind"], p["kind"]): p.get("timezone", call.timezone) for p in specs}
    windows = [
        ("applications", -30, 45),
        ("host_ranking", 45, 60),
        ("matching", 60, 67),
        ("offers", 67, 81),
    ]
    for kind, start, end in windows:
        zone = zoneinfo.ZoneInfo(zones.get(kind, call.timezone))
        opens = dt.datetime.combine(today + dt.timedelta(days=start), dt.time(9, 0), zone)
        closes = dt.datetime.combine(today + dt.timedelta(days=end), dt.time(17, 0), zone)
        CallPhase.objects.create(
            call=call,
            kind=kind,
            opens_at=opens.astimezone(dt.UTC),
            closes_at=closes.astimezone(dt.UTC),
            timezone=zone.key,
        )


def _project(call, row: dict, orgs, users, fields) -> Project:
    project = Project(
        call=call,
        key=row["key"],
        host=orgs[normalise_ror(row["host_ror"])],
        language=row["language"],
        title=row["title"],
        summary=row.get("summary", ""),
        description=row["description"],
        translations=row.get("translations", {}),
        skills=row.get("skills", []),
        working_language=row["working_language"],
        city=row.get("city", ""),
        region=row["region"],
        start_date=dt.date.fromisoformat(row["start"]),
        end_date=dt.date.fromisoformat(row["end"]),
        capacity=row.get("capacity", 1),
        status=row.get("status", "approved"),
    )
    project.full_clean()
    project.save()
    project.fields.set([fields[c] for c in row.get("fields", [])])
    for order, username in enumerate(row["supervisors"]):
        person = users[username]
        org_types = {
            a.organisation.type for a in person.affiliations.select_related("organisation")
        }
        role = "industry" if org_types & {"company", "incubator"} else "academic"
        ProjectSupervisor.objects.create(project=project, person=person, role=role, order=order)
    return project


def _projects(
    call: Call, orgs: dict[str, Organisation], users: dict[str, User], report: DemoReport
) -> dict[str, Project]:
    fields = {f.code: f for f in ResearchField.objects.all()}
    existing = {p.key: p for p in Project.objects.filter(call=call)}
    for row in _load("projects.json"):
        if row["key"] in existing:
            continue
        project = _project(call, row, orgs, users, fields)
        existing[project.key] = project
        report.add("projects")
    return existing


def _affinity(profile: CandidateProfile, project: Project, field_codes: set[str]) -> tuple:
    """A deterministic stand-in for interest: shared fields (by prefix), then shared skills."""
    shared_fields = sum(
        1
        for mine in field_codes
        for theirs in (f.code for f in project.fields.all())
        if mine[:6] == theirs[:6]
    )
    shared_skills = len(set(profile.skills) & set(project.skills))
    return (shared_fields, shared_skills, project.key)


def _applications(
    call: Call, projects: dict[str, Project], users: dict[str, User], report: DemoReport
) -> None:
    """Other candidates apply to and rank the projects closest to their profile, and
    supervisors (but the demo logins) rank their applicants, so the call has a market."""
    if Application.objects.filter(call=call).exists():
        return
    open_projects = [p for p in projects.values() if p.status == "approved"]
    first_open = call.phases.get(kind="applications").opens_at
    for i, user in enumerate(
        sorted(
            (u for u in users.values() if hasattr(u, "candidate_profile")),
            key=lambda u: u.username,
        )
    ):
        if user.username in FRESH_ACCOUNTS:
            continue
        profile = user.candidate_profile
        host_country = "JP" if profile.direction == "CA_JP" else "CA"
        codes = {f.code for f in profile.fields.all()}
        candidates = sorted(
            (p for p in open_projects if p.host.country == host_country),
            key=lambda p: _affinity(profile, p, codes),
            reverse=True,
        )[: min(call.ranking_limit, 4)]
        for rank, project in enumerate(candidates, start=1):
            Application.objects.create(
                candidate=user,
                project=project,
                call=call,
                submitted_at=first_open + dt.timedelta(days=1 + i % 20, hours=rank),
                rank=rank,
            )
            report.add("applications")
    _applicants_for_fresh_supervisors(call, open_projects, users, first_open, report)
    by_supervisor: dict[int, list[Application]] = {}
    for app in Application.objects.filter(call=call).select_related("project"):
        for link in app.project.supervisions.all():
            by_supervisor.setdefault(link.person_id, []).append(app)
    for supervisor_id, apps in sorted(by_supervisor.items()):
        if users_by_id(users)[supervisor_id].username in FRESH_SUPERVISORS:
            continue
        ordered = []
        for app in sorted(apps, key=lambda a: (a.rank, a.submitted_at, a.candidate_id)):
            if app.candidate_id not in ordered:
                ordered.append(app.candidate_id)
        HostRank.objects.bulk_create(
            HostRank(supervisor_id=supervisor_id, call=call, candidate_id=cid, rank=r)
            for r, cid in enumerate(ordered, start=1)
        )
        report.add("host rankings")


def _applicants_for_fresh_supervisors(call, open_projects, users, first_open, report) -> None:
    """The demo's supervisor logins need applicants to rank: the two closest candidates
    who still have room in their rank list apply to each of their projects."""
    fresh = {users[name].pk for name in FRESH_SUPERVISORS if name in users}
    for project in sorted(open_projects, key=lambda p: p.key):
        if not {link.person_id for link in project.supervisions.all()} & fresh:
            continue
        direction = "CA_JP" if project.host.country == "JP" else "JP_CA"
        pool = [
            u
            for u in sorted(users.values(), key=lambda u: u.username)
            if hasattr(u, "candidate_profile")
            and u.username not in FRESH_ACCOUNTS
            and u.candidate_profile.direction == direction
        ]
        pool.sort(
            key=lambda u: _affinity(
                u.candidate_profile, project, {f.code for f in u.candidate_profile.fields.all()}
            ),
            reverse=True,
        )
        added = 0
        for user in pool:
            apps = Application.objects.filter(candidate=user, call=call)
            if added == 2:
                break
            if apps.filter(project=project).exists() or apps.count() >= call.ranking_limit:
                continue
            Application.objects.create(
                candidate=user,
                project=project,
                call=call,
                submitted_at=first_open + dt.timedelta(days=21, hours=added),
                rank=apps.count() + 1,
            )
            report.add("applications")
            added += 1


def _review(
    call: Call, orgs: dict[str, Organisation], users: dict[str, User], report: DemoReport
) -> None:
    """The review demo (`review.json`, invented): a review form for the program, reviewer
    profiles for `reviewer` and four invented reviewers, and one more submitted project
    (English, with a Japanese translation). Review itself is not opened: the officer
    opens it from the call's page (docs/review.md)."""
    data = _load("review.json")
    fields = {f.code: f for f in ResearchField.objects.all()}
    spec = data["form"]
    if not ReviewForm.objects.filter(program=call.program, name=spec["name"]).exists():
        form = ReviewForm(
            program=call.program,
            name=spec["name"],
            criteria=spec["criteria"],
            source=spec["source"],
            review_date=dt.date.fromisoformat(spec["review_date"]),
        )
        form.full_clean()
        form.save()
        report.add("review forms")
    for row in data["reviewers"]:
        user, _created = _person(row, report, is_reviewer=True)
        users[user.username] = user
        if ReviewerProfile.objects.filter(user=user).exists():
            continue
        ror = row.get("organisation_ror")
        profile = ReviewerProfile(
            user=user,
            expertise=row["expertise"],
            languages=row["reads"],
            max_load=row["max_load"],
            organisation=orgs[normalise_ror(ror)] if ror else None,
        )
        profile.full_clean()
        profile.save()
        profile.fields.set([fields[c] for c in row.get("fields", [])])
        report.add("reviewer profiles")
    existing = set(Project.objects.filter(call=call).values_list("key", flat=True))
    for row in data["projects"]:
        if row["key"] not in existing:
            _project(call, row, orgs, users, fields)
            report.add("projects")


def users_by_id(users: dict[str, User]) -> dict[int, User]:
    return {u.pk: u for u in users.values()}


@transaction.atomic
def _network_history(orgs: dict[str, Organisation], report: DemoReport) -> None:
    """The partnership's invented past (network_history.json: real organisations, made-up
    ties), as recorded activities marked invented, once; then the network is measured."""
    if RecordedActivity.objects.filter(invented=True).exists():
        return
    data = _load("network_history.json")
    for row in data["activities"]:
        members = [orgs[normalise_ror(r)] for r in row["organisations"]]
        route = [orgs[normalise_ror(r)] for r in row.get("route") or []]
        activity = RecordedActivity.objects.create(
            year=row["year"],
            kind=row["kind"],
            description=row["description"],
            source=data["source"],
            invented=True,
            route_from=route[0] if route else None,
            route_to=route[1] if route else None,
        )
        activity.organisations.set(members)
        report.add("past activities (invented)")
    network_measure()


def _report_forms(report: DemoReport) -> None:
    """The example report forms and exit survey (reports.json), once per program."""
    data = _load("reports.json")
    for slug in data["programs"]:
        program = Program.objects.filter(slug=slug).first()
        if program is None or ReportForm.objects.filter(program=program).exists():
            continue
        for spec in data["forms"]:
            form = ReportForm.objects.create(
                program=program,
                kind=spec["kind"],
                respondent=spec["respondent"],
                due_days=spec["due_days"],
                due_anchor=spec["due_anchor"],
                source=data["source"],
                text_en=spec["text"]["en"],
                text_fr=spec["text"]["fr"],
                text_ja=spec["text"]["ja"],
            )
            for order, q in enumerate(spec["questions"]):
                ReportQuestion.objects.create(
                    form=form, order=order, key=q["key"], type=q["type"],
                    text_en=q["en"], text_fr=q["fr"], text_ja=q["ja"],
                    choices=q.get("choices", []), required=q.get("required", True),
                )  # fmt: skip
            report.add("report forms (examples)")


def demo_load(*, today: dt.date | None = None) -> DemoReport:
    """Create whatever part of the demo is missing; return what was created."""
    today = today or timezone.localdate()
    report = DemoReport()
    orgs = _organisations(report)
    users = _people(orgs, report)
    call = _program_and_call(report, today)
    projects = _projects(call, orgs, users, report)
    _applications(call, projects, users, report)
    _network_history(orgs, report)
    _report_forms(report)
    funding_demo(report, data_dir=DATA_DIR)
    _review(call, orgs, users, report)
    # Agreement templates and sample research-security lists (invented, labelled).
    demo_internships(report)
    demo_mobility(report)
    # The previous round (invented): an internship at ATR under way, an ATR offer open.
    demo_past_round(report, users=users, today=today)
    # The demo's texts come with their embeddings, so serving it encodes nothing.
    from kakehashi.recommendations.services import embeddings_seed

    embeddings_seed()
    return report
