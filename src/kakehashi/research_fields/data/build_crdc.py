"""Build ``crdc2020_for.json`` from the Statistics Canada CRDC 2020 CSV files.

Usage (from the repository root)::

    python src/kakehashi/research_fields/data/build_crdc.py ../shared/data/crdc2020_en_fr

Reads ``crdc-ccrd-2020-for-ddr-structure-eng.csv`` and ``...-fra.csv`` (UTF-8 with BOM),
merges the Japanese labels (the 6 divisions and 43 groups kept below, the classes and
subclasses from ``crdc2020_ja.tsv`` next to this script: both the Kakehashi project's own
translations), and writes the JSON list (ordered by code) next to this script. Every field
must have an English, a French and a Japanese title. Pure Python; no Django.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ENG = "crdc-ccrd-2020-for-ddr-structure-eng.csv"
FRA = "crdc-ccrd-2020-for-ddr-structure-fra.csv"
OUTPUT = Path(__file__).with_name("crdc2020_for.json")
#: Japanese titles of levels 3 and 4 (classes, subclasses): ``code<TAB>title``, one a line.
TITLES_JA_FILE = Path(__file__).with_name("crdc2020_ja.tsv")

# Japanese labels for levels 1 (divisions) and 2 (groups), by the Kakehashi project,
# phrased the way Japanese research agencies (JSPS/KAKEN) name fields.
TITLES_JA: dict[str, str] = {
    "RDF10": "自然科学",
    "RDF101": "数学・統計学",
    "RDF102": "情報科学",
    "RDF103": "物理学",
    "RDF104": "化学",
    "RDF105": "地球科学・環境科学",
    "RDF106": "生物学",
    "RDF107": "その他の自然科学",
    "RDF20-21": "工学・技術",
    "RDF201": "土木工学・海洋工学・交通工学・資源採掘工学",
    "RDF202": "経営工学・システム工学・プロセス工学",
    "RDF203": "電気電子工学・計算機工学・情報工学",
    "RDF204": "機械工学",
    "RDF205": "化学工学",
    "RDF206": "材料工学・資源工学",
    "RDF207": "医用工学・生体医工学",
    "RDF208": "環境工学・関連工学",
    "RDF209": "環境バイオテクノロジー",
    "RDF210": "産業バイオテクノロジー",
    "RDF211": "ナノテクノロジー",
    "RDF212": "その他の工学・技術",
    "RDF30": "医学・保健学・生命科学",
    "RDF301": "基礎医学・生命科学",
    "RDF302": "臨床医学",
    "RDF303": "保健学・健康科学",
    "RDF304": "医療バイオテクノロジー",
    "RDF305": "その他の医学",
    "RDF40": "農学・獣医学",
    "RDF401": "農学・林学・水産学",
    "RDF402": "畜産学・酪農科学",
    "RDF403": "獣医学",
    "RDF404": "農業バイオテクノロジー・食品科学",
    "RDF405": "その他の農学",
    "RDF50": "社会科学",
    "RDF501": "心理学・認知科学",
    "RDF502": "経済学・経営学",
    "RDF503": "教育学",
    "RDF504": "社会学・関連分野",
    "RDF505": "法学",
    "RDF506": "政治学・行政学",
    "RDF507": "人文地理学・経済地理学",
    "RDF508": "メディア・コミュニケーション学",
    "RDF509": "その他の社会科学",
    "RDF60": "人文学・芸術",
    "RDF601": "歴史学・考古学・関連分野",
    "RDF602": "言語学・文学",
    "RDF603": "哲学",
    "RDF604": "芸術（美術・美術史・舞台芸術・音楽）・建築学・デザイン",
    "RDF605": "その他の人文学",
}


def _read(path: Path) -> list[list[str]]:
    # utf-8-sig strips the BOM that Statistics Canada puts before the first header.
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return [[cell.strip() for cell in row] for row in rows[1:] if row]


def read_titles_ja(path: Path = TITLES_JA_FILE) -> dict[str, str]:
    """The Japanese titles of ``crdc2020_ja.tsv``; a code given twice is an error."""
    titles: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        code, _tab, title = line.partition("\t")
        code, title = code.strip(), title.strip()
        if not title or code in titles:
            raise ValueError(f"{path.name}:{number}: missing or repeated title for {code}")
        titles[code] = title
    return titles


def build(source_dir: Path, *, allow_missing_ja: bool = False) -> list[dict]:
    deeper_ja = read_titles_ja()
    eng = _read(source_dir / ENG)
    fra = {row[2]: row for row in _read(source_dir / FRA)}
    if len(eng) != len(fra) or {row[2] for row in eng} != set(fra):
        raise ValueError("English and French CRDC files do not list the same codes")

    records: list[dict] = []
    ancestors: dict[int, str] = {}  # level -> code of the latest row at that level
    for level_s, _kind, code, title_en, definition_en in eng:
        level = int(level_s)
        if level not in (1, 2, 3, 4):
            raise ValueError(f"{code}: unexpected level {level}")
        parent = ancestors.get(level - 1) if level > 1 else None
        if level > 1 and parent is None:
            raise ValueError(f"{code}: no parent at level {level - 1}")
        ancestors[level] = code
        for deeper in range(level + 1, 5):
            ancestors.pop(deeper, None)
        fr_row = fra[code]
        if int(fr_row[0]) != level:
            raise ValueError(f"{code}: level differs between English and French files")
        title_ja = TITLES_JA.get(code) if level <= 2 else deeper_ja.get(code)
        if not title_ja and not allow_missing_ja:
            raise ValueError(f"{code}: missing Japanese label")
        if not (title_en and fr_row[3]):
            raise ValueError(f"{code}: missing English or French title")
        records.append(
            {
                "code": code,
                "level": level,
                "parent": parent,
                "title_en": title_en,
                "title_fr": fr_row[3],
                "title_ja": title_ja,
                "definition_en": definition_en,
                "definition_fr": fr_row[4],
            }
        )
    unused = (set(TITLES_JA) | set(deeper_ja)) - {r["code"] for r in records}
    if unused:
        raise ValueError(f"Japanese labels for unknown codes: {sorted(unused)}")
    records.sort(key=lambda r: r["code"])
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source_dir", type=Path, help="folder holding the CRDC 2020 CSV files")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--allow-missing-ja", action="store_true", help="write fields without a Japanese title"
    )
    args = parser.parse_args(argv)
    records = build(args.source_dir, allow_missing_ja=args.allow_missing_ja)
    with args.output.open("w", encoding="utf-8", newline="\n") as fh:
        json.dump(records, fh, ensure_ascii=False, indent=1)
        fh.write("\n")
    print(f"wrote {len(records)} fields to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
