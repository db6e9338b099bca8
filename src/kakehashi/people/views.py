import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from kakehashi.core.permissions import permission_required
from kakehashi.core.views import form_add_service_error, form_data, post_action
from kakehashi.people.forms import (
    AccountDeleteForm,
    AffiliationRequestForm,
    CandidateProfileForm,
    LanguageFormSet,
    ProfileForm,
)
from kakehashi.people.models import NAME_FIELDS, CandidateProfile, User
from kakehashi.people.names import person_name
from kakehashi.people.privacy import action_label
from kakehashi.people.selectors import (
    affiliation_requests_of,
    affiliation_requests_to_decide,
    person_data_export,
)
from kakehashi.people.services import (
    affiliation_request_create,
    affiliation_request_decide,
    person_delete,
    person_delete_plan,
    person_language_set,
    person_profile_update,
)


def _me(request) -> User:
    return (
        User.objects.select_related("candidate_profile", "candidate_profile__home_organisation")
        .prefetch_related("languages", "candidate_profile__fields")
        .get(pk=request.user.pk)
    )


def _profile(person: User) -> CandidateProfile | None:
    try:
        return person.candidate_profile
    except CandidateProfile.DoesNotExist:
        return None


@permission_required("people.view_profile")
def profile_detail(request):
    person = _me(request)
    return render(
        request,
        "people/profile.html",
        {
            "person": person,
            "profile": _profile(person),
            "affiliations": person.affiliations.select_related("organisation"),
            "affiliation_requests": affiliation_requests_of(person=person),
            "affiliation_form": AffiliationRequestForm(),
        },
    )


@permission_required("people.change_profile")
def profile_edit(request):
    """Edit names (Latin script, kanji, kana, their order), ORCID, time zone, languages
    and, for candidates, level, interests and skills.

    Everything is saved in one service call; a refused change keeps what was typed.
    """
    person = _me(request)
    profile = _profile(person)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(
        data,
        initial={
            **{name: getattr(person, name) for name in NAME_FIELDS},
            "name_order": person.name_order,
            "orcid": person.orcid or "",
            "timezone": person.timezone,
        },
    )
    candidate_form = (
        CandidateProfileForm(
            data,
            initial={
                "level": profile.level,
                "nationality": profile.nationality.code or "",
                "research_interests": profile.research_interests,
                "interests_language": profile.interests_language,
                "skills": ", ".join(profile.skills),
            },
        )
        if profile
        else None
    )
    languages = LanguageFormSet(
        data,
        prefix="languages",
        initial=[{"language": s.language, "level": s.level} for s in person.languages.all()],
    )
    if data is not None:
        valid = form.is_valid() & languages.is_valid()
        if candidate_form is not None:
            valid &= candidate_form.is_valid()
        if valid:
            try:
                with transaction.atomic():
                    person_profile_update(
                        person=person,
                        actor=request.user,
                        names={
                            name: form.cleaned_data[name] for name in (*NAME_FIELDS, "name_order")
                        },
                        orcid=form.cleaned_data["orcid"],
                        timezone=form.cleaned_data["timezone"],
                        languages=[
                            {"code": f.cleaned_data["language"], "level": f.cleaned_data["level"]}
                            for f in languages.forms
                            if f.cleaned_data.get("language") and not f.cleaned_data.get("DELETE")
                        ],
                        candidate=candidate_form.cleaned_data if candidate_form else None,
                    )
            except ValidationError as exc:
                person.refresh_from_db()
                form_add_service_error(form, exc)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("people:profile")
    context = {
        "person": person,
        "profile": profile,
        "form": form,
        "candidate_form": candidate_form,
        "languages": languages,
    }
    return render(request, "people/profile_edit.html", context)


@permission_required("people.set_language")
def language_set(request):
    """Django's set_language, and for a signed-in person their saved preference too."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and language != request.user.preferred_language
    ):
        person_language_set(person=request.user, language=language)
    return response


@permission_required("people.export_own_data")
def data_download(request):
    """Everything held about the caller, as one JSON file in the interface's language."""
    document = person_data_export(person=request.user, language=translation.get_language())
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = (
        f'attachment; filename="kakehashi-my-data-{request.user.pk}-{stamp}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _with_labels(items: list[dict]) -> list[dict]:
    return [{**item, "action_label": action_label(item["action"])} for item in items]


@permission_required("people.delete_own_account")
def account_delete(request):
    """Say what deleting the account deletes and keeps; on the password, do it, sign
    out and say what was done."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done = person_delete(person=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            logout(request)
            return render(request, "people/account_deleted.html", {"items": _with_labels(done)})
    plan = _with_labels(person_delete_plan(person=request.user))
    return render(request, "people/account_delete.html", {"form": form, "items": plan})


@post_action(
    "people.add_affiliationrequest",
    success=gettext_lazy("Your request has been sent to the organisation's admins."),
    back="people:profile",
)
def affiliation_request_view(request):
    """Ask to be affiliated with an organisation; its admins confirm or refuse."""
    data = form_data(AffiliationRequestForm(request.POST), _("Choose an organisation and a role."))
    affiliation_request_create(person=request.user, **data)


@permission_required("people.view_affiliationrequest_list")
def affiliation_requests_view(request):
    """Affiliation requests to the organisations one administers (all, for officers)."""
    return render(
        request,
        "people/affiliation_requests.html",
        {"requests": affiliation_requests_to_decide(user=request.user)},
    )


def _request_to_decide(request, pk: int, **_kwargs):
    return affiliation_requests_to_decide(user=request.user).get(pk=pk)


@require_POST
@permission_required("people.change_affiliationrequest", obj=_request_to_decide)
def affiliation_request_decide_view(request, pk: int, decision: str):
    if decision not in ("confirm", "refuse"):
        raise Http404
    try:
        decided = affiliation_request_decide(
            request=request.permission_object, actor=request.user, confirm=decision == "confirm"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = person_name(decided.person)
        if decision == "confirm":
            messages.success(request, _("%(name)s's affiliation is confirmed.") % {"name": name})
        else:
            messages.success(request, _("%(name)s's request is refused.") % {"name": name})
    return redirect("people:affiliation_requests")
