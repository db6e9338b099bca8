"""Check the demo data files for consistency. Runs without Django settings.

Usage (from the repository root)::

    python src/kakehashi/demo/data/validate.py

Checks that every referenced ROR id, username, CRDC code and region exists, that ORCID iDs have
a correct ISO 7064 MOD 11-2 check character, that usernames are unique and the demo logins are
present, and that projects respect the program's rules (directions, languages, 12–24 weeks).
Prints one line per problem and exits with status 1 if there is any.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import zoneinfo
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[2]  # .../src
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from kakehashi.organisations.regions import REGIONS  # noqa: E402
from kakehashi.people.validators import orcid_check_character  # noqa: E402

CRDC = HERE.parent.parent / "research_fields" / "data" / "crdc2020_for.json"

ORG_TYPES = {"university", "research_institute", "company", "incubator", "government", "nonprofit"}
CEFR = {"A1", "A2", "B1", "B2", "C1", "C2", "native"}
JLPT = {"N1", "N2", "N3", "N4", "N5"}
LANGS = {"en", "fr", "ja"}
LEVELS = {"masters", "phd", "postdoc"}
DIRECTIONS = {"CA_JP": ("CA", "JP"), "JP_CA": ("JP", "CA")}
STATUSES = {"draft", "submitted", "approved"}
#: The zones people of each country live in (Canada from the Pacific to the Atlantic).
COUNTRY_ZONES = {
    "JP": {"Asia/Tokyo"},
    "CA": {
        "America/Vancouver",
        "America/Edmonton",
        "America/Regina",
        "America/Winnipeg",
        "America/Toronto",
        "America/Halifax",
        "America/St_Johns",
    },
}
PHASES = ["applications", "host_ranking", "matching", "offers"]
ROR_RE = re.compile(r"^https://ror\.org/0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
ORCID_RE = re.compile(r"^0000-0002-\d{4}-\d{3}[\dX]$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SKILL_RE = re.compile(r"^[a-z0-9][a-z0-9 .+#/-]*$")
KANA_RE = re.compile(r"[\u3040-\u30ff]")
FRENCH_RE = re.compile(r"\b(?:le|la|les|des|et|une|dans|pour)\b")
ACCENT_RE = re.compile(r"[éèêàâçùûôî]")
KANA_NAME_RE = re.compile(r"^[\u30a0-\u30ff]+$")
KANJI_NAME_RE = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff々]+$")


def orcid_ok(value: str) -> bool:
    if not ORCID_RE.match(value or ""):
        return False
    digits = value.replace("-", "")
    return orcid_check_character(digits[:15]) == digits[15]


def _load(name: str):
    return json.loads((HERE / name).read_text(encoding="utf-8"))


def _zone_ok(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _text_language_ok(lang: str, text: str, *, short: bool = False) -> bool:
    """A coarse check that text is written in the language it is tagged with."""
    has_kana = bool(KANA_RE.search(text))
    if lang == "ja":
        return has_kana
    if has_kana:
        return False
    french_words = len(FRENCH_RE.findall(text.lower()))
    if lang == "fr":
        return french_words >= (1 if short else 3) or (short and bool(ACCENT_RE.search(text)))
    return french_words <= 2


def validate() -> list[str]:
    problems: list[str] = []
    err = problems.append

    crdc = {row["code"]: row for row in json.loads(CRDC.read_text(encoding="utf-8"))}

    # Organisations -------------------------------------------------------------------------
    orgs_list = _load("organisations.json")
    orgs: dict[str, dict] = {}
    for org in orgs_list:
        rid = org["ror_id"]
        if rid in orgs:
            err(f"organisation {rid}: duplicate")
        orgs[rid] = org
        if not ROR_RE.match(rid):
            err(f"organisation {rid}: malformed ROR id")
        if org["type"] not in ORG_TYPES:
            err(f"organisation {rid}: unknown type {org['type']!r}")
        if org["country"] not in ("CA", "JP"):
            err(f"organisation {rid}: country {org['country']!r}")
        region = REGIONS.get(org["region"])
        if region is None or region["country"] != org["country"]:
            err(f"organisation {rid}: region {org['region']!r} not in {org['country']}")
        if not org.get("name") or not org.get("city"):
            err(f"organisation {rid}: name and city are required")
        if org["country"] == "JP" and not org.get("name_ja"):
            err(f"organisation {rid}: Japanese organisation without name_ja")
    for org in orgs_list:
        parent = org.get("parent_ror")
        if parent is not None and parent not in orgs:
            err(f"organisation {org['ror_id']}: parent {parent} not in the file")
        if parent == org["ror_id"]:
            err(f"organisation {org['ror_id']}: is its own parent")

    # People --------------------------------------------------------------------------------
    people = _load("people.json")
    users: dict[str, dict] = {}
    orcids: set[str] = set()
    for group in ("supervisors", "candidates", "staff"):
        for person in people[group]:
            name = person["username"]
            where = f"{group[:-1]} {name}"
            if name in users:
                err(f"{where}: duplicate username")
            users[name] = {**person, "group": group}
            if not SLUG_RE.match(name):
                err(f"{where}: username is not a slug")
            if not person.get("family_name") or not person.get("given_name"):
                err(f"{where}: family and given names are required")
            kanji = [person.get("family_name_kanji"), person.get("given_name_kanji")]
            kana = [person.get("family_name_kana"), person.get("given_name_kana")]
            if any(kanji + kana) and not all(kanji + kana):
                err(f"{where}: kanji and kana names must be given together")
            if any(k and not KANJI_NAME_RE.match(k) for k in kanji):
                err(f"{where}: kanji name contains other characters")
            if any(k and not KANA_NAME_RE.match(k) for k in kana):
                err(f"{where}: kana name must be katakana")
            if "timezone" in person and not _zone_ok(person["timezone"]):
                err(f"{where}: unknown time zone {person['timezone']!r}")
            # One lives where one works: a zone of the organisation's country.
            org = orgs.get(person.get("organisation_ror") or person.get("home_organisation_ror"))
            zone = person.get("timezone", "UTC")
            if org and zone not in COUNTRY_ZONES.get(org.get("country"), {zone}):
                err(f"{where}: time zone {zone!r} is not one of {org.get('country')}")
            if group == "staff":
                continue
            if not orcid_ok(person.get("orcid", "")):
                err(f"{where}: invalid ORCID iD {person.get('orcid')!r}")
            if person.get("orcid") in orcids:
                err(f"{where}: ORCID iD used twice")
            orcids.add(person.get("orcid"))
            domain = person["email"].rsplit("@", 1)[-1]
            if domain not in ("example.org", "example.jp"):
                err(f"{where}: e-mail must use example.org or example.jp")
            if person["organisation_ror"] not in orgs:
                err(f"{where}: unknown organisation {person['organisation_ror']}")
            seen_langs = set()
            for skill in person.get("languages", []):
                code, level = skill["code"], skill["level"]
                if code not in LANGS or code in seen_langs:
                    err(f"{where}: language {code!r} unknown or repeated")
                seen_langs.add(code)
                allowed = CEFR | JLPT if code == "ja" else CEFR
                if level not in allowed:
                    err(f"{where}: level {level!r} not allowed for {code}")
            if not person.get("languages"):
                err(f"{where}: no languages")

    for person in people["candidates"]:
        where = f"candidate {person['username']}"
        if person["level"] not in LEVELS:
            err(f"{where}: level {person['level']!r}")
        home = orgs.get(person["home_organisation_ror"])
        if home is None:
            err(f"{where}: unknown home organisation")
        elif DIRECTIONS.get(person["direction"], ("?",))[0] != home["country"]:
            err(f"{where}: direction {person['direction']} but home is in {home['country']}")
        if person["interests_language"] not in LANGS:
            err(f"{where}: interests_language {person['interests_language']!r}")
        elif not _text_language_ok(person["interests_language"], person["research_interests"]):
            err(f"{where}: research interests do not look {person['interests_language']}")
        if not person.get("skills") or any(not SKILL_RE.match(s) for s in person["skills"]):
            err(f"{where}: skills must be short lower-case tags")
        for code in person.get("fields", []):
            if code not in crdc or crdc[code]["level"] not in (3, 4):
                err(f"{where}: field {code} is not a CRDC class or subclass")
        if not person.get("fields"):
            err(f"{where}: no fields")

    def expect(username: str, test, message: str) -> None:
        person = users.get(username)
        if person is None:
            err(f"required username {username!r} missing")
        elif not test(person):
            err(f"{username}: {message}")

    expect(
        "supervisor",
        lambda p: (
            p["group"] == "supervisors" and p["organisation_ror"] == "https://ror.org/01pe1d703"
        ),
        "must be a supervisor at ATR",
    )
    expect(
        "supervisor-ca",
        lambda p: (
            p["group"] == "supervisors"
            and orgs.get(p["organisation_ror"], {}).get("type") == "university"
            and orgs[p["organisation_ror"]]["country"] == "CA"
        ),
        "must be a supervisor at a Canadian university",
    )
    expect(
        "candidate",
        lambda p: (
            p["group"] == "candidates"
            and (p["level"], p["direction"], p["interests_language"]) == ("phd", "CA_JP", "en")
        ),
        "must be a Canadian PhD student writing in English",
    )
    expect(
        "candidate-ja",
        lambda p: (
            p["group"] == "candidates"
            and (p["level"], p["direction"], p["interests_language"]) == ("masters", "JP_CA", "ja")
        ),
        "must be a Japanese master's student writing in Japanese",
    )
    expect(
        "candidate-fr",
        lambda p: p["group"] == "candidates" and p["interests_language"] == "fr",
        "must write in French",
    )
    for name in ("officer", "reviewer", "admin"):
        expect(name, lambda p: p["group"] == "staff", "must be staff")

    # Program and call ----------------------------------------------------------------------
    programs = _load("programs.json")["programs"]
    if len(programs) != 1:
        err("programs.json: expected one program")
    program = programs[0]
    weeks_min, weeks_max = program["unit_weeks_min"], program["unit_weeks_max"]
    if set(program["directions"]) - set(DIRECTIONS) or set(program["eligible_levels"]) - LEVELS:
        err("program: unknown direction or level")
    for rule in program["funding_rules"]:
        if rule["currency"] not in ("CAD", "JPY"):
            err(f"program: currency {rule['currency']!r}")
        for key in ("unit_amount", "partner_share", "program_share"):
            if not isinstance(rule[key], str):
                err(f"program: {key} must be a decimal string, not {type(rule[key]).__name__}")
        if rule["currency"] == "JPY" and "." in rule["unit_amount"]:
            err("program: JPY amounts have no minor unit")
    for call in program["calls"]:
        if not 1 <= call["ranking_limit"] <= 10:
            err(f"call {call['slug']}: ranking_limit {call['ranking_limit']}")
        kinds = [p["kind"] for p in call["phases"]]
        if kinds != PHASES:
            err(f"call {call['slug']}: phases {kinds} (expected {PHASES})")
        previous_close = None
        for phase in call["phases"]:
            if not _zone_ok(phase["timezone"]):
                err(f"call {call['slug']}: unknown zone {phase['timezone']!r}")
                continue
            zone = zoneinfo.ZoneInfo(phase["timezone"])
            opens = dt.datetime.fromisoformat(phase["opens"]).replace(tzinfo=zone)
            closes = dt.datetime.fromisoformat(phase["closes"]).replace(tzinfo=zone)
            if opens >= closes:
                err(f"call {call['slug']}: {phase['kind']} closes before it opens")
            if previous_close and opens < previous_close:
                err(f"call {call['slug']}: {phase['kind']} opens before the previous phase closes")
            previous_close = closes

    # Projects ------------------------------------------------------------------------------
    supervisors = {p["username"]: p for p in people["supervisors"]}
    keys: set[str] = set()
    for project in _load("projects.json"):
        key = project["key"]
        where = f"project {key}"
        if key in keys:
            err(f"{where}: duplicate key")
        keys.add(key)
        if not SLUG_RE.match(key):
            err(f"{where}: key is not a slug")
        host = orgs.get(project["host_ror"])
        if host is None:
            err(f"{where}: unknown host {project['host_ror']}")
            continue
        allowed = {"JP": {"ja", "en"}, "CA": {"en", "fr"}}[host["country"]]
        if project["language"] not in allowed:
            err(f"{where}: a {host['country']} host posts in {sorted(allowed)}")
        if project["working_language"] not in LANGS:
            err(f"{where}: working language {project['working_language']!r}")
        for part in ("title", "summary", "description"):
            if not _text_language_ok(project["language"], project[part], short=part == "title"):
                err(f"{where}: {part} does not look {project['language']}")
        paragraphs = [p for p in project["description"].split("\n\n") if p.strip()]
        if not 2 <= len(paragraphs) <= 4:
            err(f"{where}: description has {len(paragraphs)} paragraphs (2–4 expected)")
        if not project["supervisors"]:
            err(f"{where}: no supervisor")
        host_side = False
        for username in project["supervisors"]:
            if username not in supervisors:
                err(f"{where}: unknown supervisor {username!r}")
                continue
            sup_org = orgs[supervisors[username]["organisation_ror"]]
            if sup_org["country"] != host["country"]:
                err(f"{where}: supervisor {username} is not in the host country")
            if sup_org["ror_id"] in (host["ror_id"], host.get("parent_ror")):
                host_side = True
        if not host_side:
            err(f"{where}: no supervisor belongs to the host organisation")
        for code in project["fields"]:
            if code not in crdc or crdc[code]["level"] not in (3, 4):
                err(f"{where}: field {code} is not a CRDC class or subclass")
        if not project["skills"] or any(not SKILL_RE.match(s) for s in project["skills"]):
            err(f"{where}: skills must be short lower-case tags")
        region = REGIONS.get(project["region"])
        if region is None or region["country"] != host["country"]:
            err(f"{where}: region {project['region']!r} not in the host country")
        start = dt.date.fromisoformat(project["start"])
        end = dt.date.fromisoformat(project["end"])
        weeks = ((end - start).days + 1) / 7
        if not weeks_min <= weeks <= weeks_max:
            err(f"{where}: {weeks:.1f} weeks (allowed {weeks_min}–{weeks_max})")
        if not 1 <= project["capacity"] <= 3:
            err(f"{where}: capacity {project['capacity']}")
        if project["status"] not in STATUSES:
            err(f"{where}: status {project['status']!r}")
    return problems


def main() -> int:
    problems = validate()
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("demo data OK", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
