"""How long the texts people write may be, defined once (docs/limits.md).

A text without a bound ties up a worker: an 80 KB profile took half a minute to
save (its embedding) and a larger one killed the worker. Every free text has a
limit here; the model fields carry it as a validator (so ``full_clean()`` in the
services refuses it, for pages, API and imports alike), the forms as
``max_length`` and the API schemas as ``max_length`` (shown in the OpenAPI
document). The messages are Django's, translated: they name the limit and the
length sent.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

#: One line: a title, a name.
LINE = 300
#: A short label: a cap of a call's match policy.
LABEL = 100
#: A short text: a project's summary.
SHORT_TEXT = 2_000
#: A motivation statement.
STATEMENT = 5_000
#: A long text: research interests.
TEXT = 10_000
#: The longest text: a project's description, a research field's definition.
LONG_TEXT = 20_000
#: A list of short entries (skills, aliases, acronyms): at most this many …
LIST_ITEMS = 100
#: … each at most this long.
LIST_ITEM = 100


def text_max_length_validator(limit: int) -> MaxLengthValidator:
    """The validator of a text field limited to `limit` characters."""
    return MaxLengthValidator(limit)


@deconstructible
class TextListValidator:
    """A JSON list of texts: at most `max_items` entries of at most `max_length` characters."""

    def __init__(self, max_items: int = LIST_ITEMS, max_length: int = LIST_ITEM) -> None:
        self.max_items = max_items
        self.max_length = max_length

    def __call__(self, value) -> None:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_("Give a list of texts."), code="invalid_list")
        if len(value) > self.max_items:
            raise ValidationError(
                ngettext_lazy(
                    "Give at most %(limit)d entry (there are %(count)d).",
                    "Give at most %(limit)d entries (there are %(count)d).",
                    "limit",
                ),
                code="max_items",
                params={"limit": self.max_items, "count": len(value)},
            )
        for entry in value:
            if len(entry) > self.max_length:
                raise ValidationError(
                    _("Each entry has at most %(limit)d characters; “%(entry)s…” has %(count)d."),
                    code="max_length",
                    params={"limit": self.max_length, "entry": entry[:20], "count": len(entry)},
                )

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, TextListValidator)
            and self.max_items == other.max_items
            and self.max_length == other.max_length
        )
