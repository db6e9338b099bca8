"""The network reads internships of the offers' published world (tests/kakehashi/offers)."""

import pytest

from kakehashi.internships.models import Internship
from kakehashi.offers.services import offer_accept
from tests import factories
from tests.kakehashi.offers.conftest import (  # noqa: F401  (fixtures reused by name)
    before_deadline,
    published,
    world,
)


@pytest.fixture
def internship(world, published, before_deadline) -> Internship:  # noqa: F811
    """cand (home: a Canadian university) accepts eeg-decoding at Kyoto Test University."""
    profile = world.candidate.candidate_profile
    profile.home_organisation = factories.CanadianOrganisationFactory(name="UBC Test")
    profile.direction = "CA_JP"
    profile.save()
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    return Internship.objects.get()
