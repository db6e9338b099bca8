import pytest
from django.core.exceptions import ValidationError

from kakehashi.people.validators import normalise_orcid, orcid_check_character


def test_orcid_check_character_of_documented_examples():
    # The two examples of ORCID's own documentation.
    assert orcid_check_character("000000021825009") == "7"
    assert orcid_check_character("000000021694233") == "X"


def test_normalise_orcid_accepts_url_and_compact_forms():
    assert normalise_orcid("https://orcid.org/0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert normalise_orcid("000000021694233x") == "0000-0002-1694-233X"


def test_normalise_orcid_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError, match="check digit is wrong"):
        normalise_orcid("0000-0002-1825-0098")


@pytest.mark.parametrize("value", ["", "0000-0002-1825", "abcd-0002-1825-0097"])
def test_normalise_orcid_malformed_is_refused(value):
    with pytest.raises(ValidationError, match="is not an ORCID iD"):
        normalise_orcid(value)
