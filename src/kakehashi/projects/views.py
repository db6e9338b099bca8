from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kakehashi.core.cache import public_fragment
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import render_page_or_fragment
from kakehashi.projects.filters import ProjectFilters
from kakehashi.projects.forms import ProjectFilterForm
from kakehashi.projects.models import Project
from kakehashi.projects.rules import can_change_project
from kakehashi.projects.selectors import (
    project_get_visible,
    project_list_supervised,
    project_search,
    project_versions,
    supervision_invitations_of,
)
from kakehashi.projects.services import supervision_accept, supervision_decline
from kakehashi.projects.signals import project_page

PAGE_SIZE = 12


@permission_required("projects.view_project_list")
def project_list(request):
    """Public list with search and filters; an HTMX request gets only the results.

    Anonymous visitors' filters and results are cached fragments (core.cache): the
    form and the page are built only when a fragment is rendered."""
    built: dict = {}

    def context() -> dict:
        if not built:
            form = ProjectFilterForm(request.GET or None, lang=(get_language() or "en")[:2])
            filters = {}
            if form.is_bound:
                form.is_valid()
                filters = {k: v for k, v in form.cleaned_data.items() if v}
            projects = project_search(user=request.user, filters=ProjectFilters(**filters))
            page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
            built.update(form=form, page=page, filtered=bool(filters))
        return built

    def fragment(name: str, template: str):
        # Called by the template only where it shows the fragment (not for HTMX's part).
        return lambda: public_fragment(
            request, name, lambda: render_to_string(template, context(), request)
        )

    held = {
        "filters_html": fragment("projects:filters", "projects/_filters.html"),
        "results_html": fragment("projects:results", "projects/_results.html"),
    }
    return render_page_or_fragment(
        request, "projects/list.html", "projects/_results_held.html", held
    )


def _project_visible(request, key: str) -> Project:
    return project_get_visible(user=request.user, key=key)


@permission_required("projects.view_project", obj=_project_visible, public=True)
def project_detail(request, key: str):
    project = request.permission_object
    versions = list(project_versions(project=project))
    context = {
        "project": project,
        "supervises": any(s.person_id == request.user.pk for s in project.supervisions.all()),
        "invitation": (
            project.invitations.filter(person_id=request.user.pk).first()
            if request.user.is_authenticated
            else None
        ),
        # Edits made once candidates may have applied are announced to everyone;
        # the history itself is for those who may edit (its host, officers).
        "edited_after_opening": any(v.after_opening for v in versions),
        "versions": versions if can_change_project(request.user, project) else None,
    }
    # What apps above projects add to the page (applications: the apply box).
    for _receiver, extra in project_page.send(sender=Project, project=project, user=request.user):
        context.update(extra)
    return render(request, "projects/detail.html", context)


@permission_required("projects.view_supervised_project_list")
def project_list_mine(request):
    """The projects the signed-in supervisor supervises, with applicant counts."""
    projects = project_list_supervised(supervisor=request.user)
    invitations = supervision_invitations_of(person=request.user)
    context = {"projects": projects, "invitations": invitations}
    return render(request, "projects/supervising.html", context)


@require_POST
@permission_required("projects.answer_supervision", obj=_project_visible)
def supervision_answer(request, key: str):
    """Accept (``answer=accept``) or decline the invitation to supervise the project."""
    project = request.permission_object
    accept = request.POST.get("answer") == "accept"
    try:
        if accept:
            supervision_accept(project=project, person=request.user)
        else:
            supervision_decline(project=project, person=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("projects:supervising")
    if accept:
        messages.success(request, _("You now supervise this project."))
        return redirect("projects:detail", key=project.key)
    messages.success(request, _("You declined to supervise the project."))
    return redirect("projects:supervising")
