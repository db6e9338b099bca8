"""Names of people in the viewer's language: ``{% load people_tags %}``."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from kakehashi.people import names

register = template.Library()


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
