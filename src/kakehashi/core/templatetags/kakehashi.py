"""Template helpers shared by every page: roles for the navigation, languages and
countries in the viewer's language. Names of people are in ``people_tags``, regions
in ``organisation_tags``."""

from __future__ import annotations

from django import template
from django.db import models
from django.db.models import Exists

from kakehashi.core.enums import Country, Language
from kakehashi.core.roles import is_candidate, is_officer

register = template.Library()


@register.simple_tag(takes_context=True)
def user_roles(context) -> dict[str, bool]:
    """The roles of the signed-in user, computed once per request (fixed query count)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_kakehashi_roles", None)
    if cached is None:
        supervisor, invited, host, org_admin = _supervision_flags(user)
        cached = {
            "candidate": bool(is_candidate(user)),
            # As core.roles.is_supervisor: supervises a project (an accepted supervision).
            "supervisor": supervisor,
            # Named a supervisor of a project and not answered yet (projects.SupervisionInvitation).
            "invited": invited,
            # Affiliated with an organisation as supervisor, researcher or admin: may post.
            "host": host,
            # An admin of some organisation: vets its projects.
            "org_admin": org_admin,
            "officer": bool(is_officer(user)),
        }
        request._kakehashi_roles = cached
    return cached


def _supervision_flags(user) -> tuple[bool, bool, bool, bool]:
    """Whether `user` supervises a project, is invited to, is affiliated with a host
    (supervisor, researcher or admin) and administers an organisation, in one query."""
    row = (
        user._meta.model._default_manager.filter(pk=user.pk)
        .annotate(
            supervises=Exists(user.supervisions.all()),
            invited=Exists(user.supervision_invitations.all()),
            host=Exists(user.affiliations.filter(role__in=("supervisor", "researcher", "admin"))),
            org_admin=Exists(user.affiliations.filter(role="admin")),
        )
        .values_list("supervises", "invited", "host", "org_admin")
        .first()
    )
    return tuple(bool(v) for v in row) if row else (False, False, False, False)


def _choice_label(choices: type[models.TextChoices], code: str) -> str:
    """The label of `code` among `choices` in the viewer's language; unknown codes as they are."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


@register.filter
def language_name(code: str) -> str:
    """“en” → “English” in the viewer's language."""
    return _choice_label(Language, code)


@register.filter
def country_name(code: str) -> str:
    return _choice_label(Country, code)


@register.filter
def translated(obj, field: str) -> str:
    """`project|translated:"title"`: the field in the viewer's language if translated."""
    return obj.translated(field)
