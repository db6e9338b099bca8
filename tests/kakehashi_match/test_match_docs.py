"""The runnable examples in the docstrings stay true: every module of the
match engine is run through ``doctest`` and must hold examples."""

import doctest
import importlib
import pkgutil

import pytest

import kakehashi_match

SUBMODULES = sorted(
    f"kakehashi_match.{m.name}" for m in pkgutil.iter_modules(kakehashi_match.__path__)
)
MODULES = ["kakehashi_match", *SUBMODULES]


def test_the_list_covers_the_modules_written_before_the_split():
    assert {
        "kakehashi_match.instance",
        "kakehashi_match.solve",
        "kakehashi_match.reference",
        "kakehashi_match.flexible",
        "kakehashi_match.result",
        "kakehashi_match.parse",
        "kakehashi_match.canonical",
    } <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name))

    assert result.failed == 0
    assert result.attempted > 0
