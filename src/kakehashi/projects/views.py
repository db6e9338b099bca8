from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kakehashi.core.cache import person_fragment, versioned, visible_fragment
from kakehashi.core.permissions import permission_required
from kakehashi.core.templatetags.kakehashi import request_roles
from kakehashi.core.views import form_add_service_error, render_page_or_fragment
from kakehashi.organisations.models import Organisation
from kakehashi.programs.selectors import call_list_visible
from kakehashi.projects.filters import ProjectFilters
from kakehashi.projects.forms import ProjectFilterForm, ProjectForm, project_form_initial
from kakehashi.projects.models import Project
from kakehashi.projects.rules import can_change_project, can_vet_project
from kakehashi.projects.selectors import (
    project_get_visible,
    project_host_options,
    project_list_supervised,
    project_search,
    project_versions,
    project_vetting_queue,
    project_visibility,
    supervision_invitations_of,
)
from kakehashi.projects.services import (
    project_create,
    project_supervisors_set,
    project_transition,
    project_update,
    supervision_accept,
    supervision_decline,
)
from kakehashi.projects.signals import project_page
from kakehashi.research_fields.models import ResearchField
from kakehashi.research_fields.selectors import research_field_list, research_fields_by_code

PAGE_SIZE = 12


@permission_required("projects.view_project_list")
def project_list(request):
    """Public list with search and filters; an HTMX request gets only the results.

    The filters and results are cached fragments (core.cache): the form and the page
    are built only when a fragment is rendered. The filters are the same for everyone;
    the results are kept per set of visible drafts (none for most signed-in people)."""
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

    def fragment(name: str, template: str, visible):
        # Called by the template only where it shows the fragment (not for HTMX's part).
        return lambda: visible_fragment(
            request,
            name,
            lambda: render_to_string(template, context(), request),
            visible=visible,
        )

    held = {
        # The form's choices are every call, field and region: no one's own.
        "filters_html": fragment("projects:filters", "projects/_filters.html", tuple),
        "results_html": fragment(
            "projects:results",
            "projects/_results.html",
            lambda: _visible_drafts(request),
        ),
    }
    return render_page_or_fragment(
        request, "projects/list.html", "projects/_results_held.html", held
    )


def _visible_drafts(request) -> tuple | None:
    """`project_visibility` of the signed-in person, kept per person and data version
    (drafts shown depend on supervisions, invitations and affiliations, all versioned);
    None for anonymous visitors."""
    if not request.user.is_authenticated:
        return None
    return versioned(
        "projects:visibility",
        (request.user.pk,),
        lambda: project_visibility(user=request.user),
        request=request,
    )


def _project_visible(request, key: str) -> Project:
    return project_get_visible(user=request.user, key=key, drafts=_visible_drafts(request))


def _project_page(request, key: str) -> Project:
    """The project of the project page, as `_project_visible`, with its call's phases
    (the apply box reads them) and its versions (`page_versions`): all from rows the data
    version covers, so kept per key, visible drafts and version (core.cache.versioned),
    which spares the page five queries. Pages that change the project read it fresh."""
    drafts = _visible_drafts(request)

    def load() -> Project | None:
        try:
            project = project_get_visible(user=request.user, key=key, drafts=drafts)
        except Project.DoesNotExist:
            return None
        prefetch_related_objects([project], "call__phases")
        project.page_versions = list(project_versions(project=project))
        return project

    project = versioned("projects:page", (key, repr(drafts)), load, request=request)
    if project is None:
        raise Project.DoesNotExist
    return project


def _translation_for(project: Project, lang: str) -> dict | None:
    """The host's translation of `project` into `lang` when the viewer reads another
    language than the original and one was stored: each text with its language (a
    text the translation lacks stays in the original); None otherwise."""
    if lang == project.language or not isinstance(project.translations, dict):
        return None
    entry = project.translations.get(lang)
    if not isinstance(entry, dict) or not any(entry.get(n) for n in ("title", "description")):
        return None
    shown = {}
    for name in ("title", "summary", "description"):
        text = entry.get(name)
        translated = isinstance(text, str) and bool(text)
        shown[name] = text if translated else getattr(project, name)
        shown[f"{name}_lang"] = lang if translated else project.language
    return shown


#: The parts of the project page that are the same for everyone who sees the project.
PAGE_PARTS = ("header", "text", "facts")


