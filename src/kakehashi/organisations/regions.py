"""ISO 3166-2 subdivisions of Canada and Japan, with names in English, French and Japanese.

Pure Python (no Django): used by the organisation import, the demo data and the
time-zone defaults of people and deadlines.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["REGIONS", "region_from_admin1", "region_name", "timezone_for_region"]


_CA_TIMEZONES: dict[str, str] = {}


def _ca(en: str, fr: str, ja: str, tz: str) -> dict:
    _CA_TIMEZONES[en] = tz
    return {"country": "CA", "en": en, "fr": fr, "ja": ja}


def _jp(en: str, fr: str, ja: str) -> dict:
    return {"country": "JP", "en": en, "fr": fr, "ja": ja}


REGIONS: dict[str, dict] = {
    # Canada: 10 provinces and 3 territories.
    "CA-AB": _ca("Alberta", "Alberta", "アルバータ州", "America/Edmonton"),
    "CA-BC": _ca(
        "British Columbia",
        "Colombie-Britannique",
        "ブリティッシュコロンビア州",
        "America/Vancouver",
    ),
    "CA-MB": _ca("Manitoba", "Manitoba", "マニトバ州", "America/Winnipeg"),
    "CA-NB": _ca(
        "New Brunswick", "Nouveau-Brunswick", "ニューブランズウィック州", "America/Moncton"
    ),
    "CA-NL": _ca(
        "Newfoundland and Labrador",
        "Terre-Neuve-et-Labrador",
        "ニューファンドランド・ラブラドール州",
        "America/St_Johns",
    ),
    "CA-NS": _ca("Nova Scotia", "Nouvelle-Écosse", "ノバスコシア州", "America/Halifax"),
    "CA-NT": _ca(
        "Northwest Territories",
        "Territoires du Nord-Ouest",
        "ノースウエスト準州",
        "America/Yellowknife",
    ),
    "CA-NU": _ca("Nunavut", "Nunavut", "ヌナブト準州", "America/Iqaluit"),
    "CA-ON": _ca("Ontario", "Ontario", "オンタリオ州", "America/Toronto"),
    "CA-PE": _ca(
        "Prince Edward Island",
        "Île-du-Prince-Édouard",
        "プリンスエドワードアイランド州",
        "America/Halifax",
    ),
    "CA-QC": _ca("Quebec", "Québec", "ケベック州", "America/Toronto"),
    "CA-SK": _ca("Saskatchewan", "Saskatchewan", "サスカチュワン州", "America/Regina"),
    "CA-YT": _ca("Yukon", "Yukon", "ユーコン準州", "America/Whitehorse"),
    # Japan: 47 prefectures, JIS X 0401 numbering.
    "JP-01": _jp("Hokkaido", "Hokkaidō", "北海道"),
    "JP-02": _jp("Aomori", "Aomori", "青森県"),
    "JP-03": _jp("Iwate", "Iwate", "岩手県"),
    "JP-04": _jp("Miyagi", "Miyagi", "宮城県"),
    "JP-05": _jp("Akita", "Akita", "秋田県"),
    "JP-06": _jp("Yamagata", "Yamagata", "山形県"),
    "JP-07": _jp("Fukushima", "Fukushima", "福島県"),
    "JP-08": _jp("Ibaraki", "Ibaraki", "茨城県"),
    "JP-09": _jp("Tochigi", "Tochigi", "栃木県"),
    "JP-10": _jp("Gunma", "Gunma", "群馬県"),
    "JP-11": _jp("Saitama", "Saitama", "埼玉県"),
    "JP-12": _jp("Chiba", "Chiba", "千葉県"),
    "JP-13": _jp("Tokyo", "Tokyo", "東京都"),
    "JP-14": _jp("Kanagawa", "Kanagawa", "神奈川県"),
    "JP-15": _jp("Niigata", "Niigata", "新潟県"),
    "JP-16": _jp("Toyama", "Toyama", "富山県"),
    "JP-17": _jp("Ishikawa", "Ishikawa", "石川県"),
    "JP-18": _jp("Fukui", "Fukui", "福井県"),
    "JP-19": _jp("Yamanashi", "Yamanashi", "山梨県"),
    "JP-20": _jp("Nagano", "Nagano", "長野県"),
    "JP-21": _jp("Gifu", "Gifu", "岐阜県"),
    "JP-22": _jp("Shizuoka", "Shizuoka", "静岡県"),
    "JP-23": _jp("Aichi", "Aichi", "愛知県"),
    "JP-24": _jp("Mie", "Mie", "三重県"),
    "JP-25": _jp("Shiga", "Shiga", "滋賀県"),
    "JP-26": _jp("Kyoto", "Kyoto", "京都府"),
    "JP-27": _jp("Osaka", "Osaka", "大阪府"),
    "JP-28": _jp("Hyogo", "Hyōgo", "兵庫県"),
    "JP-29": _jp("Nara", "Nara", "奈良県"),
    "JP-30": _jp("Wakayama", "Wakayama", "和歌山県"),
    "JP-31": _jp("Tottori", "Tottori", "鳥取県"),
    "JP-32": _jp("Shimane", "Shimane", "島根県"),
    "JP-33": _jp("Okayama", "Okayama", "岡山県"),
    "JP-34": _jp("Hiroshima", "Hiroshima", "広島県"),
    "JP-35": _jp("Yamaguchi", "Yamaguchi", "山口県"),
    "JP-36": _jp("Tokushima", "Tokushima", "徳島県"),
    "JP-37": _jp("Kagawa", "Kagawa", "香川県"),
    "JP-38": _jp("Ehime", "Ehime", "愛媛県"),
    "JP-39": _jp("Kochi", "Kōchi", "高知県"),
    "JP-40": _jp("Fukuoka", "Fukuoka", "福岡県"),
    "JP-41": _jp("Saga", "Saga", "佐賀県"),
    "JP-42": _jp("Nagasaki", "Nagasaki", "長崎県"),
    "JP-43": _jp("Kumamoto", "Kumamoto", "熊本県"),
    "JP-44": _jp("Oita", "Ōita", "大分県"),
    "JP-45": _jp("Miyazaki", "Miyazaki", "宮崎県"),
    "JP-46": _jp("Kagoshima", "Kagoshima", "鹿児島県"),
    "JP-47": _jp("Okinawa", "Okinawa", "沖縄県"),
}

# Spellings seen in ROR/GeoNames and in everyday use that normalisation alone does not reach.
_EXTRA_ALIASES: dict[str, str] = {
    "province of quebec": "CA-QC",
    "yukon territory": "CA-YT",
    "newfoundland": "CA-NL",
    "pei": "CA-PE",
    "nwt": "CA-NT",
    "hokkaido prefecture": "JP-01",
    "toukyou": "JP-13",
    "tokio": "JP-13",
    "kyouto": "JP-26",
    "oosaka": "JP-27",
    "hyougo": "JP-28",
    "kouchi": "JP-39",
    "ooita": "JP-44",
}

_JP_SUFFIX = re.compile(r"(?:[\s-](?:to|fu|ken|prefecture|metropolis))+$")


def _fold(text: str) -> str:
    """Lower-case, strip diacritics (ō → o, é → e) and collapse whitespace/punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    # Drop Latin diacritics only (U+0300–U+036F); kana voicing marks must survive.
    stripped = "".join(ch for ch in decomposed if not "\u0300" <= ch <= "\u036f")
    ascii_ish = (
        unicodedata.normalize("NFKC", stripped).casefold().replace("’", "'").replace("_", " ")
    )
    return re.sub(r"\s+", " ", ascii_ish).strip(" .,")


