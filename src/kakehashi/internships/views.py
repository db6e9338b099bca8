"""Pages of internships: my internships (officers: all, with filters), the internship
page (parties, agreement, approvals, amendments, research security, panels of the apps
above, history) and officers' research-security lists.

Every form posts to its own URL; a refusal re-renders the page with the message and
changes nothing. The approval buttons answer htmx with the agreement's box."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kakehashi.core.errors import ImportRejected
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_add_service_error, post_action
from kakehashi.internships import forms as f
from kakehashi.internships.enums import Party
from kakehashi.internships.models import Amendment, SecurityList
from kakehashi.internships.parties import agreement_of
from kakehashi.internships.presenters import VERBS, page_context
from kakehashi.internships.security import (
    attest,
    screening_record,
    security_list_import,
    sensitivity_set,
)
from kakehashi.internships.selectors import (
    internship_get_visible,
    internship_history,
    internship_list_visible,
)
from kakehashi.internships.services import (
    agreement_approve,
    agreement_create,
    agreement_parties_set,
    agreement_update,
    amendment_approve,
    amendment_propose,
    amendment_withdraw,
)
from kakehashi.programs.models import Program


def _internship(request, pk: int, **_kwargs):
    """The permission's object: the internship of the URL (the amendment views' URLs also
    carry the amendment's number, which the permission does not need)."""
    return internship_get_visible(user=request.user, pk=pk)


@permission_required("internships.view_internship_list")
def internship_list(request):
    """My internships; officers see all, filtered by status, program and direction."""
    officer = request.user.has_perm("internships.view_security_lists")
    form = f.InternshipFilterForm(
        request.GET or None, programs=Program.objects.order_by("slug") if officer else []
    )
    filters = form.cleaned_data if officer and form.is_valid() else {}
    internships = list(internship_list_visible(user=request.user, filters=filters)[:200])
    return render(
        request,
        "internships/list.html",
        {"internships": internships, "form": form if officer else None},
    )


def _detail(request, internship, *, status=200, **forms):
    context = page_context(internship, request.user)
    agreement = context["agreement"]
    if agreement is not None:
        context["agreement_form"] = forms.get("agreement_form") or f.AgreementForm(
            agreement=agreement,
            initial={
                "plan_intern": agreement.plan_intern,
                "plan_host": agreement.plan_host,
                "start_date": agreement.start_date,
                "end_date": agreement.end_date,
                "ip_option": agreement.ip_option.key if agreement.ip_option else "",
            },
        )
        context["parties_form"] = forms.get("parties_form") or f.PartiesForm(
            home_choices=context["home_choices"],
            partner_choices=context["partner_choices"],
            initial={
                "home_supervisor": internship.home_supervisor_id or "",
                "partner_signatory": agreement.partner_signatory_id or "",
            },
        )
        context["amendment_form"] = forms.get("amendment_form") or f.AmendmentForm()
    context["sensitivity_form"] = forms.get("sensitivity_form") or f.SensitivityForm(
        areas=context["areas"]
    )
    context["screening_form"] = forms.get("screening_form") or f.ScreeningForm(
        initial={"screened_on": context["today"]}
    )
    context["history"] = [
        {
            "entry": e,
            "label": VERBS.get(e.verb, e.verb),
            "party": Party(e.data["party"]).label if e.data.get("party") in Party.values else "",
        }
        for e in internship_history(internship)
    ]
    context["error"] = forms.get("error", "")
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted and forms.get("fragment"):
        return render(request, forms["fragment"], context, status=status)
    return render(request, "internships/detail.html", context, status=status)


@permission_required("internships.view_internship", obj=_internship)
def internship_detail(request, pk: int):
    return _detail(request, request.permission_object)


def _detail_url(internship) -> str:
    return reverse("internships:detail", args=[internship.pk])


def _internship_action(perm: str, success: str):
    """A POST on the internship's page that does one thing, back to it (`post_action`)."""
    return post_action(perm, obj=_internship, success=success, back=_detail_url)


def _done(request, internship, message: str):
    messages.success(request, message)
    return redirect(_detail_url(internship))


def _act(request, internship, action, done: str, **forms):
    """Call the service `action`: refused, its reason on the page (on the form when one
    is given, else as a message); done, back to the internship with `done`."""
    try:
        action()
    except ValidationError as exc:
        return _refused(request, internship, exc, **forms)
    return _done(request, internship, done)


def _act_on_form(request, internship, name: str, form, action, done: str):
    """`_act` with `action(cleaned_data)` once `form` is valid; `form` stays on the page
    as `name`, and an invalid one is shown again (400) with nothing done."""
    if not form.is_valid():
        return _detail(request, internship, status=400, **{name: form})
    return _act(request, internship, lambda: action(form.cleaned_data), done, **{name: form})


def _refused(request, internship, exc: ValidationError, **forms):
    if not forms:
        messages.error(request, " ".join(exc.messages))
        return redirect(_detail_url(internship))
    for form in forms.values():
        if hasattr(form, "add_error"):
            form_add_service_error(form, exc)
    return _detail(request, internship, status=400, **forms)


@require_POST
@permission_required("internships.change_agreement", obj=_internship)
def agreement_edit(request, pk: int):
    internship = request.permission_object
    agreement = agreement_of(internship)
    if agreement is None:
        return _refused(request, internship, ValidationError(_("There is no agreement yet.")))
    return _act_on_form(
        request,
        internship,
        "agreement_form",
        f.AgreementForm(request.POST, agreement=agreement),
        lambda data: agreement_update(agreement=agreement, actor=request.user, **data),
        _("The agreement was saved as a new version."),
    )


