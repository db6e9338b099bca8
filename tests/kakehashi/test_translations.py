"""Every interface string is translated into French and Japanese.

Extracts the interface strings from the code and templates afresh (Django's
makemessages, with the options of `make messages`, run on a temporary copy so the
committed catalogs are never touched) and fails listing every one that the French
or Japanese catalog lacks, leaves empty or marks fuzzy. Reads the .po catalogs with
a small parser (no polib) and fails listing every entry that is untranslated,
fuzzy, or whose placeholders differ from the English; checks that the compiled .mo
catalogs match their .po files, so a forgotten `compilemessages` shows up here
rather than as English on a page.

When you add strings: run `make messages`, translate each new entry in
src/kakehashi/locale/{fr,ja}/LC_MESSAGES/django.po, then `make messages` again
(it compiles them).
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LANGUAGES = ("fr", "ja")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (obsolete `#~` entries skipped), header included."""
    entries: list[Entry] = []
    entry: Entry | None = None
    key: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:
                entries.append(entry)
                entry = None
            entry = entry or Entry(line=number)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            name, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if name == "msgid" and entry is not None and entry.msgstr:
                entries.append(entry)
                entry = None
            entry = entry or Entry(line=number)
            if name.startswith("msgstr"):
                key = ("msgstr", int(index or 0))
                entry.msgstr[key[1]] = text
            else:
                key = (name, 0)
                setattr(entry, name, text)
        elif line.startswith('"') and entry is not None and key is not None:
            text = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry.msgstr[key[1]] += text
            else:
                setattr(entry, key[0], getattr(entry, key[0]) + text)
    if entry is not None and entry.msgstr:
        entries.append(entry)
    return entries


def _po_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def _placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def _problems(language: str) -> list[str]:
    path = _po_path(language)
    problems = []
    for entry in parse_po(path):
        if entry.msgid == "":
            continue
        where = f"{path.name}:{entry.line} {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: marked fuzzy")
            continue
        if not all(entry.msgstr.values()):
            problems.append(f"{where}: not translated")
            continue
        wanted = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        for form in entry.msgstr.values():
            # A plural form may leave out the count (e.g. French "une semaine").
            if _placeholders(form) - wanted or (
                entry.msgid_plural is None and _placeholders(form) != wanted
            ):
                problems.append(f"{where}: placeholders differ in {form!r}")
    return problems


# What `make messages` leaves out, and what makemessages reads (its default extensions).
EXTRACT_IGNORE = ["*/migrations/*", "*/static/*", "*/data/*"]
EXTRACT_SUFFIXES = {".py", ".html", ".txt"}


def _copy_sources(source: Path, target: Path) -> None:
    """The files makemessages reads, and the catalogs it merges into, under `target`."""
    skip = {"__pycache__", "migrations", "static", "data"}
    for directory, dirnames, filenames in os.walk(source):
        dirnames[:] = [d for d in dirnames if d not in skip and not d.startswith(".")]
        relative = Path(directory).relative_to(source)
        for name in filenames:
            path = Path(directory) / name
            if path.suffix in EXTRACT_SUFFIXES or (
                relative.parts[:1] == ("locale",) and name.endswith(".po")
            ):
                (target / relative).mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target / relative / name)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[Entry]:
    """The interface strings in the code and templates today, as `make messages` finds them.

    Needs GNU gettext's xgettext: without it the check is skipped, except under
    KAKEHASHI_REQUIRE_BROWSER=1 (CI, where every tool must be there), where it fails.
    """
    if shutil.which("xgettext") is None:
        message = "xgettext not found: install gettext to check the catalogs against the code"
        if os.environ.get("KAKEHASHI_REQUIRE_BROWSER", "").strip() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    locale = Path(settings.LOCALE_PATHS[0])
    committed = {p: p.read_bytes() for p in sorted(locale.rglob("django.[mp]o"))}
    work = tmp_path_factory.mktemp("messages") / locale.parent.name
    _copy_sources(locale.parent, work)
    here = Path.cwd()
    os.chdir(work)
    try:
        with override_settings(LOCALE_PATHS=[work / "locale"]):
            call_command(
                "makemessages",
                locale=list(LANGUAGES),
                no_wrap=True,
                add_location="file",
                no_obsolete=True,
                keep_pot=True,
                ignore_patterns=EXTRACT_IGNORE,
                verbosity=0,
            )
    finally:
        os.chdir(here)
    assert committed == {p: p.read_bytes() for p in committed}, "extraction changed a catalog"
    return [e for e in parse_po(work / "locale" / "django.pot") if e.msgid]


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_covers_every_string_in_code_and_templates(extracted, language):
    catalog = {(e.msgctxt, e.msgid): e for e in parse_po(_po_path(language)) if e.msgid}

    problems = []
    for wanted in extracted:
        entry = catalog.get((wanted.msgctxt, wanted.msgid))
        context = f" (context {wanted.msgctxt!r})" if wanted.msgctxt else ""
        if entry is None:
            problems.append(f"{wanted.msgid!r}{context}: missing")
        elif "fuzzy" in entry.flags:
            problems.append(f"{wanted.msgid!r}{context}: marked fuzzy")
        elif not all(entry.msgstr.values()) or (
            wanted.msgid_plural is not None and entry.msgid_plural is None
        ):
            problems.append(f"{wanted.msgid!r}{context}: not translated")

    assert not problems, (
        f"{len(problems)} interface strings lack a {language} translation "
        "(run `make messages` and translate them):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_every_entry_is_translated(language):
    problems = _problems(language)

    assert not problems, f"{len(problems)} {language} entries need work:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_compiled_matches_po(language):
    po = _po_path(language)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.name} for {language} is missing: run compilemessages"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog

    stale = []
    for entry in parse_po(po):
        if entry.msgid == "" or "fuzzy" in entry.flags:
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if catalog.get(msgid) != entry.msgstr[0]:
                stale.append(entry.msgid)
        elif any(catalog.get((msgid, i)) != text for i, text in entry.msgstr.items()):
            stale.append(entry.msgid)

    assert not stale, (
        f"{mo.name} ({language}) is older than its .po; run compilemessages. Stale: {stale[:10]}"
    )


