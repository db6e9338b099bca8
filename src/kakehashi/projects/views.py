from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from kakehashi.core.views import render_page_or_fragment, role_required
from kakehashi.people.rules import is_supervisor
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


def project_list(request):
    """Public list with search and filters; an HTMX request gets only the results."""
    form = ProjectFilterForm(request.GET or None, lang=(get_language() or "en")[:2])
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    projects = project_search(user=request.user, filters=ProjectFilters(**filters))
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filtered": bool(filters)}
    return render_page_or_fragment(request, "projects/list.html", "projects/_results.html", context)


def project_detail(request, key: str):
    try:
        project = project_get_visible(user=request.user, key=key)
    except Project.DoesNotExist as exc:
        raise Http404 from exc
    context = {
        "project": project,
        "supervises": any(s.person_id == request.user.pk for s in project.supervisions.all()),
    }
    # What apps above projects add to the page (applications: the apply box).
    for _receiver, extra in project_page.send(sender=Project, project=project, user=request.user):
        context.update(extra)
    return render(request, "projects/detail.html", context)


@role_required(is_supervisor)
def project_list_mine(request):
    """The projects the signed-in supervisor supervises, with applicant counts."""
    projects = project_list_supervised(supervisor=request.user)
    return render(request, "projects/supervising.html", {"projects": projects})
