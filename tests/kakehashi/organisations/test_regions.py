"""Tests for the ISO 3166-2 region table (pure Python, no database)."""

import csv
import zoneinfo
from pathlib import Path

import pytest

from kakehashi.organisations.regions import REGIONS, region_from_admin1, timezone_for_region

REPO_ROOT = Path(__file__).resolve().parents[3]
ROR_CSV = REPO_ROOT.parent / "shared" / "data" / "ror_ca_jp" / "ror_ca_jp.csv"


def test_counts():
    assert sum(1 for r in REGIONS.values() if r["country"] == "CA") == 13
    assert sum(1 for r in REGIONS.values() if r["country"] == "JP") == 47
    assert len(REGIONS) == 60


def test_japanese_numbering():
    assert [c for c in REGIONS if c.startswith("JP-")] == [f"JP-{n:02d}" for n in range(1, 48)]
    assert REGIONS["JP-01"]["ja"] == "北海道"
    assert REGIONS["JP-13"] == {"country": "JP", "en": "Tokyo", "fr": "Tokyo", "ja": "東京都"}
    assert REGIONS["JP-26"]["ja"] == "京都府"
    assert REGIONS["JP-27"]["ja"] == "大阪府"
    assert REGIONS["JP-28"]["fr"] == "Hyōgo"
    assert REGIONS["JP-47"]["en"] == "Okinawa"


def test_canadian_names():
    assert REGIONS["CA-BC"]["fr"] == "Colombie-Britannique"
    assert REGIONS["CA-BC"]["ja"] == "ブリティッシュコロンビア州"
    assert REGIONS["CA-QC"]["fr"] == "Québec"
    assert REGIONS["CA-QC"]["ja"] == "ケベック州"
    assert REGIONS["CA-NL"]["en"] == "Newfoundland and Labrador"
    assert REGIONS["CA-PE"]["fr"] == "Île-du-Prince-Édouard"


def test_every_region_has_all_names():
    for code, info in REGIONS.items():
        assert code.startswith(info["country"] + "-")
        assert set(info) == {"country", "en", "fr", "ja"}
        assert all(info[lang] for lang in ("en", "fr", "ja"))


@pytest.mark.parametrize(
    ("country", "name", "code"),
    [
        ("CA", "British Columbia", "CA-BC"),
        ("CA", "Quebec", "CA-QC"),
        ("CA", "Québec", "CA-QC"),
        ("CA", "Nouvelle-Écosse", "CA-NS"),
        ("CA", "QC", "CA-QC"),
        ("CA", "ケベック州", "CA-QC"),
        ("JP", "Tokyo", "JP-13"),
        ("JP", "Tōkyō", "JP-13"),
        ("JP", "Tokyo-to", "JP-13"),
        ("JP", "東京都", "JP-13"),
        ("JP", "Kyoto", "JP-26"),
        ("JP", "Kyoto-fu", "JP-26"),
        ("JP", "Ōsaka", "JP-27"),
        ("JP", "Hyōgo", "JP-28"),
        ("JP", "Aichi-ken", "JP-23"),
        ("JP", "Osaka Prefecture", "JP-27"),
        ("JP", "Hokkaidō", "JP-01"),
        ("JP", "13", "JP-13"),
        ("JP", "JP-47", "JP-47"),
    ],
)
def test_region_from_admin1(country, name, code):
    assert region_from_admin1(country, name) == code


def test_region_from_admin1_unknown():
    assert region_from_admin1("JP", "Quebec") is None
    assert region_from_admin1("CA", "Tokyo") is None
    assert region_from_admin1("US", "Ohio") is None
    assert region_from_admin1("JP", "") is None


def test_timezones():
    assert timezone_for_region("JP-13") == "Asia/Tokyo"
    assert timezone_for_region("JP-47") == "Asia/Tokyo"
    assert timezone_for_region("CA-BC") == "America/Vancouver"
    assert timezone_for_region("CA-QC") == "America/Toronto"
    assert timezone_for_region("CA-ON") == "America/Toronto"
    assert timezone_for_region("CA-AB") == "America/Edmonton"
    assert timezone_for_region("CA-NS") == "America/Halifax"
    assert timezone_for_region("CA-NL") == "America/St_Johns"
    assert timezone_for_region("CA-SK") == "America/Regina"
    assert timezone_for_region("CA-MB") == "America/Winnipeg"
    for code in REGIONS:
        zoneinfo.ZoneInfo(timezone_for_region(code))  # every zone exists
    with pytest.raises(KeyError):
        timezone_for_region("CA-XX")


def test_every_ror_admin1_maps_to_a_region():
    if not ROR_CSV.exists():
        pytest.skip(f"shared ROR data not found at {ROR_CSV} (expected ../shared/data)")
    seen: set[tuple[str, str]] = set()
    with ROR_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["country"] in ("CA", "JP") and row["admin1"]:
                seen.add((row["country"], row["admin1"]))
    assert len(seen) > 50
    unmapped = sorted(key for key in seen if region_from_admin1(*key) is None)
    assert unmapped == []
    for country, name in seen:
        assert REGIONS[region_from_admin1(country, name)]["country"] == country