@require_POST
@permission_required("internships.change_agreement", obj=_internship)
def agreement_draft(request, pk: int):
    """Draft the agreement now that the program has a template (officers, parties)."""
    internship = request.permission_object
    if agreement_create(internship=internship, actor=request.user) is None:
        return _refused(
            request,
            internship,
            ValidationError(_("The program has no agreement template in use yet.")),
        )
    return _done(request, internship, _("The agreement was drafted."))


@require_POST
@permission_required("internships.change_agreement", obj=_internship)
def agreement_parties(request, pk: int):
    internship = request.permission_object
    agreement = agreement_of(internship)
    context = page_context(internship, request.user) if agreement else {}
    form = f.PartiesForm(
        request.POST,
        home_choices=context.get("home_choices", []),
        partner_choices=context.get("partner_choices", []),
    )
    if agreement is None or not form.is_valid():
        return _detail(request, internship, status=400, parties_form=form)
    people = {}
    for field in ("home_supervisor", "partner_signatory"):
        if form.fields[field].choices[1:] and field in request.POST:
            people[field] = int(form.cleaned_data[field]) if form.cleaned_data[field] else None
    return _act(
        request,
        internship,
        lambda: agreement_parties_set(agreement=agreement, actor=request.user, **people),
        _("The parties were named."),
        parties_form=form,
    )


@require_POST
@permission_required("internships.approve_agreement", obj=_internship)
def agreement_approve_view(request, pk: int):
    internship = request.permission_object
    agreement = agreement_of(internship)
    error = ""
    try:
        if agreement is None:
            raise ValidationError(_("There is no agreement yet."))
        agreement_approve(
            agreement=agreement, actor=request.user, party=request.POST.get("party") or None
        )
    except ValidationError as exc:
        error = " ".join(exc.messages)
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        internship.refresh_from_db()
        return _detail(
            request,
            internship,
            status=200,
            error=error,
            fragment="internships/_agreement.html",
        )
    if error:
        messages.error(request, error)
        return redirect(_detail_url(internship))
    return _done(request, internship, _("Your approval was recorded."))


def _amendment(internship, number: int) -> Amendment:
    """The internship's amendment `number`; refused when none."""
    amendment = Amendment.objects.filter(agreement__internship=internship, number=number).first()
    if amendment is None:
        raise ValidationError(_("No such amendment."))
    return amendment


@require_POST
@permission_required("internships.add_amendment", obj=_internship)
def amendment_add(request, pk: int):
    internship = request.permission_object
    agreement = agreement_of(internship)
    if agreement is None:
        return _detail(request, internship, status=400)
    return _act_on_form(
        request,
        internship,
        "amendment_form",
        f.AmendmentForm(request.POST),
        lambda data: amendment_propose(agreement=agreement, actor=request.user, **data),
        _("The amendment was proposed to the parties."),
    )


@_internship_action(
    "internships.approve_amendment", gettext_lazy("Your approval of the amendment was recorded.")
)
def amendment_approve_view(request, pk: int, number: int):
    amendment = _amendment(request.permission_object, number)
    amendment_approve(
        amendment=amendment, actor=request.user, party=request.POST.get("party") or None
    )


@_internship_action("internships.add_amendment", gettext_lazy("The amendment was withdrawn."))
def amendment_withdraw_view(request, pk: int, number: int):
    amendment = _amendment(request.permission_object, number)
    amendment_withdraw(amendment=amendment, actor=request.user)


@require_POST
@permission_required("internships.decide_sensitivity", obj=_internship)
def sensitivity_view(request, pk: int):
    internship = request.permission_object
    areas = page_context(internship, request.user)["areas"]
    return _act_on_form(
        request,
        internship,
        "sensitivity_form",
        f.SensitivityForm(request.POST, areas=areas),
        lambda data: sensitivity_set(
            internship=internship,
            actor=request.user,
            sensitivity=data["sensitivity"],
            area_code=data["area"],
        ),
        _("The decision was recorded."),
    )


@_internship_action("internships.attest", gettext_lazy("Your attestation was recorded."))
def attest_view(request, pk: int):
    attest(internship=request.permission_object, actor=request.user)


@require_POST
@permission_required("internships.record_screening", obj=_internship)
def screening_view(request, pk: int):
    internship = request.permission_object
    return _act_on_form(
        request,
        internship,
        "screening_form",
        f.ScreeningForm(request.POST),
        lambda data: screening_record(internship=internship, actor=request.user, **data),
        _("The screening was recorded."),
    )


@require_http_methods(["GET", "POST"])
@permission_required("internships.view_security_lists")
def security_lists(request):
    """Officers: the research-security lists in use, their versions, and an import."""
    form = f.SecurityListImportForm()
    status = 200
    if request.method == "POST":
        form = f.SecurityListImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                imported = security_list_import(
                    kind=data["kind"],
                    data=data["file"].read(),
                    source=data["source"],
                    published_on=data["published_on"],
                    actor=request.user,
                    invented=data["invented"],
                )
            except ImportRejected as exc:
                form.add_error(
                    "file",
                    "; ".join(
                        _("row %(row)s: %(errors)s")
                        % {
                            "row": r["row"],
                            "errors": ", ".join(
                                f"{k}: {' '.join(map(str, v))}" for k, v in r["errors"].items()
                            ),
                        }
                        for r in exc.rows
                    ),
                )
                form.add_error(None, exc.messages[0])
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the list was imported (%(count)s entries).")
                    % {"version": imported.version, "count": imported.entries.count()},
                )
                return redirect("internships:security_lists")
        status = 400
    lists = SecurityList.objects.select_related("imported_by").prefetch_related("entries")
    return render(
        request, "internships/security_lists.html", {"lists": lists, "form": form}, status=status
    )
