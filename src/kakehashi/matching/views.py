"""Officers' pages of the match: runs of a call, one run, two runs compared, exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kakehashi.core.cache import (
    CSRF_SLOT,
    csrf_filled,
    person_fragment,
    versioned,
    versions_read,
)
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_add_service_error, missing_is_404, render_page_or_fragment
from kakehashi.jobs.models import Job
from kakehashi.jobs.views import job_retry_answer
from kakehashi.matching.enums import RunStatus
from kakehashi.matching.exports import audit_export, file_response, run_export
from kakehashi.matching.forms import CALL_CAPS, RunStartForm, SecondRoundForm
from kakehashi.matching.models import MatchRun
from kakehashi.matching.presenters import compare_page, run_page
from kakehashi.matching.selectors import (
    home_priority_units,
    run_get_visible,
    run_list,
    run_publish_consequences,
    run_publish_preview,
)
from kakehashi.matching.services import home_priority_set, run_publish, run_start
from kakehashi.programs.models import Call
from kakehashi.programs.policy import PolicyError
from kakehashi.programs.views import call_or_404, call_page_or_404

EXPORT_FORMATS = ("csv", "xlsx", "json")


def _run_or_404(user, pk: int) -> MatchRun:
    with missing_is_404(MatchRun):
        return run_get_visible(user=user, pk=pk)


# ---------------------------------------------------------------- runs of a call


def runs_context(call: Call, form=None, second_form=None) -> dict[str, Any]:
    """What the runs page of `call` shows (also rendered by round two's form on error)."""
    runs = list(run_list(call=call))
    round_one = next((r for r in runs if r.round == 1 and r.is_published), None)
    round_two = next((r for r in runs if r.round == 2 and r.is_published), None)
    policy = call.policy
    initial = {
        "mode": policy.mode,
        "seed": policy.seed,
        "cap_by": CALL_CAPS if policy.caps else "",
        "exchange_level": policy.exchange.level if policy.exchange else "country",
        "exchange_tolerance": policy.exchange.tolerance if policy.exchange else 0,
    }
    return {
        "call": call,
        "runs": runs,
        "done_runs": [r for r in runs if r.status == RunStatus.DONE],
        "form": form or RunStartForm(initial=initial),
        "second_form": second_form or SecondRoundForm(),
        "round_one": round_one,
        "round_two": round_two,
        "call_caps": policy.caps,
    }


def start_run_from_form(
    request, form, start: Callable[[dict[str, Any]], MatchRun], success: str
) -> HttpResponse | None:
    """Start a run (round one or two) from a valid form and go to its page; None,
    with the errors on the form, else."""
    if not form.is_valid():
        return None
    try:
        run = start(form.cleaned_data)
    except PolicyError as exc:
        form.add_policy_error(exc)
        return None
    except ValidationError as exc:
        form_add_service_error(form, exc)
        return None
    messages.success(request, success)
    return redirect("matching:run", pk=run.pk)


@permission_required("matching.add_matchrun")
def runs_view(request, slug: str):
    """The runs of a call and the form that starts one (POST)."""
    versions_read(request)  # the call and the page's body are kept under them
    call = call_page_or_404(request, slug)
    form = None
    if request.method == "POST":
        form = RunStartForm(request.POST)
        started = start_run_from_form(
            request,
            form,
            lambda data: run_start(
                call=call, policy=form.policy(), label=data["label"], user=request.user
            ),
            _("The run has started."),
        )
        if started is not None:
            return started
    if form is not None:  # a refused POST: its bound form, rendered each time
        return render(request, "matching/runs.html", runs_context(call, form=form))

    def render_body() -> tuple[str, None]:
        context = runs_context(call)
        # Both forms, unbound, show only the call's policy (rows the data version
        # covers) and fixed choices: two thirds of the body's rendering; kept per call,
        # language and version, for when the body itself must be rendered again.
        language = get_language() or ""
        context["form_html"] = versioned(
            "matching:start-form",
            (call.pk, language),
            lambda: str(context["form"].as_p()),
            request=request,
        )
        context["second_form_html"] = versioned(
            "matching:second-form",
            (language,),
            lambda: str(context["second_form"].as_p()),
            request=request,
        )
        context["csrf_token"] = CSRF_SLOT
        return render_to_string("matching/_runs_body.html", context), None

    # The body shows the call's runs (the activity version) and the call, its policy
    # and the runs' authors (the data version): kept per officer, path and language.
    body = person_fragment(request, "matching:runs", render_body)
    context = {"call": call, "body_html": mark_safe(csrf_filled(request, body))}
    return render(request, "matching/runs.html", context)


# ---------------------------------------------------------------- one run


@permission_required("matching.view_matchrun")
def run_view(request, pk: int):
    """One run: its progress while it runs (the fragment polls itself), then the
    certificate, fill, rank distribution, unmatched candidates and warnings."""
    run = _run_or_404(request.user, pk)
    return render_page_or_fragment(
        request, "matching/run.html", "matching/_run_body.html", run_page(run)
    )


@permission_required("matching.publish_matchrun")
def run_publish_view(request, pk: int):
    """Publish a run. GET asks first: a page with what publishing does (offers made,
    candidates not placed, mails sent) and the button that POSTs here."""
    run = _run_or_404(request.user, pk)
    if request.method != "POST":
        preview = run_publish_preview(run=run)
        consequences = run_publish_consequences(preview=preview)
        context = {"run": run, "preview": preview, "consequences": consequences}
        return render(request, "matching/publish_confirm.html", context)
    try:
        run_publish(run=run, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The run is published and its offers have been made."))
    return redirect("matching:run", pk=run.pk)


def _run_job(request, pk: int) -> Job:
    """The job of a run the caller may see (404 for a run without one)."""
    job = _run_or_404(request.user, pk).job
    if job is None:
        raise Http404
    return job


@require_POST
@permission_required("jobs.retry_job", obj=_run_job)
def run_retry_view(request, pk: int):
    """Queue a failed run's job again; the run is queued with it (and audited)."""
    return job_retry_answer(
        request, success=_("The run is queued again."), to="matching:run", pk=pk
    )


# ---------------------------------------------------------------- two runs


def _run_of_call(user, call: Call, value: str | None) -> MatchRun | None:
    if not value:
        return None
    try:
        run = run_get_visible(user=user, pk=int(value))
    except (MatchRun.DoesNotExist, ValueError):
        return None
    return run if run.call_id == call.pk else None


@permission_required("matching.view_matchrun")
def compare_view(request, slug: str):
    """Two runs side by side: who moves, the figures and the flows, with charts."""
    call = call_or_404(request.user, slug)
    done = [r for r in run_list(call=call) if r.status == RunStatus.DONE]
    a = _run_of_call(request.user, call, request.GET.get("a"))
    b = _run_of_call(request.user, call, request.GET.get("b"))
    context: dict[str, Any] = {"call": call, "done_runs": done, "a": a, "b": b, "error": None}
    if a is not None and b is not None:
        try:
            context.update(compare_page(a=a, b=b))
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
    elif request.GET.get("a") or request.GET.get("b"):
        context["error"] = _("Choose two runs of this call.")
    return render(request, "matching/compare.html", context)


# ---------------------------------------------------------------- homes' priorities


def _positions(post, unit: dict[str, Any]) -> list[int]:
    """The candidates a unit's form numbered, in the order of their numbers (a blank
    leaves the candidate to the lottery); ValueError on a number that is not one."""
    numbered = []
    for person in unit["ordered"] + unit["unordered"]:
        value = (post.get(f"pos-{person.pk}") or "").strip()
        if value:
            numbered.append((int(value), person.pk))
    return [pk for _n, pk in sorted(numbered)]


@permission_required("matching.view_homepriority")
def priorities_view(request, slug: str):
    """Each home's order of its own candidates in a call, for a balanced exchange: a
    country's (officers), an organisation's (officers and its admins). POST sets one."""
    call = call_or_404(request.user, slug)
    units = home_priority_units(call=call, user=request.user)
    error = None
    if request.method == "POST":
        unit = next((u for u in units if u["key"] == request.POST.get("unit")), None)
        if unit is None:
            raise Http404
        try:
            order = _positions(request.POST, unit)
            home_priority_set(
                call=call,
                user=request.user,
                candidates=order,
                country=unit["country"],
                organisation=unit["organisation"],
            )
        except ValueError:
            error = _("Number the candidates with whole numbers, or leave a number blank.")
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The order has been saved."))
            return redirect("matching:priorities", slug=call.slug)
    context = {"call": call, "units": units, "error": error}
    return render(request, "matching/priorities.html", context)


# ---------------------------------------------------------------- files


@permission_required("matching.view_matchrun")
def run_export_view(request, pk: int, fmt: str):
    """The run's assignments: candidate, project, rank, host, supervisor."""
    run = _run_or_404(request.user, pk)
    if run.status != RunStatus.DONE:
        raise Http404
    content, name = run_export(run=run, fmt=fmt)
    return file_response(content, name, fmt)


@permission_required("matching.view_auditevent")
def audit_export_view(request, slug: str, fmt: str):
    """The call's audit record, oldest first."""
    call = call_or_404(request.user, slug)
    content, name = audit_export(call=call, fmt=fmt)
    return file_response(content, name, fmt)
