import pytest
from django.core.exceptions import ValidationError

from kakehashi.organisations.models import Organisation
from kakehashi.organisations.validators import normalise_ror, ror_checksum


def test_normalise_ror_accepts_url_and_bare_id():
    assert normalise_ror("https://ror.org/01pe1d703") == "01pe1d703"
    assert normalise_ror(" 01PE1D703 ") == "01pe1d703"


def test_ror_checksum_of_atr():
    assert ror_checksum("01pe1d7") == "03"


def test_normalise_ror_wrong_check_digits_is_refused():
    with pytest.raises(ValidationError, match="check digits are wrong"):
        normalise_ror("01pe1d704")


@pytest.mark.parametrize("value", ["", "ror", "https://ror.org/1pe1d703", "01pe1d7o3", "01pe1d70"])
def test_normalise_ror_malformed_is_refused(value):
    with pytest.raises(ValidationError, match="is not a ROR id"):
        normalise_ror(value)


@pytest.mark.django_db
def test_organisation_unknown_region_is_refused():
    org = Organisation(name="X", type="company", country="JP", region="JP-48")
    with pytest.raises(ValidationError, match=r"JP-48.*is not an ISO 3166-2 code"):
        org.full_clean()


@pytest.mark.django_db
def test_organisation_region_of_other_country_is_refused():
    org = Organisation(name="X", type="company", country="JP", region="CA-QC")
    with pytest.raises(ValidationError, match="Region CA-QC is not in country JP"):
        org.full_clean()
