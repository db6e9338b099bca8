"""ROR identifier validation, including its ISO 7064 Mod 97-10 checksum.

A ROR id is ``0`` + six Crockford base32 characters + two check digits, e.g.
``01pe1d703`` (ATR). It may be written as the full URL ``https://ror.org/01pe1d703``.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_ROR_RE = re.compile(r"^(?:https?://ror\.org/)?(0[0-9a-hjkmnp-tv-z]{6}[0-9]{2})$")


def ror_checksum(body: str) -> str:
    """Two check digits for the 7-character base32 body (ISO 7064 Mod 97-10)."""
    value = 0
    for ch in body:
        value = value * 32 + _CROCKFORD.index(ch)
    return f"{98 - (value * 100) % 97:02d}"


def normalise_ror(value: str) -> str:
    """Return the bare 9-character id of a ROR id or URL; raise ValidationError if invalid."""
    text = (value or "").strip().lower()
    match = _ROR_RE.match(text)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a ROR id (expected e.g. https://ror.org/01pe1d703)."),
            code="invalid_ror",
            params={"value": value},
        )
    ror = match.group(1)
    if ror_checksum(ror[:7]) != ror[7:]:
        raise ValidationError(
            _("“%(value)s” is not a valid ROR id: its check digits are wrong."),
            code="invalid_ror_checksum",
            params={"value": value},
        )
    return ror


def validate_ror(value: str) -> None:
    normalise_ror(value)
