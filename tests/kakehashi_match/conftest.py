"""Shared fixtures for the match-engine tests (plain pytest, no database).

Hypothesis profiles live in ``match_profiles.py``.
"""

import pytest


@pytest.fixture
def gale_shapley_example():
    """Gale & Shapley 1962 (doi:10.2307/2312726), the 3×3 example with three
    stable matchings: every man first choice, every woman first choice, and
    everyone second choice. Men are students, women are projects."""
    return {
        "students": {"alpha": ["A", "B", "C"], "beta": ["B", "C", "A"], "gamma": ["C", "A", "B"]},
        "projects": {
            "A": {"capacity": 1, "ranking": ["beta", "gamma", "alpha"]},
            "B": {"capacity": 1, "ranking": ["gamma", "alpha", "beta"]},
            "C": {"capacity": 1, "ranking": ["alpha", "beta", "gamma"]},
        },
    }


@pytest.fixture
def nested_example():
    """Two supervisors in one organisation whose capacity binds."""
    return {
        "students": {"a": ["p1", "q1"], "b": ["p1", "p2"], "c": ["p2", "q1"], "d": ["q1"]},
        "projects": {
            "p1": {"capacity": 1, "supervisor": "L"},
            "p2": {"capacity": 1, "supervisor": "L"},
            "q1": {"capacity": 2, "supervisor": "M"},
        },
        "supervisors": {
            "L": {"capacity": 2, "ranking": ["b", "a", "c"], "organisation": "O"},
            "M": {"capacity": 2, "ranking": ["d", "c", "a"], "organisation": "O"},
        },
        "organisations": {"O": {"capacity": 3}},
    }
