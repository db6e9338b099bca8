import doctest
import importlib

import pytest

MODULES = [
    "kakehashi_semantic",
    "kakehashi_semantic.bias",
    "kakehashi_semantic.cache",
    "kakehashi_semantic.embed",
    "kakehashi_semantic.encoders",
    "kakehashi_semantic.evaluation",
    "kakehashi_semantic.index",
    "kakehashi_semantic._quant",
    "kakehashi_semantic.lang",
    "kakehashi_semantic.market",
    "kakehashi_semantic.recommend",
    "kakehashi_semantic.search",
    "kakehashi_semantic.windowing",
    "kakehashi_semantic.romaji",
    "kakehashi_semantic.names",
    "kakehashi_semantic.offtopic",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
