"""The runnable examples in the docstrings stay true."""

import doctest
import importlib

import pytest

MODULES = [
    "kakehashi_match",
    "kakehashi_match.instance",
    "kakehashi_match.solve",
    "kakehashi_match.reference",
    "kakehashi_match.certificate",
    "kakehashi_match.brute",
    "kakehashi_match.generate",
    "kakehashi_match.rounds",
    "kakehashi_match.simulate",
    "kakehashi_match.npkernel",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name))

    assert result.failed == 0
    assert result.attempted > 0
