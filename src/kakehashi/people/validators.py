"""ORCID iD validation, including its ISO 7064 MOD 11-2 check character."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")


def orcid_check_character(digits: str) -> str:
    """Check character for the first 15 digits of an ORCID iD."""
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """Return ``0000-0002-1825-0097`` form; raise ValidationError if invalid."""
    text = (
        (value or "")
        .strip()
        .upper()
        .replace("HTTPS://ORCID.ORG/", "")
        .replace("HTTP://ORCID.ORG/", "")
    )
    match = _ORCID_RE.match(text)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not an ORCID iD (expected e.g. 0000-0002-1825-0097)."),
            code="invalid_orcid",
            params={"value": value},
        )
    digits = "".join(match.groups())
    if orcid_check_character(digits[:15]) != digits[15]:
        raise ValidationError(
            _("“%(value)s” is not a valid ORCID iD: its check digit is wrong."),
            code="invalid_orcid_checksum",
            params={"value": value},
        )
    return "-".join(match.groups())


def validate_orcid(value: str) -> None:
    normalise_orcid(value)
