"""Mobility starts from the offers' published world (tests/kakehashi/offers/conftest.py):
`cand` (a Canadian PhD student) is offered `eeg-decoding` at Kyoto Test University
(JP-26, 2027-05-01 to 2027-08-31)."""

from __future__ import annotations

import pytest

from kakehashi.mobility.services import rule_packs_import_shipped
from kakehashi.offers.services import offer_accept
from tests.kakehashi.offers.conftest import (  # noqa: F401  (fixtures reused by name)
    DEADLINE,
    before_deadline,
    published,
    world,
)


@pytest.fixture
def packs(db):
    return {pack.country: pack for pack, _created in rule_packs_import_shipped()}


@pytest.fixture
def accepted(world, published, before_deadline, packs):  # noqa: F811
    """`cand` (nationality CA) accepted `eeg-decoding`: the internship and its plan."""
    profile = world.candidate.candidate_profile
    profile.nationality = "CA"
    profile.save()
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    return published.offer.internship