@permission_required("projects.view_project", obj=_project_page, public=True)
def project_detail(request, key: str):
    project = request.permission_object
    versions = project.page_versions
    may_change = can_change_project(request.user, project)
    shared = {
        "project": project,
        # Edits made once candidates may have applied are announced to everyone;
        # the history itself is for those who may edit (its host, officers).
        "edited_after_opening": any(v.after_opening for v in versions),
        "translation": _translation_for(project, _viewer_language()),
    }

    def render_parts() -> str:
        return "\x1e".join(
            render_to_string(f"projects/_detail_{part}.html", shared, request)
            for part in PAGE_PARTS
        )

    # Its header, text and key facts show only the project (the data version covers
    # it): one cached entry per project, language and version, shared by everyone who
    # may see the project (the decorator has checked that this person may).
    parts = visible_fragment(request, "projects:page", render_parts, visible=tuple).split("\x1e")
    context = {
        **shared,
        "parts": dict(zip(PAGE_PARTS, map(mark_safe, parts), strict=True)),
        "supervises": any(s.person_id == request.user.pk for s in project.supervisions.all()),
        "invitation": (
            project.invitations.filter(person_id=request.user.pk).first()
            # The navigation's roles (kept per person and data version) say whether the
            # person has any invitation at all: most have none, and skip the query.
            if request_roles(request).get("invited")
            else None
        ),
        "versions": versions if may_change else None,
        "may_change": may_change,
        # Vetting (officers, the host's admins) is a part of changing: one who may not
        # change the project may not vet it, and their page skips the rule's query.
        "may_vet": may_change and can_vet_project(request.user, project),
    }
    # What apps above projects add to the page (applications: the apply box). They get
    # the versions read above rather than read them again.
    for _receiver, extra in project_page.send(
        sender=Project, project=project, user=request.user, versions=versions
    ):
        context.update(extra)
    return render(request, "projects/detail.html", context)


@permission_required("projects.view_supervised_project_list")
def project_list_mine(request):
    """The projects the signed-in supervisor supervises, with applicant counts.

    The projects' tables are a cached fragment per supervisor under the data version and
    the activity version (core.cache.person_fragment: the applicant counts are
    applications): no query of their own when kept, instead of the projects with their
    fields and supervisors. The invitations
    (with their forms' CSRF tokens) are read only when the roles say there are some, and
    whether the person may post comes from the roles too (both kept per version)."""
    roles = request_roles(request)
    user = request.user

    def projects_html():
        return person_fragment(
            request,
            "projects:supervising",
            lambda: (
                render_to_string(
                    "projects/_supervising_projects.html",
                    {"projects": project_list_supervised(supervisor=user)},
                    request,
                ),
                None,
            ),
        )

    context = {
        "projects_html": projects_html,
        "invitations": supervision_invitations_of(person=user) if roles.get("invited") else (),
        # As projects.rules.may_post: an officer, or affiliated with a host (HOST_ROLES).
        "may_post": bool(roles.get("officer") or roles.get("host")),
    }
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


# ------------------------------------------------------------------ posting and vetting


def _viewer_language() -> str:
    return (get_language() or "en")[:2]


def _free_key(title: str) -> str:
    """A key not taken yet, made from `title` (“project” when it has no Latin letters)."""
    base = slugify(title)[:70].strip("-") or "project"
    key, n = base, 1
    while Project.objects.filter(key=key).exists():
        n += 1
        key = f"{base}-{n}"
    return key


def _preview(form: ProjectForm, *, project: Project | None) -> dict:
    """What the project page would show, from the form's values (nothing saved)."""
    values = form.values()
    if project is None:
        call = call_list_visible(user=form.user).get(slug=form.cleaned_data["call"])
        host = Organisation.objects.get(pk=form.cleaned_data["host"])
    else:
        call, host = project.call, project.host
    supervising = {s.person_id for s in project.supervisions.all()} if project else set()
    return {
        "project": Project(call=call, host=host, **values),
        "fields": list(
            ResearchField.objects.filter(code__in=form.cleaned_data["fields"]).order_by("code")
        ),
        # (person, role, listed): someone other than the author and the project's
        # supervisors is only invited, and listed once they accept.
        "supervisors": [
            (person, role, person.pk == form.user.pk or person.pk in supervising)
            for person, role in form.supervisors()
        ],
    }


def _render_form(request, form, *, project=None, preview=None):
    context = {
        "form": form,
        "project": project,
        "preview": preview,
        "chosen_fields": [
            (code, label)
            for code, label in form.fields["fields"].choices
            if code in set(form["fields"].value() or ())
        ],
    }
    return render(request, "projects/form.html", context)


