"""Regions in the viewer's language: ``{% load organisation_tags %}``."""

from django import template
from django.utils.translation import get_language

from kakehashi.organisations import regions

register = template.Library()


@register.filter
def region_name(code: str) -> str:
    """“JP-26” → “Kyoto” / “Kyoto” / “京都府” in the viewer's language."""
    return regions.region_name(code, get_language())
