"""The officers' pages: calls and their overview, creating and editing programs and
calls, setting, opening and closing phases. Thin: every write is a service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kakehashi.core.cache import versioned, visible_fragment
from kakehashi.core.enums import Direction
from kakehashi.core.permissions import permission_required
from kakehashi.core.roles import is_officer
from kakehashi.core.views import form_add_service_error, missing_is_404, render_page_or_fragment
from kakehashi.people.enums import AcademicLevel
from kakehashi.programs.enums import PhaseKind
from kakehashi.programs.forms import (
    CAP_KIND_LABELS,
    CallForm,
    CapForm,
    CapFormSet,
    PhaseForm,
    ProgramForm,
    timezone_names,
)
from kakehashi.programs.home import home_html
from kakehashi.programs.labels import EXCHANGE_LEVEL_LABELS, MODE_LABELS
from kakehashi.programs.models import Call, Program
from kakehashi.programs.policy import PolicyError
from kakehashi.programs.selectors import (
    call_get_visible,
    call_list,
    call_list_visible,
    call_overview,
    phase_close_preview,
    program_list,
)
from kakehashi.programs.services import (
    call_create,
    call_phase_close_now,
    call_phase_open_now,
    call_phase_open_undo,
    call_phase_set,
    call_update,
    program_create,
    program_update,
)


def call_or_404(user, slug: str) -> Call:
    """The call `slug` if `user` may see it, else 404 (the pages of every app about a call)."""
    with missing_is_404(Call):
        return call_get_visible(user=user, slug=slug)


def call_page_or_404(request, slug: str) -> Call:
    """`call_or_404` for a page that only reads the call: on GET, kept per slug, whether
    the person sees drafts, and data version (core.cache.versioned), since a call, its
    program and its phases are rows the version covers. Other methods read it fresh."""
    user = request.user
    if request.method != "GET":
        return call_or_404(user, slug)
    drafts = is_officer(user)

    def load() -> Call | None:
        return call_list_visible(user=user).filter(slug=slug).first()

    call = versioned("programs:call", (slug, drafts), load, request=request)
    if call is None:
        raise Http404
    return call


def _program_or_404(slug: str) -> Program:
    with missing_is_404(Program):
        return program_list().get(slug=slug)


# ---------------------------------------------------------------- calls and overview


@permission_required("programs.view_call_overview")
def call_list_view(request):
    """Every call and program. Both tables are one cached fragment (core.cache): they show
    only calls and programs, which the data version covers, and the same to every officer."""

    def tables_html():
        return visible_fragment(
            request,
            "programs:calls",
            lambda: render_to_string(
                "programs/_calls_tables.html",
                # The tables show no phase: not the selector's prefetch of them.
                {"calls": call_list().prefetch_related(None), "programs": program_list()},
                request,
            ),
            visible=tuple,
        )

    return render(request, "programs/calls.html", {"tables_html": tables_html})


def _phase_rows(call: Call, forms: dict | None = None, errors: dict | None = None) -> list:
    """One row per kind of phase, set or not, each with its edit form."""
    by_kind = {p.kind: p for p in call.phases.all()}
    now = timezone.now()
    rows = []
    for kind, label in PhaseKind.choices:
        phase = by_kind.get(kind)
        form = (forms or {}).get(kind) or PhaseForm(
            prefix=kind,
            initial=PhaseForm.initial_from(phase) if phase else {"timezone": call.timezone},
        )
        rows.append(
            {
                "kind": kind,
                "label": label,
                "phase": phase,
                "state": (
                    ""
                    if phase is None
                    else "open"
                    if phase.is_open(now)
                    else "not_open"
                    if now < phase.opens_at
                    else "closed"
                ),
                "form": form,
                "errors": (errors or {}).get(kind, []),
            }
        )
    return rows


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _call_page(request, call: Call, *, forms=None, errors=None, notice: str = ""):
    policy = call.policy.to_data()
    context = {
        "notice": notice,
        "policy": {
            **policy,
            "caps": [
                {**cap, "kind": CAP_KIND_LABELS.get(cap["kind"], cap["kind"])}
                for cap in policy["caps"]
            ],
        },
        "mode_label": MODE_LABELS.get(policy["mode"], policy["mode"]),
        "exchange_label": EXCHANGE_LEVEL_LABELS.get((policy.get("exchange") or {}).get("level")),
        "levels": [_label(AcademicLevel, v) for v in call.program.eligible_levels],
        "directions": [_label(Direction, v) for v in call.program.directions],
        "call": call,
        "overview": call_overview(call=call),
        "phases": call.phases.all(),
        "phase_rows": _phase_rows(call, forms, errors),
        "timezones": timezone_names(),
    }
    return render_page_or_fragment(
        request, "programs/call_detail.html", "programs/_phases.html", context
    )


@permission_required("programs.view_call_overview")
def call_detail(request, slug: str):
    """Counts of a call and its phases, deadlines in the call's zone and the viewer's."""
    return _call_page(request, call_or_404(request.user, slug))


@require_POST
@permission_required("programs.change_call")
def phase_set_view(request, slug: str, kind: str):
    """Set one phase's window; errors stay next to its fields, nothing saved."""
    call = call_or_404(request.user, slug)
    if kind not in PhaseKind.values:
        raise Http404
    form = PhaseForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            call_phase_set(call=call, kind=kind, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_error(form, _rename(exc, {"opens_at": "opens", "closes_at": "closes"}))
        else:
            return _done(
                request,
                slug,
                _("The %(phase)s phase has been saved.") % {"phase": PhaseKind(kind).label},
            )
    return _call_page(request, call, forms={kind: form})


def _done(request, slug: str, notice: str):
    """After a change: a full page redirects (message on the next page); htmx gets the
    fresh phases fragment with the notice in it."""
    if not request.htmx:
        messages.success(request, notice)
        return redirect("programs:call", slug=slug)
    return _call_page(request, call_or_404(request.user, slug), notice=notice)


def _rename(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


def _phase_action(request, slug: str, kind: str, action, done: str):
    call = call_or_404(request.user, slug)
    if kind not in PhaseKind.values:
        raise Http404
    try:
        action(call=call, kind=kind, actor=request.user)
    except ValidationError as exc:
        if not request.htmx:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("programs:call", slug=call.slug)
        return _call_page(request, call, errors={kind: exc.messages})
    return _done(request, slug, done % {"phase": PhaseKind(kind).label})


@require_POST
@permission_required("programs.change_call")
def phase_open_view(request, slug: str, kind: str):
    """Open a phase now (to the second); audited; participants are mailed."""
    return _phase_action(
        request, slug, kind, call_phase_open_now, _("The %(phase)s phase is now open.")
    )


@permission_required("programs.change_call")
def phase_close_view(request, slug: str, kind: str):
    """Close a phase now (to the second); audited. GET asks first: a page saying what
    closing will do (who is still in the phase, that no mail is sent), with the button."""
    if request.method != "POST":
        call = call_or_404(request.user, slug)
        phase = call.phase(kind)
        if phase is None:
            raise Http404
        preview = phase_close_preview(call=call, phase=phase)
        context = {"call": call, "phase": phase, "preview": preview}
        return render(request, "programs/phase_close_confirm.html", context)
    return _phase_action(
        request, slug, kind, call_phase_close_now, _("The %(phase)s phase is now closed.")
    )


@require_POST
@permission_required("programs.change_call")
def phase_undo_view(request, slug: str, kind: str):
    """Undo an "open now" while nobody has acted in the phase; audited."""
    return _phase_action(
        request,
        slug,
        kind,
        call_phase_open_undo,
        _("The opening of the %(phase)s phase is undone: it opens again at its planned time."),
    )


# ---------------------------------------------------------------- call form


#: Where the eligibility rules' errors go on the call form.
ELIGIBILITY_FIELDS = {
    "eligibility.languages": "languages",
    "eligibility.languages_rule": "languages_rule",
}


def _call_form_page(request, *, call: Call | None):
    editing = call is not None
    data = request.POST if request.method == "POST" else None
    # An unsaved call shows a new call's defaults (the model's and the policy's).
    shown = call or Call()
    form = CallForm(data, initial=CallForm.initial_from(shown), editing=editing)
    caps = CapFormSet(
        data, prefix="caps", initial=[CapForm.initial_from(c) for c in shown.policy.caps]
    )
    if data is not None and form.is_valid() & caps.is_valid():
        kept = caps.kept()
        fields = form.call_fields(kept)
        try:
            if editing:
                saved = call_update(call=call, actor=request.user, **fields)
            else:
                saved = call_create(
                    program=form.cleaned_data["program"], actor=request.user, **fields
                )
        except ValidationError as exc:
            if isinstance(exc, PolicyError):
                caps.add_policy_error(exc, form, kept)
                exc = ValidationError(exc.others) if exc.others else None
            if exc is not None:
                form_add_service_error(form, _rename(exc, ELIGIBILITY_FIELDS))
        else:
            messages.success(
                request,
                _("The call has been saved.") if editing else _("The call has been created."),
            )
            return redirect("programs:call", slug=saved.slug)
    context = {"call": call, "form": form, "caps": caps, "timezones": timezone_names()}
    return render(request, "programs/call_form.html", context)


@permission_required("programs.add_call")
def call_create_view(request):
    return _call_form_page(request, call=None)


@permission_required("programs.change_call")
def call_edit_view(request, slug: str):
    return _call_form_page(request, call=call_or_404(request.user, slug))


# ---------------------------------------------------------------- program form


def _program_form_page(request, *, program: Program | None):
    data = request.POST if request.method == "POST" else None
    initial = (
        ProgramForm.initial_from(program)
        if program
        else {
            "directions": ["CA_JP", "JP_CA"],
            "eligible_levels": ["masters", "phd", "postdoc"],
            "unit_weeks_min": 12,
            "unit_weeks_max": 24,
            "max_units_per_person": 1,
        }
    )
    form = ProgramForm(data, initial=initial)
    if data is not None and form.is_valid():
        try:
            if program is None:
                program_create(**form.cleaned_data)
            else:
                program_update(program=program, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The program has been saved.") if program else _("The program has been created."),
            )
            return redirect("programs:calls")
    return render(request, "programs/program_form.html", {"program": program, "form": form})


@permission_required("programs.add_program")
def program_create_view(request):
    return _program_form_page(request, program=None)


@permission_required("programs.change_program")
def program_edit_view(request, slug: str):
    return _program_form_page(request, program=_program_or_404(slug))


@permission_required("programs.view_home")
def home_view(request):
    """A signed-in person's home: by role, what to do next (programs/home.py)."""
    return render(request, "programs/home.html", {"sections_html": home_html(request)})
