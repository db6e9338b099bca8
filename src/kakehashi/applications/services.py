"""Writes for applications, candidate rank lists and host rankings.

Every function checks its rules before it writes and writes in one
transaction: a refused request changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.models import Application, HostRank, RankListVersion
from kakehashi.audit.services import audit_record
from kakehashi.core.enums import Direction
from kakehashi.programs.enums import PhaseKind
from kakehashi.programs.models import Call
from kakehashi.programs.services import call_require_eligible, phase_require_open
from kakehashi.projects.enums import ProjectStatus
from kakehashi.projects.models import Project

# Supervisors may rank while applications arrive and during their own phase.
HOST_RANKING_PHASES = (PhaseKind.APPLICATIONS, PhaseKind.HOST_RANKING)
#: The longest host ranking accepted (docs/api.md, Limits): far more applicants than a
#: supervisor can have, and a bound on the work one request may ask for.
HOST_RANKING_MAX_LENGTH = 2000


def _duplicates(ids: list[int]) -> list[int]:
    """The ids that appear more than once, sorted; linear in len(ids)."""
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def _refuse_ids(*, field: str, message: str, ids: list[int], code: str) -> NoReturn:
    """Refuse a ranking on `field`: `message` names the offending `ids`."""
    raise ValidationError({field: message % {"ids": ", ".join(str(i) for i in ids)}}, code=code)


def _ranking_check(
    *, field: str, ids: list[int], limit: int, too_many: str, duplicate: str
) -> None:
    """Refuse a ranking longer than `limit` or naming someone or something twice."""
    if len(ids) > limit:
        raise ValidationError({field: too_many % {"limit": limit}}, code="too_many")
    duplicates = _duplicates(ids)
    if duplicates:
        _refuse_ids(field=field, message=duplicate, ids=duplicates, code="duplicate_rank")


def application_check_eligibility(*, candidate, project: Project) -> None:
    """Raise ValidationError when `candidate` may not apply to `project`.

    The call's rules (the program's levels and directions, the call's language
    levels) come from programs; where the project is hosted is checked here.
    """
    call_require_eligible(call=project.call, candidate=candidate)
    profile = candidate.candidate_profile
    if Direction.host_country(profile.direction) != project.host.country:
        raise ValidationError(
            _("This project is hosted in your home country; internships are in the other country."),
            code="ineligible_host_country",
        )


@transaction.atomic
def application_submit(
    *, candidate, project: Project, statement: str = "", now: dt.datetime | None = None
) -> Application:
    """Apply `candidate` to `project`, in the call's application phase. Idempotent errors."""
    now = now or timezone.now()
    if project.status != ProjectStatus.APPROVED:
        raise ValidationError(_("This project is not open for applications."), code="not_open")
    phase_require_open(call=project.call, kinds=(PhaseKind.APPLICATIONS,), now=now)
    application_check_eligibility(candidate=candidate, project=project)
    existing = Application.objects.filter(candidate=candidate, project=project).first()
    if existing and existing.status == ApplicationStatus.SUBMITTED:
        raise ValidationError(
            _("You have already applied to this project."), code="already_applied"
        )
    if existing:  # re-applying after a withdrawal
        before = {"status": existing.status, "statement": existing.statement}
        existing.status = ApplicationStatus.SUBMITTED
        existing.statement = statement
        existing.submitted_at = now
        existing.full_clean()
        existing.save()
        _audit_application(existing, verb="application.resubmitted", actor=candidate, before=before)
        return existing
    application = Application(
        candidate=candidate,
        project=project,
        call=project.call,
        statement=statement,
        submitted_at=now,
    )
    application.full_clean()
    application.save()
    _audit_application(application, verb="application.submitted", actor=candidate, before=None)
    return application


def _audit_application(application: Application, *, verb: str, actor, before: dict | None) -> None:
    """Record `verb` on `application` in its call's record: what it was, what it is."""
    audit_record(
        scope=application.call,
        verb=verb,
        actor=actor,
        target=f"application {application.pk}",
        data={
            "application": application.pk,
            "candidate": application.candidate_id,
            "project": application.project_id,
            "before": before,
            "after": {"status": application.status, "statement": application.statement},
        },
    )


