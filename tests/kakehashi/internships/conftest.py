"""Internships start from the offers' published world (tests/kakehashi/offers/conftest.py)."""

from tests.kakehashi.offers.conftest import (  # noqa: F401  (fixtures reused by name)
    DEADLINE,
    before_deadline,
    published,
    world,
)
