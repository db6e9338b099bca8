"""Texts of a rule pack (``{"en": …, "fr": …, "ja": …}``) in the reader's language."""

from django import template
from django.utils import translation

from kakehashi.mobility.engine import text

register = template.Library()


@register.filter
def pack_text(value) -> str:
    """``{{ step.title|pack_text }}``: the text in the active language, else English."""
    return text(value, (translation.get_language() or "en")[:2])


@register.filter
def pack_lang(value) -> str:
    """The language the text is shown in (for ``lang=``): English when the active
    language's text is missing."""
    language = (translation.get_language() or "en")[:2]
    if isinstance(value, dict) and value.get(language):
        return language
    return "en"
