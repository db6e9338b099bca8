"""Pages: an internship's checklist (route, steps, documents, insurance, travel,
contacts), officers' internships at risk, the rule packs with their sources."""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_add_service_error, render_page_or_fragment
from kakehashi.documents.views import pdf_response
from kakehashi.mobility.enums import StepOwner
from kakehashi.mobility.forms import (
    ContactForm,
    CoverageForm,
    FactsForm,
    StepDocumentForm,
    TravelForm,
)
from kakehashi.mobility.selectors import (
    coverage_gaps,
    plan_get_visible,
    plan_risks,
    plan_roles,
    plans_at_risk,
    rule_pack_list,
    step_document_get_visible,
    step_get_visible,
)
from kakehashi.mobility.services import (
    check_in,
    contact_add,
    contact_remove,
    coverage_add,
    coverage_remove,
    plan_update,
    step_document_upload,
    step_set_status,
    travel_set,
)


def _plan(request, internship_id: int, **_kwargs):
    return plan_get_visible(user=request.user, internship_id=internship_id)


def _step_plan(request, step_id: int, **_kwargs):
    return step_get_visible(user=request.user, step_id=step_id).plan


def _document_plan(request, document_id: int, **_kwargs):
    return step_document_get_visible(user=request.user, document_id=document_id).step.plan


def _local(value, zone: str):
    return value.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if value else ""


def _context(request, plan, **forms) -> dict:
    roles = plan_roles(user=request.user, plan=plan)
    zone = plan.timezone
    return {
        "plan": plan,
        "internship": plan.internship,
        "pack": plan.rule_pack,
        "route": plan.route,
        "steps": list(plan.steps.all()),
        "my_roles": roles,
        "is_officer": StepOwner.OFFICER in roles,
        "is_intern": StepOwner.INTERN in roles,
        "can_travel": bool(roles & {StepOwner.INTERN, StepOwner.OFFICER}),
        "gaps": coverage_gaps(plan),
        "risks": plan_risks(plan, today=timezone.localdate()),
        "document_form": StepDocumentForm(),
        "coverage_form": forms.get("coverage_form") or CoverageForm(),
        "travel_form": forms.get("travel_form")
        or TravelForm(
            initial={
                "arrival_at": _local(plan.arrival_at, zone),
                "departure_at": _local(plan.departure_at, zone),
                "notes": plan.travel_notes,
            }
        ),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "facts_form": forms.get("facts_form")
        or FactsForm(
            initial={
                "paid": "true" if plan.paid else "false",
                "nationality": plan.nationality.code or "",
            }
        ),
        "error": forms.get("error", ""),
    }


def _back(plan, anchor: str = ""):
    return redirect(reverse("mobility:checklist", args=[plan.internship_id]) + anchor)


def _again(request, plan, status: int = 422, **forms):
    plan = plan_get_visible(user=request.user, internship_id=plan.internship_id)
    return render(
        request, "mobility/checklist.html", _context(request, plan, **forms), status=status
    )


@permission_required("mobility.view_plan", obj=_plan)
def checklist(request, internship_id: int):
    """The internship's route, steps with owners and deadlines, documents, insurance
    with its gaps, travel and emergency contacts, with the pack's sources and review date."""
    return render(request, "mobility/checklist.html", _context(request, request.permission_object))


@require_POST
@permission_required("mobility.change_step", obj=_step_plan)
def step_status_view(request, step_id: int):
    """Mark a step done or open (htmx: the step's row comes back)."""
    step = step_get_visible(user=request.user, step_id=step_id)
    error = ""
    try:
        step_set_status(step=step, actor=request.user, status=request.POST.get("status", ""))
    except ValidationError as exc:
        error = " ".join(exc.messages)
    plan = plan_get_visible(user=request.user, internship_id=step.plan.internship_id)
    step = next(s for s in plan.steps.all() if s.pk == step_id)
    if not (request.htmx and not request.htmx.boosted):
        if error:
            messages.error(request, error)
        return _back(plan, f"#step-{step_id}")
    context = {**_context(request, plan), "step": step, "step_error": error}
    response = render_page_or_fragment(
        request, "mobility/checklist.html", "mobility/_step.html", context
    )
    if error:
        response.status_code = 422
    return response


