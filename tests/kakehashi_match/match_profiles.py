"""Hypothesis settings for the match-engine tests: ``match-ci`` (default, a
few dozen examples per property) and ``match-thorough`` (1,000 examples;
select with KAKEHASHI_MATCH_PROFILE=match-thorough). A module with a unique
name rather than ``conftest`` so that imports cannot pick up another
directory's conftest."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "match-ci",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "match-thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


PROFILE = settings.get_profile(os.environ.get("KAKEHASHI_MATCH_PROFILE", "match-ci"))
