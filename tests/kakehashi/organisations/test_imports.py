"""Import and export of organisations: our CSV/JSON columns and real ROR records."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kakehashi.core.errors import ImportRejected
from kakehashi.organisations.imports import organisations_export, organisations_import
from kakehashi.organisations.models import Organisation
from tests import factories

DATA = Path(__file__).parent / "data"
ROR_SAMPLE = DATA / "ror_sample.jsonl"
HEADER = (
    "ror_id,name,name_en,name_fr,name_ja,aliases,acronyms,type,country,region,city,parent_ror,"
    "website\n"
)


def _snapshot():
    return sorted(
        Organisation.objects.values_list(
            "ror_id", "name", "region", "type", "parent__ror_id", "aliases", "acronyms"
        ),
        key=str,
    )


@pytest.mark.django_db
def test_import_ror_records_maps_names_types_regions_and_parents():
    result = organisations_import(data=ROR_SAMPLE.read_bytes(), format="ror")

    assert (result.created, result.updated) == (5, 0)
    kyoto = Organisation.objects.get(ror_id="02kpeqv85")
    assert (kyoto.name, kyoto.name_en, kyoto.name_ja, kyoto.name_fr) == (
        "Kyoto University",
        "Kyoto University",
        "京都大学",
        "",
    )
    assert (kyoto.type, kyoto.country, kyoto.region, kyoto.city) == (
        "university",
        "JP",
        "JP-26",
        "Kyoto",
    )
    assert kyoto.aliases == ["Kyōto daigaku"]
    assert kyoto.website == "http://www.kyoto-u.ac.jp/en"
    # The child comes first in the file; its parent is linked all the same.
    accms = Organisation.objects.get(ror_id="0035da546")
    assert accms.parent == kyoto
    assert accms.name_ja == "京都大学学術情報メディアセンター"
    assert accms.acronyms == ["ACCMS"]
    assert accms.aliases == ["Academic Center for Computing and Media Studies"]
    assert accms.type == "research_institute"
    # ATR's record has no subdivision: the city (Kyoto) gives the prefecture.
    atr = Organisation.objects.get(ror_id="01pe1d703")
    assert (atr.name, atr.name_ja, atr.region, atr.acronyms, atr.website) == (
        "Advanced Telecommunications Research Institute International",
        "株式会社国際電気通信基礎技術研究所",
        "JP-26",
        ["ATR"],
        "https://www.atr.jp",
    )
    ubc = Organisation.objects.get(ror_id="03rmrcq20")
    assert (ubc.name_fr, ubc.country, ubc.region, ubc.city) == (
        "Université de la colombie-britannique",
        "CA",
        "CA-BC",
        "Vancouver",
    )
    # A schema v1 record (labels, addresses) maps too.
    enri = Organisation.objects.get(ror_id="000050t83")
    assert (enri.name, enri.name_ja, enri.region, enri.type, enri.acronyms) == (
        "Electronic Navigation Research Institute",
        "電子航法研究所",
        "JP-13",
        "research_institute",
        ["ENRI"],
    )


@pytest.mark.django_db
def test_import_ror_twice_updates_and_creates_nothing():
    organisations_import(data=ROR_SAMPLE.read_bytes(), format="ror")
    before = _snapshot()

    result = organisations_import(data=ROR_SAMPLE.read_bytes(), format="ror")

    assert (result.created, result.updated) == (0, 5)
    assert _snapshot() == before


@pytest.mark.django_db
def test_import_ror_json_list_with_parent_already_in_database():
    factories.OrganisationFactory(ror_id="02kpeqv85", name="Kyoto U (old name)")
    records = [
        json.loads(line)["record"]
        for line in ROR_SAMPLE.read_text().splitlines()
        if line.startswith("{")
    ]
    accms = [r for r in records if r["id"].endswith("0035da546")]

    result = organisations_import(data=json.dumps(accms), format="ror")

    assert (result.created, result.updated) == (1, 0)
    assert Organisation.objects.get(ror_id="0035da546").parent.ror_id == "02kpeqv85"


@pytest.mark.django_db
def test_import_ror_skips_withdrawn_records():
    lines = [line for line in ROR_SAMPLE.read_text().splitlines() if line.startswith("{")]
    withdrawn = json.loads(lines[0])
    withdrawn["record"]["status"] = "withdrawn"

    result = organisations_import(data="\n".join([json.dumps(withdrawn), lines[1]]), format="ror")

    assert (result.created, result.updated, result.skipped) == (1, 0, 1)
    assert list(Organisation.objects.values_list("ror_id", flat=True)) == ["02kpeqv85"]


@pytest.mark.django_db
def test_import_ror_record_without_known_region_rejects_the_file():
    record = json.loads(ROR_SAMPLE.read_text().splitlines()[-1])["record"]  # ENRI (v1)
    record["addresses"][0]["geonames_city"]["geonames_admin1"]["name"] = None
    record["addresses"][0]["city"] = "Atlantis"

    with pytest.raises(ImportRejected) as caught:
        organisations_import(data=json.dumps([record]), format="ror")

    assert caught.value.rows == [
        {
            "row": 1,
            "id": "https://ror.org/000050t83",
            "errors": {
                "region": [
                    "The ROR record names no province or prefecture we recognise "
                    "(place: “Atlantis”); import it as CSV or JSON with a region code."
                ]
            },
        }
    ]
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_import_csv_with_bad_rows_writes_nothing_and_reports_each_row():
    existing = factories.OrganisationFactory(ror_id="01pe1d703", name="ATR", region="JP-26")
    before = _snapshot()
    data = (
        HEADER
        + "03rmrcq20,University of British Columbia,,,,,UBC,university,CA,CA-BC,Vancouver,,\n"
        + "01pe1d703,ATR renamed,,,,,,research_institute,JP,JP-26,Kyoto,,\n"
        + "02kpeqv86,Bad checksum,,,,,,university,JP,JP-26,Kyoto,,\n"
        + "02kpeqv85,Kyoto University,,,,,,university,JP,JP-99,Kyoto,,\n"
    )

    with pytest.raises(ImportRejected) as caught:
        organisations_import(data=data, format="csv")

    assert caught.value.messages == [
        "The file was rejected: 2 of 4 rows have errors; nothing was imported."
    ]
    assert caught.value.rows == [
        {
            "row": 3,
            "id": "02kpeqv86",
            "errors": {
                "ror_id": ["“02kpeqv86” is not a valid ROR id: its check digits are wrong."]
            },
        },
        {
            "row": 4,
            "id": "02kpeqv85",
            "errors": {"region": ["“JP-99” is not an ISO 3166-2 code of Canada or Japan."]},
        },
    ]
    assert _snapshot() == before
    existing.refresh_from_db()
    assert existing.name == "ATR"


@pytest.mark.django_db
def test_import_naming_an_organisation_twice_rejects_whole_file():
    # The same ROR id written bare and as a URL, and the same name and country without one.
    data = (
        HEADER
        + "02kpeqv85,Kyoto University,,,,,,university,JP,JP-26,Kyoto,,\n"
        + ",Small Lab,,,,,,research_institute,JP,JP-26,Kyoto,,\n"
        + "https://ror.org/02kpeqv85,Kyoto U,,,,,,university,JP,JP-26,Kyoto,,\n"
        + ",Small Lab,,,,,,research_institute,CA,CA-BC,Vancouver,,\n"
        + ",Small Lab,,,,,,research_institute,jp,JP-26,Kyoto,,\n"
    )

    with pytest.raises(ImportRejected) as caught:
        organisations_import(data=data, format="csv")

    also = "“%s” is also in row %d: a file may name each record only once."
    assert caught.value.messages == [
        "The file was rejected: 4 of 5 rows have errors; nothing was imported."
    ]
    assert caught.value.rows == [
        {"row": 1, "id": "02kpeqv85", "errors": {"ror_id": [also % ("02kpeqv85", 3)]}},
        {"row": 2, "id": "Small Lab", "errors": {"name": [also % ("Small Lab", 5)]}},
        {
            "row": 3,
            "id": "https://ror.org/02kpeqv85",
            "errors": {"ror_id": [also % ("https://ror.org/02kpeqv85", 1)]},
        },
        {"row": 5, "id": "Small Lab", "errors": {"name": [also % ("Small Lab", 2)]}},
    ]
    assert _snapshot() == []


@pytest.mark.django_db
def test_import_csv_parent_missing_everywhere_is_a_row_error():
    data = HEADER + "02kpeqv85,Kyoto University,,,,,,university,JP,JP-26,Kyoto,01pe1d703,\n"

    with pytest.raises(ImportRejected) as caught:
        organisations_import(data=data, format="csv")

    assert caught.value.rows == [
        {
            "row": 1,
            "id": "02kpeqv85",
            "errors": {
                "parent_ror": [
                    "No organisation with ROR id 01pe1d703 in the database or in this file."
                ]
            },
        }
    ]
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_import_csv_lists_split_on_bar_and_parent_from_same_file():
    data = (
        HEADER
        + "0035da546,ACCMS centre,,,,Media Center|Media Centre,ACCMS,research_institute,"
        + "JP,JP-26,Kyoto,https://ror.org/02kpeqv85,\n"
        + "02kpeqv85,Kyoto University,,,京都大学,,,university,JP,JP-26,Kyoto,,\n"
    )

    result = organisations_import(data=data, format="csv")

    assert (result.created, result.updated, result.keys) == (2, 0, ["0035da546", "02kpeqv85"])
    child = Organisation.objects.get(ror_id="0035da546")
    assert (child.aliases, child.acronyms, child.parent.name_ja) == (
        ["Media Center", "Media Centre"],
        ["ACCMS"],
        "京都大学",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "format", "message"),
    [
        (b"ror_id,name\n\xff\xfe,x\n", "csv", "The file is not valid UTF-8 (byte 13)."),
        (
            '[{"name": "x"',
            "json",
            "The JSON is malformed: Expecting ',' delimiter (line 1, column 14).",
        ),
        ('{"name": "x"}', "json", "The JSON file must hold a list of objects."),
        (
            "ror_id,name,colour\n,x,red\n",
            "csv",
            "Unknown columns: colour. Known columns: ror_id, name, name_en, name_fr, name_ja, "
            "aliases, acronyms, type, country, region, city, parent_ror, website.",
        ),
        ("ror_id,name\n,x\n", "csv", "Missing columns: type, country, region."),
        ('name,type\n"x,university\n', "csv", "The CSV file is malformed: unexpected end of data."),
        (
            "name,type,country,region\nx,university\n",
            "csv",
            "Line 2 has 2 cells; the header has 4.",
        ),
        ("", "csv", "The file is empty."),
        ("x", "xml", "Unknown format “xml”; use one of: csv, json, ror."),
    ],
)
def test_import_unreadable_file_is_refused_clearly(data, format, message):
    with pytest.raises(ValidationError) as caught:
        organisations_import(data=data, format=format)

    assert caught.value.messages == [message]
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("format", ["csv", "json"])
def test_export_then_import_round_trips(format):
    parent = factories.OrganisationFactory(name="Parent", aliases=["P, Inc."], acronyms=["P"])
    factories.CanadianOrganisationFactory(name="Child", parent=parent, name_fr="Enfant")
    before = _snapshot()

    text = organisations_export(format=format)
    result = organisations_import(data=text, format=format)

    assert (result.created, result.updated) == (0, 2)
    assert _snapshot() == before


@pytest.mark.django_db
def test_export_csv_has_the_import_columns():
    factories.OrganisationFactory(
        ror_id="01pe1d703", name="ATR", name_ja="国際電気通信基礎技術研究所", acronyms=["ATR"]
    )

    text = organisations_export(format="csv")

    assert (
        text
        == HEADER
        + "01pe1d703,ATR,ATR,,国際電気通信基礎技術研究所,,ATR,university,JP,JP-26,Kyoto,,\n"
    )


@pytest.mark.django_db
def test_import_command_reports_success():
    out = StringIO()

    call_command("import_organisations", str(ROR_SAMPLE), "--format", "ror", stdout=out)

    assert out.getvalue() == "organisations: 5 created, 0 updated, 0 skipped.\n"
    assert Organisation.objects.count() == 5


@pytest.mark.django_db
def test_import_command_prints_report_and_exits_1(tmp_path):
    bad = tmp_path / "orgs.csv"
    bad.write_text(HEADER + "02kpeqv86,Bad,,,,,,university,JP,JP-26,Kyoto,,\n", encoding="utf-8")
    err = StringIO()

    with pytest.raises(SystemExit) as caught:
        call_command("import_organisations", str(bad), stderr=err)

    assert caught.value.code == 1
    assert err.getvalue() == (
        "The file was rejected: 1 of 1 rows have errors; nothing was imported.\n"
        "row 1 (02kpeqv86) · ror_id: "
        "“02kpeqv86” is not a valid ROR id: its check digits are wrong.\n"
    )
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_export_command_writes_file(tmp_path):
    factories.OrganisationFactory(ror_id="01pe1d703", name="ATR")
    target = tmp_path / "orgs.json"

    call_command("export_organisations", "--format", "json", "-o", str(target))

    assert [row["ror_id"] for row in json.loads(target.read_text())] == ["01pe1d703"]
