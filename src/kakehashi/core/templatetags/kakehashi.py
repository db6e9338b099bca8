"""Template helpers shared by every page: roles for the navigation, names of
people, languages and regions in the viewer's language."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from kakehashi.core.enums import Country, Language
from kakehashi.organisations.regions import REGIONS
from kakehashi.people import names

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
        from kakehashi.people.rules import is_candidate, is_officer, is_supervisor

        cached = {
            "candidate": bool(is_candidate(user)),
            "supervisor": bool(is_supervisor(user)),
            "officer": bool(is_officer(user)),
        }
        request._kakehashi_roles = cached
    return cached


@register.filter
def language_name(code: str) -> str:
    """“en” → “English” in the viewer's language."""
    try:
        return str(Language(code).label)
    except ValueError:
        return code


@register.filter
def country_name(code: str) -> str:
    try:
        return str(Country(code).label)
    except ValueError:
        return code


@register.filter
def region_name(code: str) -> str:
    """“JP-26” → “Kyoto” / “Kyoto” / “京都府” in the viewer's language."""
    region = REGIONS.get(code)
    if region is None:
        return code
    return region.get((get_language() or "en")[:2]) or region["en"]


@register.filter
def translated(obj, field: str) -> str:
    """`project|translated:"title"`: the field in the viewer's language if translated."""
    return obj.translated(field)


@register.filter
def person_name(person) -> str:
    """`{{ user|person_name }}`: “Takuya Morimoto” in English and French, “森本拓也” in Japanese."""
    return names.person_name(person) if person else ""


@register.filter
def person_name_full(person) -> str:
    """The name as `person_name` writes it, followed, for a reader not reading Japanese,
    by the kanji name tagged `lang="ja"`:
    “Takuya Morimoto <span lang="ja" class="muted">森本拓也</span>”.
    A name known only in kanji is tagged too."""
    name = names.person_name(person) if person else ""
    if not name:
        return ""
    other = names.other_script_name(person)
    if other:
        return format_html('{} <span lang="ja" class="muted">{}</span>', name, other)
    if (get_language() or "en")[:2] != "ja" and name == names.kanji_name(person):
        return format_html('<span lang="ja">{}</span>', name)
    return format_html("{}", name)
