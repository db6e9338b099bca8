"""Pages: an internship's checklist (route, steps, documents, insurance, travel,
contacts), officers' internships at risk, the rule packs with their sources."""

from __future__ import annotations

import zoneinfo
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_submit, post_action, render_page_or_fragment
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


def _checklist_url(plan, anchor: str = "") -> str:
    return reverse("mobility:checklist", args=[plan.internship_id]) + anchor


def _back(plan, anchor: str = ""):
    return redirect(_checklist_url(plan, anchor))


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


def _checklist_form(perm: str, form_name: str, form_class, *, success: str, anchor: str = ""):
    """A checklist form's POST (permission `perm` on the plan): the decorated function
    does the thing with the plan and the form's cleaned data; done, back to the checklist
    at `anchor` saying `success`; refused, the checklist again with the form, under
    `form_name`, and its errors (422)."""

    def decorator(action):
        @require_POST
        @permission_required(perm, obj=_plan)
        @wraps(action)
        def view(request, internship_id: int):
            plan = request.permission_object
            form = form_class(request.POST)
            if form_submit(
                request, form, lambda data: action(request, plan, data), success=success
            ):
                return _back(plan, anchor)
            return _again(request, plan, **{form_name: form})

        return view

    return decorator


def _checklist_action(perm: str, *, success: str, anchor: str):
    """A POST on the checklist that does one thing, back to the checklist at `anchor`
    (`post_action`)."""
    return post_action(
        perm, obj=_plan, success=success, back=lambda plan: _checklist_url(plan, anchor)
    )


def _one_of(items, item_id: int):
    """One of the plan's `items` (a coverage, a contact); another plan's is a 404."""
    item = next((i for i in items if i.pk == item_id), None)
    if item is None:
        raise Http404
    return item


@_checklist_form(
    "mobility.change_plan",
    "facts_form",
    FactsForm,
    success=gettext_lazy("The route has been derived again."),
)
def facts_view(request, plan, data):
    plan_update(plan=plan, actor=request.user, paid=data["paid"], nationality=data["nationality"])


@_checklist_form(
    "mobility.change_travel",
    "coverage_form",
    CoverageForm,
    success=gettext_lazy("The coverage has been added."),
    anchor="#insurance",
)
def coverage_add_view(request, plan, data):
    coverage_add(plan=plan, actor=request.user, **data)


@_checklist_action(
    "mobility.change_travel",
    success=gettext_lazy("The coverage has been removed."),
    anchor="#insurance",
)
def coverage_remove_view(request, internship_id: int, coverage_id: int):
    coverage = _one_of(request.permission_object.coverages.all(), coverage_id)
    coverage_remove(coverage=coverage, actor=request.user)


@_checklist_form(
    "mobility.change_travel",
    "travel_form",
    TravelForm,
    success=gettext_lazy("Your travel has been saved."),
    anchor="#travel",
)
def travel_view(request, plan, data):
    zone = zoneinfo.ZoneInfo(plan.timezone)
    # The form's times are the destination's local times.
    arrival, departure = (
        data[name].replace(tzinfo=zone) if data[name] else None
        for name in ("arrival_at", "departure_at")
    )
    travel_set(
        plan=plan,
        actor=request.user,
        arrival_at=arrival,
        departure_at=departure,
        notes=data["notes"],
    )


@_checklist_action(
    "mobility.check_in",
    success=gettext_lazy("Welcome! Your arrival has been recorded."),
    anchor="#travel",
)
def check_in_view(request, internship_id: int):
    check_in(plan=request.permission_object, actor=request.user)


@_checklist_form(
    "mobility.change_travel",
    "contact_form",
    ContactForm,
    success=gettext_lazy("The contact has been added."),
    anchor="#contacts",
)
def contact_add_view(request, plan, data):
    contact_add(plan=plan, actor=request.user, **data)


@_checklist_action(
    "mobility.change_travel",
    success=gettext_lazy("The contact has been removed."),
    anchor="#contacts",
)
def contact_remove_view(request, internship_id: int, contact_id: int):
    contact = _one_of(request.permission_object.contacts.all(), contact_id)
    contact_remove(contact=contact, actor=request.user)


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
