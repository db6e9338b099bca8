from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from kakehashi.core.cache import public_fragment
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import render_page_or_fragment
from kakehashi.projects.filters import ProjectFilters
from kakehashi.projects.forms import ProjectFilterForm
from kakehashi.projects.models import Project
from kakehashi.projects.selectors import (
    project_get_visible,
    project_list_supervised,
    project_search,
)
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
    context = {
        "project": project,
        "supervises": any(s.person_id == request.user.pk for s in project.supervisions.all()),
    }
    # What apps above projects add to the page (applications: the apply box).
    for _receiver, extra in project_page.send(sender=Project, project=project, user=request.user):
        context.update(extra)
    return render(request, "projects/detail.html", context)


@permission_required("projects.view_supervised_project_list")
def project_list_mine(request):
    """The projects the signed-in supervisor supervises, with applicant counts."""
    projects = project_list_supervised(supervisor=request.user)
    return render(request, "projects/supervising.html", {"projects": projects})
