"""docs/architecture.md tells the truth about the apps, their layers and deferred imports
(as datasette tests its documentation against the code)."""

import ast
import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "architecture.md"


def _contract(contract_id: str) -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["id"] == contract_id)


def _layers_in_contract() -> list[set[str]]:
    return [{name.strip() for name in layer.split("|")} for layer in _contract("apps")["layers"]]


def _layers_in_doc() -> list[set[str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- layers:")[1].split("<!-- /layers -->")[0]
    rows = [line for line in table.splitlines() if re.match(r"\| \d+ \|", line)]
    return [set(re.findall(r"`([a-z_]+)`", row.split("|")[2])) for row in rows]


def test_architecture_doc_lists_the_contract_layers_in_order():
    assert _layers_in_doc() == _layers_in_contract()


def test_every_installed_app_is_in_a_layer():
    apps = {
        name.removeprefix("kakehashi.")
        for name in settings.INSTALLED_APPS
        if name.startswith("kakehashi.")
    }
    layered = set().union(*_layers_in_contract())

    assert apps - layered == set()
    assert {"core", "audit", "offers", "matching"} <= apps


def test_engines_are_kept_free_of_django_and_of_each_other():
    forbidden = _contract("engines-pure")
    independent = _contract("engines-independent")

    assert set(forbidden["source_modules"]) == {
        "kakehashi_match",
        "kakehashi_semantic",
        "kakehashi_network",
    }
    assert {"django", "kakehashi"} <= set(forbidden["forbidden_modules"])
    assert independent["type"] == "independence"
    assert set(independent["modules"]) == {
        "kakehashi_match",
        "kakehashi_semantic",
        "kakehashi_network",
    }


def test_the_exceptions_to_the_layers_are_named_in_the_doc():
    ignored = _contract("apps").get("ignore_imports", [])
    text = DOC.read_text(encoding="utf-8")

    assert len(ignored) <= 3
    for rule in ignored:
        importer = rule.split("->")[0].strip().rsplit(".", 1)[-1]
        assert f"`{importer}`" in text, rule


def _deferred_imports_without_reason() -> list[str]:
    """Imports inside functions with no comment on their line or just above their block."""
    bad = []
    for path in sorted((ROOT / "src").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for function in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                line = lines[node.lineno - 1]
                above = node.lineno - 2
                # A comment may stand above a run of imports.
                while above >= 0 and re.match(r"\s*(from |import |\)|\w+,)", lines[above]):
                    above -= 1
                commented = lines[above].strip().startswith("#") if above >= 0 else False
                reason = "#" in line and "noqa" not in line.split("#", 1)[1]
                if not (commented or reason):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {line.strip()}")
    return bad


def test_every_import_inside_a_function_says_why():
    assert _deferred_imports_without_reason() == []
