from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kakehashi.applications.enums import ApplicationStatus
from kakehashi.applications.forms import ApplyForm, posted_order
from kakehashi.applications.models import Application
from kakehashi.applications.rules import can_view_application_rank
from kakehashi.applications.selectors import (
    applicants_for_supervisor,
    application_apply_state,
    application_list_for_candidate,
    application_list_visible,
    application_page_rows_for_candidate,
    host_ranking_ids,
    host_ranking_pool,
    rank_list_pool,
    rank_list_ref_visible,
    rank_list_versions,
)
from kakehashi.applications.services import (
    application_submit,
    application_withdraw,
    host_ranking_set,
    rank_list_set,
)
from kakehashi.core.cache import CSRF_SLOT, csrf_filled, person_fragment, versions_read
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import missing_is_404, render_page_or_fragment
from kakehashi.people.rules import is_officer
from kakehashi.programs.views import call_or_404, call_page_or_404
from kakehashi.projects.models import Project
from kakehashi.projects.selectors import project_get_visible

# What the applicant cards show beyond the selector's joins.
PROFILE_PREFETCH = ("candidate__languages",)


def _project_or_404(user, key: str) -> Project:
    with missing_is_404(Project):
        return project_get_visible(user=user, key=key)


def _project_visible(request, key: str) -> Project:
    return project_get_visible(user=request.user, key=key)


def _application(request, pk: int) -> Application:
    # The permission (`can_view_application`, `can_change_application`) decides who may
    # see or change it: anonymous callers are sent to sign in, others get a 404.
    return Application.objects.get(pk=pk)


# Candidates ---------------------------------------------------------------


