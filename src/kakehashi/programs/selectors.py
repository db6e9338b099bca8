from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kakehashi.core.cache import versioned
from kakehashi.core.roles import is_officer
from kakehashi.programs.models import Call, CallPhase, Program
from kakehashi.programs.signals import call_overview as call_overview_signal


def program_list() -> QuerySet[Program]:
    return Program.objects.all().order_by("slug")


def call_list() -> QuerySet[Call]:
    return (
        Call.objects.select_related("program")
        .prefetch_related("phases")
        .order_by("-created_at", "slug")
    )


def call_overview(*, call: Call) -> dict:
    """Counts an officer watches: projects by status, places, applications, rank lists
    and host rankings, each contributed by the app that owns them."""
    overview: dict = {}
    for _receiver, counts in call_overview_signal.send(sender=Call, call=call):
        overview.update(counts)
    return overview


def call_list_visible(*, user) -> QuerySet[Call]:
    """Calls anyone may see: open and closed ones; drafts to officers only."""
    qs = call_list()
    if is_officer(user):
        return qs
    return qs.exclude(status="draft")


def call_get_visible(*, user, slug: str | None = None, pk: int | None = None) -> Call:
    """One call `user` may see (`call_list_visible`), by slug or id; else Call.DoesNotExist.

    The one visibility rule for a call, on every page and endpoint: what a role may
    do with it is a permission, checked separately."""
    qs = call_list_visible(user=user)
    return qs.get(slug=slug) if slug is not None else qs.get(pk=pk)


def call_get_visible_kept(*, request, user, slug: str | None = None, pk: int | None = None) -> Call:
    """`call_get_visible`, kept under the data version (calls, their programs and phases
    are data it covers) per visibility (officers see drafts): the loader of the lists
    read under a call (applicants, runs, audit), one indexed read instead of two
    queries. Reads only: a write loads its call fresh."""
    sees_drafts = is_officer(user)
    return versioned(
        "call-visible",
        (slug, pk, sees_drafts),
        lambda: call_get_visible(user=user, slug=slug, pk=pk),
        request=request,
    )


def phase_close_preview(*, call: Call, phase: CallPhase, overview: dict | None = None) -> dict:
    """What closing `phase` of `call` now will do, for the confirmation page and the
    API alike: the counts it reads (the call's overview) and the consequences as
    sentences in the active language, each marked when it puts someone at risk.
    Closing cannot be undone and sends no mail."""
    overview = call_overview(call=call) if overview is None else overview
    counts = {
        "candidates": overview.get("candidates", 0),
        "applications": overview.get("applications", 0),
        "candidates_ranked": overview.get("candidates_ranked", 0),
        "supervisors_ranked": overview.get("supervisors_ranked", 0),
    }
    consequences: list[dict] = []

    def say(text: str, *, warning: bool = False) -> None:
        consequences.append({"text": text, "warning": warning})

    if phase.kind == "applications":
        n = counts["candidates"]
        say(
            ngettext(
                "%(n)s candidate can no longer apply, withdraw or change their rank list.",
                "%(n)s candidates can no longer apply, withdraw or change their rank list.",
                n,
            )
            % {"n": n}
        )
        n = counts["applications"]
        say(ngettext("%(n)s application is final.", "%(n)s applications are final.", n) % {"n": n})
        say(
            _(
                "%(ranked)s of %(total)s candidates have saved a rank list; the others will "
                "be matched to no project."
            )
            % {"ranked": counts["candidates_ranked"], "total": counts["candidates"]},
            warning=counts["candidates_ranked"] < counts["candidates"],
        )
    elif phase.kind == "host_ranking":
        n = counts["supervisors_ranked"]
        say(
            ngettext(
                "%(n)s supervisor has saved a ranking; it becomes final.",
                "%(n)s supervisors have saved a ranking; they become final.",
                n,
            )
            % {"n": n}
        )
        say(_("Supervisors who ranked nobody accept none of their applicants."), warning=True)
    else:
        say(_("Actions of this phase are refused from now on."))
    return {
        "kind": phase.kind,
        "closes_at": phase.closes_at,
        "timezone": phase.timezone,
        "irreversible": True,
        "mails": 0,
        "counts": counts,
        "consequences": consequences,
    }