@require_POST
@permission_required("mobility.add_stepdocument", obj=_step_plan)
def step_document_view(request, step_id: int):
    step = step_get_visible(user=request.user, step_id=step_id)
    form = StepDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a PDF document to upload."))
        return _back(step.plan, f"#step-{step_id}")
    try:
        step_document_upload(step=step, actor=request.user, upload=form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The document has been uploaded."))
    return _back(step.plan, f"#step-{step_id}")


@permission_required("mobility.view_stepdocument", obj=_document_plan)
def document_file(request, document_id: int):
    document = step_document_get_visible(user=request.user, document_id=document_id)
    return pdf_response(document.file, document.filename)


@require_POST
@permission_required("mobility.change_plan", obj=_plan)
def facts_view(request, internship_id: int):
    plan = request.permission_object
    form = FactsForm(request.POST)
    if form.is_valid():
        try:
            plan_update(
                plan=plan,
                actor=request.user,
                paid=form.cleaned_data["paid"],
                nationality=form.cleaned_data["nationality"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("The route has been derived again."))
            return _back(plan)
    return _again(request, plan, facts_form=form)


@require_POST
@permission_required("mobility.change_travel", obj=_plan)
def coverage_add_view(request, internship_id: int):
    plan = request.permission_object
    form = CoverageForm(request.POST)
    if form.is_valid():
        try:
            coverage_add(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("The coverage has been added."))
            return _back(plan, "#insurance")
    return _again(request, plan, coverage_form=form)


@require_POST
@permission_required("mobility.change_travel", obj=_plan)
def coverage_remove_view(request, internship_id: int, coverage_id: int):
    plan = request.permission_object
    coverage = next((c for c in plan.coverages.all() if c.pk == coverage_id), None)
    if coverage is None:
        raise Http404
    coverage_remove(coverage=coverage, actor=request.user)
    messages.success(request, _("The coverage has been removed."))
    return _back(plan, "#insurance")


@require_POST
@permission_required("mobility.change_travel", obj=_plan)
def travel_view(request, internship_id: int):
    plan = request.permission_object
    form = TravelForm(request.POST)
    if form.is_valid():
        zone = zoneinfo.ZoneInfo(plan.timezone)
        # The form's times are the destination's local times.
        arrival, departure = (
            form.cleaned_data[name].replace(tzinfo=zone) if form.cleaned_data[name] else None
            for name in ("arrival_at", "departure_at")
        )
        try:
            travel_set(
                plan=plan,
                actor=request.user,
                arrival_at=arrival,
                departure_at=departure,
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Your travel has been saved."))
            return _back(plan, "#travel")
    return _again(request, plan, travel_form=form)


@require_POST
@permission_required("mobility.check_in", obj=_plan)
def check_in_view(request, internship_id: int):
    plan = request.permission_object
    try:
        check_in(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Welcome! Your arrival has been recorded."))
    return _back(plan, "#travel")


@require_POST
@permission_required("mobility.change_travel", obj=_plan)
def contact_add_view(request, internship_id: int):
    plan = request.permission_object
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact_add(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("The contact has been added."))
            return _back(plan, "#contacts")
    return _again(request, plan, contact_form=form)


@require_POST
@permission_required("mobility.change_travel", obj=_plan)
def contact_remove_view(request, internship_id: int, contact_id: int):
    plan = request.permission_object
    contact = next((c for c in plan.contacts.all() if c.pk == contact_id), None)
    if contact is None:
        raise Http404
    contact_remove(contact=contact, actor=request.user)
    messages.success(request, _("The contact has been removed."))
    return _back(plan, "#contacts")


@permission_required("mobility.view_at_risk")
def at_risk(request):
    """Officers: planned and active internships with a step late or at risk, a gap in
    insurance, no route, or no check-in."""
    return render(
        request,
        "mobility/at_risk.html",
        {"rows": plans_at_risk(user=request.user, today=timezone.localdate())},
    )


@permission_required("mobility.view_rulepack")
def rule_packs(request):
    """Every destination's current rule pack: routes, sources, last review."""
    return render(request, "mobility/rule_packs.html", {"packs": rule_pack_list()})