@transaction.atomic
def application_withdraw(
    *, candidate, application: Application, now: dt.datetime | None = None
) -> Application:
    """Withdraw an application: it leaves the rank list, later ranks move up, and
    supervisors who no longer have this applicant lose them from their ranking."""
    if application.candidate_id != candidate.pk:
        raise Application.DoesNotExist
    # Lock the row and read its status afresh: two parallel requests both loaded it
    # submitted, and the second must wait for the first and then see its withdrawal.
    application.status = (
        Application.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=application.pk)
    )
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ValidationError(_("This application is already withdrawn."), code="withdrawn")
    phase_require_open(call=application.call, kinds=(PhaseKind.APPLICATIONS,), now=now)
    before = {"status": application.status, "statement": application.statement}
    application.status = ApplicationStatus.WITHDRAWN
    application.rank = None
    application.save(update_fields=["status", "rank", "updated_at"])
    _audit_application(application, verb="application.withdrawn", actor=candidate, before=before)
    remaining = list(
        Application.objects.filter(
            candidate=candidate, call=application.call, rank__isnull=False
        ).order_by("rank")
    )
    rank_list_set(
        candidate=candidate,
        call=application.call,
        project_ids=[a.project_id for a in remaining],
        now=now,
        reason="withdrawal",
    )
    still_supervising = set(
        Application.objects.filter(
            candidate=candidate, call=application.call, status=ApplicationStatus.SUBMITTED
        ).values_list("project__supervisions__person_id", flat=True)
    )
    for line in HostRank.objects.filter(call=application.call, candidate=candidate):
        if line.supervisor_id not in still_supervising:
            kept = [
                r.candidate_id
                for r in HostRank.objects.filter(supervisor_id=line.supervisor_id, call=line.call)
                if r.candidate_id != candidate.pk
            ]
            HostRank.objects.filter(supervisor_id=line.supervisor_id, call=line.call).delete()
            HostRank.objects.bulk_create(
                HostRank(supervisor_id=line.supervisor_id, call=line.call, candidate_id=c, rank=i)
                for i, c in enumerate(kept, start=1)
            )
            audit_record(
                scope=line.call,
                verb="host_ranking.saved",
                actor=candidate,
                target=f"host ranking of person {line.supervisor_id}",
                data={
                    "supervisor": line.supervisor_id,
                    "reason": "withdrawal",
                    "candidate_ids": kept,
                },
            )
    return application


@transaction.atomic
def rank_list_set(
    *,
    candidate,
    call: Call,
    project_ids: list[int],
    now: dt.datetime | None = None,
    reason: str = "saved",
    received_at: dt.datetime | None = None,
) -> list[Application]:
    """Set the candidate's rank list for `call`: `project_ids` best first.

    The deadline is judged at `received_at` when given: when the request carrying the
    list arrived (``request.received_at``), so a list sent in time counts even when a
    busy server saves it after the deadline (within ``REQUEST_ARRIVAL_GRACE_SECONDS``:
    ``programs.services.phase_require_open``).

    Refused, changing nothing, when the list is longer than the call allows,
    names a project twice, or names a project the candidate has not applied to.
    Each save is kept as the next :class:`RankListVersion` (the whole list) and
    audited; `reason` says why it was saved (``saved``, or ``withdrawal`` when a
    withdrawn application left the list).
    """
    phase_require_open(call=call, kinds=(PhaseKind.APPLICATIONS,), now=now, received_at=received_at)
    ids = list(project_ids)
    _ranking_check(
        field="project_ids",
        ids=ids,
        limit=call.ranking_limit,
        too_many=_("You may rank at most %(limit)d projects in this call."),
        duplicate=_("A project appears more than once in your ranking: %(ids)s."),
    )
    applications = {
        a.project_id: a
        # The project's key and title go into the kept version; lock only the applications.
        for a in Application.objects.select_related("project")
        .select_for_update(of=("self",))
        .filter(candidate=candidate, call=call)
    }
    not_applied = [
        i
        for i in ids
        if i not in applications or applications[i].status != ApplicationStatus.SUBMITTED
    ]
    if not_applied:
        _refuse_ids(
            field="project_ids",
            message=_("You can only rank projects you have applied to: %(ids)s."),
            ids=not_applied,
            code="not_applied",
        )
    # Clear first so the unique (candidate, call, rank) constraint holds mid-update.
    Application.objects.filter(candidate=candidate, call=call).update(rank=None)
    ordered = []
    for position, project_id in enumerate(ids, start=1):
        app = applications[project_id]
        app.rank = position
        app.save(update_fields=["rank", "updated_at"])
        ordered.append(app)
    version = rank_list_version_add(
        candidate=candidate, call=call, ordered=ordered, now=now, reason=reason
    )
    audit_record(
        scope=call,
        verb="rank_list.saved",
        actor=candidate,
        target=f"rank list of person {candidate.pk} v{version.number}",
        data={
            "candidate": candidate.pk,
            "version": version.number,
            "reason": reason,
            "project_ids": [a.project_id for a in ordered],
        },
    )
    return ordered