@permission_required("projects.post_project")
def project_new(request):
    """A supervisor writes a new project (a draft); “Preview” shows it as candidates
    will see it, without saving. Saved through `project_create`, as the API does."""
    lang = _viewer_language()
    form = ProjectForm(
        request.POST or None,
        user=request.user,
        lang=lang,
        initial={"academic": request.user.email, "language": lang, "working_language": lang},
    )
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            return _render_form(request, form, preview=_preview(form, project=None))
        data = form.cleaned_data
        try:
            project = project_create(
                actor=request.user,
                call=call_list_visible(user=request.user).get(slug=data["call"]),
                host=Organisation.objects.get(pk=data["host"]),
                key=data["key"] or _free_key(data["title"]),
                fields=research_fields_by_code(codes=data["fields"]),
                supervisors=form.supervisors(),
                **form.values(),
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        except PermissionDenied as exc:
            form.add_error("host", str(exc))
        else:
            messages.success(
                request, _("The project is saved as a draft. Submit it for vetting when ready.")
            )
            return redirect("projects:edit", key=project.key)
    return _render_form(request, form)


def _named(project: Project) -> list[tuple[int, str]]:
    """The supervisors named on `project`, accepted or invited, as (person id, role)."""
    people = [(s.person_id, str(s.role), s.order) for s in project.supervisions.all()]
    people += [(i.person_id, str(i.role), i.order) for i in project.invitations.all()]
    return [(pk, role) for pk, role, _order in sorted(people, key=lambda p: p[2])]


@permission_required("projects.change_project", obj=_project_visible)
def project_edit(request, key: str):
    """Edit a project (its supervisors, the host's admins, officers) through
    `project_update`: every change is a numbered version; its call, host and key stay.
    A project returned to draft shows the comment it was returned with."""
    project = request.permission_object
    form = ProjectForm(
        request.POST or None,
        user=request.user,
        project=project,
        lang=_viewer_language(),
        initial=project_form_initial(project),
    )
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            return _render_form(
                request, form, project=project, preview=_preview(form, project=project)
            )
        supervisors = form.supervisors()
        try:
            with transaction.atomic():
                project_update(
                    project=project,
                    actor=request.user,
                    fields=research_fields_by_code(codes=form.cleaned_data["fields"]),
                    **form.values(),
                )
                if [(p.pk, role) for p, role in supervisors] != _named(project):
                    project_supervisors_set(
                        project=project, supervisors=supervisors, actor=request.user
                    )
        except ValidationError as exc:
            project.refresh_from_db()
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("The project is saved."))
            return redirect("projects:edit", key=project.key)
    return _render_form(request, form, project=project)


@require_POST
@permission_required("projects.change_project", obj=_project_visible)
def project_status(request, key: str):
    """Submit a draft for vetting, withdraw it, approve it, return it with a comment,
    or close it (``to`` and ``comment``): `project_transition` decides who may."""
    project = request.permission_object
    to, comment = request.POST.get("to", ""), request.POST.get("comment", "")
    back = "projects:edit" if request.POST.get("back") == "edit" else "projects:detail"
    try:
        project_transition(project=project, to=to, actor=request.user, comment=comment)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
        return redirect(back, key=project.key)
    messages.success(request, _STATUS_DONE.get(to, _("Done.")))
    return redirect(back, key=project.key)


_STATUS_DONE = {
    "submitted": gettext_lazy("The project is submitted for vetting."),
    "approved": gettext_lazy("The project is approved: candidates can now see it."),
    "draft": gettext_lazy("The project is back in draft."),
    "closed": gettext_lazy("The project is closed."),
}


@permission_required("projects.view_vetting_queue")
def vetting_queue(request):
    """Submitted projects per call, the longest waiting first, with their counts."""
    projects = list(project_vetting_queue(user=request.user))
    calls: dict = {}
    for project in projects:
        calls.setdefault(project.call, []).append(project)
    context = {"calls": list(calls.items()), "total": len(projects), "now": timezone.now()}
    return render(request, "projects/vetting.html", context)


@permission_required("research_fields.view_researchfield")
def research_field_options(request):
    """The CRDC fields whose code or title (in any of the three languages) matches
    ``q``, as checkboxes for the project form (htmx swaps them in)."""
    q = request.GET.get("q", "").strip()[:100]
    fields = list(research_field_list(q=q)[:FIELD_OPTIONS]) if len(q) >= 2 else []
    return render(request, "projects/_field_options.html", {"fields": fields, "q": q})


@permission_required("projects.post_project")
def host_options(request):
    """The host picker of the project form: the organisations the person may post at
    whose name (English, French, Japanese), alias or acronym contains ``host_q``, as the
    form's own ``<select>`` (htmx swaps it in) and a status line saying how many match.
    The one chosen before stays chosen when it still matches; else the first match is.
    Without JavaScript the form's full list works as before."""
    q = request.GET.get("host_q", "").strip()[:100]
    organisations, matched = project_host_options(user=request.user, q=q)
    keep = request.GET.get("host", "")
    if not any(str(o.pk) == keep for o in organisations):
        keep = str(organisations[0].pk) if organisations else keep
    if not organisations:
        # Nothing matches: the full list stays, so the choice is never lost.
        organisations, _all = project_host_options(user=request.user, q="")
    context = {
        "organisations": organisations,
        "selected": keep,
        "q": q,
        "matched": matched,
        "shown": len(organisations),
    }
    return render(request, "projects/_host_options.html", context)


#: How many matching research fields the search offers at once.
FIELD_OPTIONS = 30
