"""Outcomes of the internship of the network tests (tests/kakehashi/network/conftest.py)."""

from tests.kakehashi.network.conftest import (  # noqa: F401  (fixtures reused by name)
    before_deadline,
    internship,
    published,
    world,
)