def rank_list_version_add(
    *, candidate, call: Call, ordered: list[Application], now=None, reason: str = "saved"
) -> RankListVersion:
    """Keep `ordered` (the list just saved) as the candidate's next version for `call`.
    Called inside `rank_list_set`'s transaction, whose row locks on the candidate's
    applications also serialise the numbering."""
    last = (
        RankListVersion.objects.filter(candidate=candidate, call=call)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    version = RankListVersion(
        candidate=candidate,
        call=call,
        number=(last or 0) + 1,
        saved_at=now or timezone.now(),
        actor=candidate,
        reason=reason,
        entries=[
            {
                "rank": position,
                "project_id": app.project_id,
                "key": app.project.key,
                "title": app.project.title,
            }
            for position, app in enumerate(ordered, start=1)
        ],
    )
    version.full_clean()
    version.save()
    return version


@transaction.atomic
def host_ranking_set(
    *, supervisor, call: Call, candidate_ids: list[int], now: dt.datetime | None = None
) -> list[HostRank]:
    """Set a supervisor's ranking of applicants for `call`, best first.

    Applicants left out are unranked (unacceptable). Refused, changing
    nothing, when it lists more than HOST_RANKING_MAX_LENGTH people, names
    someone twice or someone who did not apply to one of the supervisor's
    projects in this call. Linear in the length of the list.
    """
    phase_require_open(call=call, kinds=HOST_RANKING_PHASES, now=now)
    ids = list(candidate_ids)
    _ranking_check(
        field="candidate_ids",
        ids=ids,
        limit=HOST_RANKING_MAX_LENGTH,
        too_many=_("A ranking may list at most %(limit)d applicants."),
        duplicate=_("An applicant appears more than once in your ranking: %(ids)s."),
    )
    applicants = set(
        Application.objects.filter(
            call=call,
            status=ApplicationStatus.SUBMITTED,
            project__supervisions__person=supervisor,
        ).values_list("candidate_id", flat=True)
    )
    strangers = [i for i in ids if i not in applicants]
    if strangers:
        _refuse_ids(
            field="candidate_ids",
            message=_("You can only rank people who applied to your projects: %(ids)s."),
            ids=strangers,
            code="not_an_applicant",
        )
    HostRank.objects.filter(supervisor=supervisor, call=call).delete()
    entries = [
        HostRank(supervisor=supervisor, call=call, candidate_id=cid, rank=position)
        for position, cid in enumerate(ids, start=1)
    ]
    for entry in entries:
        entry.full_clean(validate_unique=False, validate_constraints=False)
    saved = HostRank.objects.bulk_create(entries)
    audit_record(
        scope=call,
        verb="host_ranking.saved",
        actor=supervisor,
        target=f"host ranking of person {supervisor.pk}",
        data={"supervisor": supervisor.pk, "reason": "saved", "candidate_ids": ids},
    )
    return saved