def _build_index() -> dict[str, dict[str, str]]:
    index: dict[str, dict[str, str]] = {"CA": {}, "JP": {}}
    for code, info in REGIONS.items():
        country = info["country"]
        table = index[country]
        local = code.split("-", 1)[1]
        for key in (code, local, info["en"], info["fr"], info["ja"]):
            table[_fold(key)] = code
        if country == "JP":
            table[str(int(local))] = code  # "1" as well as "01"
            # 東京都 → 東京, 京都府 → 京都, 青森県 → 青森 (but 北海道 stays whole).
            if info["ja"][-1] in "都府県":
                table[_fold(info["ja"][:-1])] = code
        else:
            # ケベック州 → ケベック
            table[_fold(info["ja"].removesuffix("準州").removesuffix("州"))] = code
    for alias, code in _EXTRA_ALIASES.items():
        index[REGIONS[code]["country"]][alias] = code
    return index


_INDEX = _build_index()


def region_from_admin1(country: str, name: str) -> str | None:
    """Map a first-level subdivision name to its ISO 3166-2 code.

    Accepts the GeoNames ``admin1`` names used by ROR ("British Columbia", "Quebec",
    "Tōkyō", "Ōsaka", "Hyōgo"), French and Japanese names ("Québec", "東京都"), romaji with
    suffixes ("Kyoto-fu", "Aichi-ken", "Tokyo-to", "Osaka Prefecture"), ISO codes ("CA-QC",
    "JP-13") and bare subdivision codes ("QC", "13"). Returns ``None`` when nothing matches or
    when ``country`` is neither "CA" nor "JP".
    """
    country = (country or "").strip().upper()
    table = _INDEX.get(country)
    if table is None or not name:
        return None
    key = _fold(name)
    if key in table:
        return table[key]
    if country == "JP":
        stripped = _JP_SUFFIX.sub("", key)
        if stripped in table:
            return table[stripped]
        # "Hokkaido-do"/"Hokkaidō" and the like.
        if stripped.endswith("-do"):
            return table.get(stripped[:-3] + "do")
    return None


def timezone_for_region(code: str) -> str:
    """Representative IANA time zone for a region (Japan: Asia/Tokyo).

    Raises ``KeyError`` for an unknown code.
    """
    info = REGIONS[code]
    if info["country"] == "JP":
        return "Asia/Tokyo"
    return _CA_TIMEZONES[info["en"]]


def region_name(code: str, language: str | None) -> str:
    """“JP-26” → “Kyoto” / “Kyoto” / “京都府” in `language` (a language code; English
    when it is empty or not one of the three)."""
    region = REGIONS.get(code)
    if region is None:
        return code
    return region.get((language or "en")[:2]) or region["en"]