# The names xgettext reads as translation calls in Python: its defaults (`_`, `gettext`,
# `ngettext`, …) and the keywords Django's makemessages adds. A translation function
# bound to any other name (`_l = gettext_lazy`, `import gettext_lazy as _lazy`) is
# never extracted, so its strings would show in English whatever the language.
EXTRACTED_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
TRANSLATION_MODULE = "django.utils.translation"


def translation_aliases(source: str) -> list[tuple[int, str, str]]:
    """(line, local name, function) for each translation function bound to a name that
    makemessages does not extract: by ``import … as`` or by plain assignment."""
    tree = ast.parse(source)
    imported: dict[str, str] = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == TRANSLATION_MODULE:
            for alias in node.names:
                local = alias.asname or alias.name
                imported[local] = alias.name
                if alias.name in EXTRACTED_NAMES and local not in EXTRACTED_NAMES:
                    found.append((node.lineno, local, alias.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            function = imported.get(node.value.id)
            for target in node.targets:
                if (
                    function in EXTRACTED_NAMES
                    and isinstance(target, ast.Name)
                    and target.id not in EXTRACTED_NAMES
                ):
                    found.append((node.lineno, target.id, function))
    return found


def test_translation_functions_keep_names_makemessages_extracts():
    src = Path(settings.BASE_DIR).parent
    problems = [
        f"{path.relative_to(src)}:{line}: {local} = {function}"
        for path in sorted(src.rglob("*.py"))
        if "migrations" not in path.parts
        for line, local, function in translation_aliases(path.read_text(encoding="utf-8"))
    ]

    assert problems == [], (
        "translation functions under names makemessages does not extract (their strings "
        "stay English): " + "; ".join(problems)
    )


def test_translation_aliases_finds_renamed_functions():
    source = (
        "from django.utils.translation import gettext as _, gettext_lazy as _l, ngettext\n"
        "_lazy = _l\n"
        "later = ngettext\n"
        "from django.utils.translation import gettext_lazy\n"
    )

    assert translation_aliases(source) == [
        (1, "_l", "gettext_lazy"),
        (2, "_lazy", "gettext_lazy"),
        (3, "later", "ngettext"),
    ]


def test_parse_po_reads_plurals_flags_and_continuations(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)s a"\nmsgid_plural "%(n)s b"\n'
        'msgstr[0] "un"\nmsgstr[1] ""\n"deux"\n\n'
        'msgid "x"\nmsgstr ""\n',
        encoding="utf-8",
    )

    header, plural, empty = parse_po(po)

    assert header.msgstr == {0: "Language: fr\n"}
    assert (plural.msgid_plural, plural.msgstr, "fuzzy" in plural.flags) == (
        "%(n)s b",
        {0: "un", 1: "deux"},
        True,
    )
    assert empty.msgstr == {0: ""}