@require_POST
@permission_required("applications.add_application")
def application_apply(request, key: str):
    """Apply to a project (`application_submit`); errors return to the form, statement kept."""
    project = _project_or_404(request.user, key)
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            application_submit(
                candidate=request.user, project=project, statement=form.cleaned_data["statement"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, _("Your application has been submitted."))
                return redirect("projects:detail", key=project.key)
            form = ApplyForm()
    context = {
        "project": project,
        "apply": application_apply_state(user=request.user, project=project),
        "apply_form": form,
        "supervises": False,
    }
    return render_page_or_fragment(
        request, "projects/detail.html", "applications/_apply.html", context
    )


@permission_required("applications.view_own_application_list")
def application_list_mine(request):
    def render_body() -> tuple[str, None]:
        applications = application_page_rows_for_candidate(candidate=request.user)
        context = {"applications": applications, "csrf_token": CSRF_SLOT}
        return render_to_string("applications/_mine_body.html", context), None

    # Applications (the activity version), calls, projects and hosts (the data version):
    # kept per candidate; nothing in it changes by time alone.
    body = person_fragment(request, "applications:mine", render_body)
    return render(
        request, "applications/mine.html", {"body_html": mark_safe(csrf_filled(request, body))}
    )


@permission_required("applications.view_application", obj=_application)
def application_detail(request, pk: int):
    """One application: its candidate, its project's supervisors and officers may see it."""
    with missing_is_404(Application):
        application = application_list_visible(user=request.user).get(pk=pk)
    context = {
        "application": application,
        "show_rank": can_view_application_rank(request.user, application),
    }
    return render(request, "applications/detail.html", context)


@require_POST
@permission_required("applications.change_application", obj=_application)
def application_withdraw_view(request, pk: int):
    with missing_is_404(Application):
        application = application_list_for_candidate(candidate=request.user).get(pk=pk)
    try:
        application_withdraw(candidate=request.user, application=application)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your application has been withdrawn."))
    return redirect("applications:mine")


def _project_item(application: Application) -> dict:
    project = application.project
    return {
        "id": project.pk,
        "label": project.title,
        "lang": project.language,
        "detail": project.host.display_name,
        "url": reverse("projects:detail", args=[project.key]),
    }


def _widget(*, pool: dict, ranked_ids: list[int], **extra) -> dict:
    ranked = [pool[i] for i in ranked_ids if i in pool]
    unranked = [item for i, item in pool.items() if i not in ranked_ids]
    return {"ranked": ranked, "unranked": unranked, "errors": [], "saved": False, **extra}


def _reorder(
    request,
    *,
    call_obj,
    inputs,
    save,
    url_name,
    page,
    phase,
    last_version=None,
    **widget_extra,
):
    """The rank widget of both rankings: on POST save the posted order through `save`
    (a service), keep it and show the refusal inline if refused; render page or fragment.
    `inputs()` reads the pool (id → item) and the saved order (ids).

    A refused order is shown as an unsaved draft: the saved list is untouched and
    `last_version` (when given) names the version that counts, with its time.

    A page (a GET, not HTMX's) keeps the widget per person (core.cache.person_fragment):
    its pool, order and last version are applications, rank lists and host rankings
    (the activity version) and projects, hosts and people (the data version)."""
    errors: list[str] = []
    saved = False

    def widget_for(pool, ranked_ids) -> dict:
        return _widget(
            pool=pool,
            ranked_ids=ranked_ids,
            errors=errors,
            saved=saved,
            action=reverse(url_name, args=[call_obj.slug]),
            count=len([i for i in ranked_ids if i in pool]),
            versioned=last_version is not None,
            last_version=last_version() if last_version else None,
            **widget_extra,
        )

    context = {"call": call_obj, "deadline": call_obj.phase(phase)}
    if request.method == "GET" and not request.htmx:

        def render_widget() -> tuple[str, None]:
            shown = {**context, "widget": widget_for(*inputs()), "csrf_token": CSRF_SLOT}
            return render_to_string("applications/_reorder.html", shown), None

        held = person_fragment(request, f"applications:{url_name}", render_widget)
        context["widget_html"] = mark_safe(csrf_filled(request, held))
        return render(request, page, context)
    pool, ranked_ids = inputs()
    if request.method == "POST":
        ranked_ids = posted_order(request.POST)
        try:
            save(ranked_ids)
        except ValidationError as exc:
            errors = exc.messages
        else:
            saved = True
            if not request.htmx:
                messages.success(request, _("Your ranking has been saved."))
                return redirect(url_name, call=call_obj.slug)
    context["widget"] = widget_for(pool, ranked_ids)
    return render_page_or_fragment(request, page, "applications/_reorder.html", context)


@permission_required("applications.change_rank_list")
def rank_list_edit(request, call: str):
    """Reorder my applications of a call (drag and drop, keyboard or buttons)."""
    versions_read(request)  # the call and the widget are kept under them
    call_obj = call_page_or_404(request, call)

    def inputs() -> tuple[dict, list[int]]:
        applications = rank_list_pool(candidate=request.user, call=call_obj)
        pool = {a.project_id: _project_item(a) for a in applications}
        ranked = [a.project_id for a in sorted(applications, key=lambda a: a.rank or 0) if a.rank]
        return pool, ranked

    return _reorder(
        request,
        call_obj=call_obj,
        inputs=inputs,
        # Judged at the request's arrival (core.middleware.RequestArrivalMiddleware).
        save=lambda ids: rank_list_set(
            candidate=request.user,
            call=call_obj,
            project_ids=ids,
            received_at=getattr(request, "received_at", None),
        ),
        url_name="applications:rank",
        page="applications/rank.html",
        phase="applications",
        limit=call_obj.ranking_limit,
        # Which list counts: the last saved version, read after the save (or refusal).
        last_version=lambda: rank_list_versions(candidate=request.user, call=call_obj).first(),
    )


def _rank_list_ref(request, call: str, person: int):
    return rank_list_ref_visible(
        user=request.user, call=call_or_404(request.user, call), candidate_id=person
    )


@permission_required("applications.view_rank_list_versions", obj=_rank_list_ref)
def rank_list_versions_view(request, call: str, person: int):
    """Every saved version of one candidate's rank list in a call, newest first:
    the candidate's own proof of what they submitted; officers may see anyone's."""
    ref = request.permission_object
    versions = rank_list_versions(candidate=ref.candidate, call=ref.call)
    context = {
        "call": ref.call,
        "candidate": ref.candidate,
        "own": ref.candidate.pk == request.user.pk,
        "versions": versions,
    }
    return render(request, "applications/rank_versions.html", context)


# Supervisors ---------------------------------------------------------------


def _applicants_by_person(applications) -> dict[int, dict]:
    """One entry per applicant, with every project of mine they applied to."""
    people: dict[int, dict] = {}
    for application in applications:
        entry = people.setdefault(
            application.candidate_id,
            {"candidate": application.candidate, "applications": []},
        )
        entry["applications"].append(application)
    return people


@permission_required("applications.view_applicant_list")
def applicants_for_call(request, call: str):
    """Applicants to my projects in a call, with their profile summary."""
    call_obj = call_or_404(request.user, call)
    applicants = _applicants_by_person(
        applicants_for_supervisor(supervisor=request.user, call=call_obj).prefetch_related(
            *PROFILE_PREFETCH
        )
    )
    context = {"call": call_obj, "applicants": applicants.values(), "project": None}
    return render(request, "applications/applicants.html", context)


@permission_required("applications.view_project_applicant_list", obj=_project_visible)
def applicants_for_project(request, key: str):
    """Applicants to one project: its supervisors and officers only; others get a 404."""
    project = request.permission_object
    if is_officer(request.user):
        applications = application_list_visible(user=request.user).filter(
            project=project, status=ApplicationStatus.SUBMITTED
        )
    elif any(s.person_id == request.user.pk for s in project.supervisions.all()):
        applications = applicants_for_supervisor(supervisor=request.user, call=project.call).filter(
            project=project
        )
    else:
        raise Http404
    applicants = _applicants_by_person(applications.prefetch_related(*PROFILE_PREFETCH))
    context = {"call": project.call, "applicants": applicants.values(), "project": project}
    return render(request, "applications/applicants.html", context)


@permission_required("applications.change_host_ranking")
def host_ranking_edit(request, call: str):
    """My ranking of the applicants to my projects in a call; unranked = unacceptable."""
    versions_read(request)  # the call and the widget are kept under them
    call_obj = call_page_or_404(request, call)

    def inputs() -> tuple[dict, list[int]]:
        applicants = _applicants_by_person(
            host_ranking_pool(supervisor=request.user, call=call_obj)
        )
        pool = {
            pk: {
                "id": pk,
                "label": str(entry["candidate"]),
                "lang": "",
                "detail": ", ".join(a.project.title for a in entry["applications"]),
                "url": reverse("applications:detail", args=[entry["applications"][0].pk]),
            }
            for pk, entry in applicants.items()
        }
        return pool, host_ranking_ids(supervisor=request.user, call=call_obj)

    return _reorder(
        request,
        call_obj=call_obj,
        inputs=inputs,
        save=lambda ids: host_ranking_set(
            supervisor=request.user, call=call_obj, candidate_ids=ids
        ),
        url_name="applications:host_ranking",
        page="applications/host_ranking.html",
        phase="host_ranking",
        limit=None,
        host=True,
    )
