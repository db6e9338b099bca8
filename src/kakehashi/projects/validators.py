"""A project's title is one line; its translations have one shape:
``{language: {title?, summary?, description?}}``.

Pages, the interns list and offer e-mail read a translation as a mapping of texts;
anything else stored there breaks them, so every way in (service, API, import,
admin) refuses it through the model field's validator.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kakehashi.core import limits
from kakehashi.core.enums import Language

#: The fields of a project that may be translated.
TRANSLATABLE_FIELDS = ("title", "summary", "description")

#: How long each translatable text may be, in the original and in every translation.
TEXT_LIMITS = {"title": limits.LINE, "summary": limits.SHORT_TEXT, "description": limits.LONG_TEXT}


def validate_title(value: str) -> None:
    """A title is one line: it becomes an e-mail subject and a CSV cell."""
    text = str(value)
    if "".join(text.splitlines()) != text:
        raise ValidationError(_("A title is one line: remove its line breaks."), code="multiline")


def validate_translations(value) -> None:
    """Refuse anything but ``{"en"|"fr"|"ja": {"title"|"summary"|"description": text}}``."""
    if not isinstance(value, dict):
        raise ValidationError(_("Translations must be a JSON object."), code="invalid_translations")
    for language, entry in value.items():
        if language not in Language.values:
            raise ValidationError(
                _("“%(language)s” is not a language of Kakehashi (en, fr, ja).")
                % {"language": language},
                code="invalid_translations",
            )
        if (
            not isinstance(entry, dict)
            or not set(entry) <= set(TRANSLATABLE_FIELDS)
            or not all(isinstance(text, str) for text in entry.values())
        ):
            raise ValidationError(
                _(
                    "The “%(language)s” translation must be an object whose title, summary "
                    "and description are texts."
                )
                % {"language": language},
                code="invalid_translations",
            )
        if "title" in entry:
            validate_title(entry["title"])
        for field, text in entry.items():
            if len(text) > TEXT_LIMITS[field]:
                # The field's name as the model's labels say it: title, summary, description.
                raise ValidationError(
                    _(
                        "The “%(language)s” %(field)s has at most %(limit)d characters "
                        "(it has %(count)d)."
                    )
                    % {
                        "language": language,
                        "field": _(field),
                        "limit": TEXT_LIMITS[field],
                        "count": len(text),
                    },
                    code="max_length",
                )
