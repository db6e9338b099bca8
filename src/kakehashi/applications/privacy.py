"""Applications' answers to people's personal-data export and account deletion
(receivers of ``people.signals.person_data_export`` and ``person_erase``)."""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext as _

from kakehashi.applications.models import Application, HostRank
from kakehashi.people.privacy import (
    ANONYMISED,
    DELETED,
    KEPT,
    Erase,
    erase_plan,
    model_section,
)
from kakehashi.people.signals import person_data_export, person_erase
from kakehashi.programs.models import Call


def _published_calls() -> Q:
    """Calls with a published match run (their rankings are part of the record).

    The run's relation is named, not imported: matching sits above applications."""
    return Q(call__in=Call.objects.filter(match_runs__published_at__isnull=False).values("pk"))


@receiver(person_data_export, dispatch_uid="applications.privacy")
def applications_data_export(*, sender, person, **kwargs) -> dict:
    keys = ["id", "call", "project", "project_title", "status", "statement", "submitted_at", "rank"]
    ranking_keys = ["call", "rank", "candidate"]
    applications = (
        Application.objects.filter(candidate=person)
        .select_related("call", "project")
        .order_by("call_id", "rank", "submitted_at", "pk")
    )
    made = (
        HostRank.objects.filter(supervisor=person)
        .select_related("call")
        .order_by("call_id", "rank")
    )
    return {
        "applications": model_section(
            title=_("Applications and rank lists"),
            explanation=_(
                "Your applications to projects; “rank” is the place of each in your "
                "rank list for its call (empty: not ranked)."
            ),
            model=Application,
            keys=keys,
            rows=applications,
            values=lambda a: {
                "call": a.call.slug,
                "project": a.project.key,
                "project_title": a.project.title,
            },
        ),
        "host_rankings": model_section(
            title=_("Rankings you made as a supervisor"),
            explanation=_(
                "How you ranked the applicants to your projects, per call. Applicants "
                "appear by their person number only: their names are their data."
            ),
            model=HostRank,
            keys=ranking_keys,
            rows=made,
            labels={"candidate": _("applicant's person number")},
            values=lambda h: {"call": h.call.slug, "candidate": h.candidate_id},
        ),
    }


@receiver(person_erase, dispatch_uid="applications.privacy")
def applications_erase(*, sender, person, placeholder, dry_run, **kwargs) -> list[dict]:
    published = _published_calls()
    mine = Application.objects.filter(candidate=person)
    kept = mine.filter(published)
    dropped = mine.exclude(published)
    ranks = HostRank.objects.filter(Q(supervisor=person) | Q(candidate=person))
    ranks_kept = ranks.filter(published)
    ranks_dropped = ranks.exclude(published)
    return erase_plan(
        Erase(
            what=_("Applications and rank lists of calls not yet matched"),
            rows=dropped,
            action=DELETED,
            why=_("They take no further part in any match."),
        ),
        Erase(
            what=_("Applications and rank lists of calls with a published match"),
            rows=kept,
            action=ANONYMISED,
            why=_(
                "A published match is the program's record of who was placed where; "
                "its rankings are kept and your motivation statements are replaced by "
                "the placeholder."
            ),
            effect=lambda: kept.exclude(statement="").update(statement=placeholder),
        ),
        Erase(
            what=_("Rankings of calls not yet matched, made by you or naming you"),
            rows=ranks_dropped,
            action=DELETED,
            why=_("They take no further part in any match."),
        ),
        Erase(
            what=_("Rankings of calls with a published match"),
            rows=ranks_kept,
            action=KEPT,
            why=_("They hold person numbers only and explain the published match."),
        ),
        dry_run=dry_run,
    )
