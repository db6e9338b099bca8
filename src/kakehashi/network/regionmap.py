"""The flows between regions as a schematic map: a tile grid (each province, territory
and prefecture a labelled tile placed roughly where it lies; Japan on the left, Canada
across the Pacific on the right), with an arc per pair of regions weighted by the number
of internships. Plain data for ``network/_flow_map.html`` (inline SVG, no script, no
inline style); the table of flows beside it carries the same numbers.

The Keihanna cluster (Kyoto, Osaka, Nara) is drawn as one place, as the network engine
groups it (``kakehashi_network.synthetic.REGION_GROUPS``): its tiles are outlined and its
arcs meet at their centre.
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kakehashi.organisations.regions import REGIONS, region_name
from kakehashi_network.synthetic import REGION_GROUPS

#: (column, row) of each region in its country's grid: north up, east right.
JP_TILES: dict[str, tuple[int, int]] = {
    "JP-01": (13, 0), "JP-02": (12, 1), "JP-05": (11, 2), "JP-03": (12, 2),
    "JP-06": (11, 3), "JP-04": (12, 3), "JP-17": (8, 4), "JP-16": (9, 4),
    "JP-15": (10, 4), "JP-07": (11, 4), "JP-18": (7, 5), "JP-21": (8, 5),
    "JP-20": (9, 5), "JP-10": (10, 5), "JP-09": (11, 5), "JP-08": (12, 5),
    "JP-32": (3, 6), "JP-31": (4, 6), "JP-28": (5, 6), "JP-26": (6, 6),
    "JP-25": (7, 6), "JP-23": (8, 6), "JP-19": (9, 6), "JP-11": (10, 6),
    "JP-13": (11, 6), "JP-12": (12, 6), "JP-35": (2, 7), "JP-34": (3, 7),
    "JP-33": (4, 7), "JP-27": (6, 7), "JP-29": (7, 7), "JP-24": (8, 7),
    "JP-22": (9, 7), "JP-14": (10, 7), "JP-41": (0, 8), "JP-40": (1, 8),
    "JP-44": (2, 8), "JP-38": (3, 8), "JP-37": (4, 8), "JP-36": (5, 8),
    "JP-30": (6, 8), "JP-42": (0, 9), "JP-43": (1, 9), "JP-45": (2, 9),
    "JP-39": (4, 9), "JP-46": (1, 10), "JP-47": (0, 11),
}  # fmt: skip
CA_TILES: dict[str, tuple[int, int]] = {
    "CA-YT": (0, 0), "CA-NT": (1, 0), "CA-NU": (2, 0),
    "CA-BC": (0, 1), "CA-AB": (1, 1), "CA-SK": (2, 1), "CA-MB": (3, 1),
    "CA-ON": (4, 1), "CA-QC": (5, 1), "CA-NL": (6, 1),
    "CA-NB": (5, 2), "CA-PE": (6, 2), "CA-NS": (6, 3),
}  # fmt: skip

TILE_W, TILE_H, STEP_X, STEP_Y = 48, 30, 52, 36
MARGIN, PACIFIC, TOP = 8, 90, 28
#: Canada's grid sits level with central Japan (rows 4 to 7).
CA_TOP_ROW = 4
JP_X = MARGIN
CA_X = JP_X + 14 * STEP_X + PACIFIC
WIDTH = CA_X + 7 * STEP_X + MARGIN
HEIGHT = TOP + 12 * STEP_Y + MARGIN
MAX_STROKE = 9.0
ARROW_GAP = 14


def _short_label(code: str, language: str) -> str:
    """What fits in a tile: a province's or territory's two-letter abbreviation (the same
    in English and French; the full name is the tile's tooltip), a prefecture's name
    (in Japanese without 都, 府 or 県)."""
    if code.startswith("CA-"):
        return code[3:]
    name = region_name(code, language)
    if language.startswith("ja") and name != "北海道" and name[-1] in "都府県":
        return name[:-1]
    return name


def _tiles() -> dict[str, tuple[float, float]]:
    """Top-left corner of every tile."""
    out = {}
    for code, (col, row) in JP_TILES.items():
        out[code] = (JP_X + col * STEP_X, TOP + row * STEP_Y)
    for code, (col, row) in CA_TILES.items():
        out[code] = (CA_X + col * STEP_X, TOP + (CA_TOP_ROW + row) * STEP_Y)
    return out


TILES = _tiles()
GROUP_OF = {r: g for g, regions in REGION_GROUPS.items() for r in regions}


def _centre(code: str) -> tuple[float, float]:
    x, y = TILES[code]
    return (x + TILE_W / 2, y + TILE_H / 2)


def _place(region: str) -> tuple[str, tuple[float, float]] | None:
    """Where a flow's end is drawn: its region's tile, or its group's centre."""
    group = region if region in REGION_GROUPS else GROUP_OF.get(region)
    if group:
        points = [_centre(r) for r in REGION_GROUPS[group] if r in TILES]
        return group, (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )
    if region in TILES:
        return region, _centre(region)
    return None


def _country(place: str) -> str:
    if place in REGION_GROUPS:
        return REGIONS[REGION_GROUPS[place][0]]["country"]
    return REGIONS[place]["country"]


def _arc(a: tuple[float, float], b: tuple[float, float]) -> str:
    """A quadratic curve from a to b bending to the left of its way, so that the flows
    of the two directions between a pair of places do not overlap."""
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    d = math.hypot(dx, dy) or 1.0
    bend = 0.18 * d
    cx, cy = (x1 + x2) / 2 + dy / d * bend, (y1 + y2) / 2 - dx / d * bend
    # The arrow stops short of the centre, so that it points at the label, not over it.
    ex, ey = x2 - cx, y2 - cy
    e = math.hypot(ex, ey) or 1.0
    x2, y2 = x2 - ex / e * ARROW_GAP, y2 - ey / e * ARROW_GAP
    return f"M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}"


def _place_name(place: str, language: str) -> str:
    if place in REGION_GROUPS:
        return _("Keihanna (Kyoto, Osaka, Nara)") if place == "Keihanna" else place
    return region_name(place, language)


def flow_map(flows: list[dict[str, Any]], language: str) -> dict[str, Any]:
    """The map of ``flows`` (``[{"from", "to", "internships"}]``, the engine's) in
    ``language``: tiles, one arc per ordered pair of places, and how many internships
    could not be drawn (an unknown region, or both ends in one place)."""
    merged: dict[tuple[str, str], int] = {}
    ends: dict[str, tuple[float, float]] = {}
    left_out = 0
    for f in flows:
        a, b = _place(f["from"]), _place(f["to"])
        if a is None or b is None or a[0] == b[0]:
            left_out += f["internships"]
            continue
        ends[a[0]], ends[b[0]] = a[1], b[1]
        merged[(a[0], b[0])] = merged.get((a[0], b[0]), 0) + f["internships"]
    top = max(merged.values(), default=1)
    arcs = []
    # The thickest last, on top.
    for (a, b), n in sorted(merged.items(), key=lambda item: (item[1], item[0])):
        origin, destination = _country(a), _country(b)
        if origin == destination:
            direction = "domestic"
        else:
            direction = "to-jp" if destination == "JP" else "to-ca"
        arcs.append(
            {
                "d": _arc(ends[a], ends[b]),
                "width": f"{1.5 + (MAX_STROKE - 1.5) * n / top:.1f}",
                "direction": direction,
                "count": n,
                "title": ngettext(
                    "%(from)s → %(to)s: %(count)s internship",
                    "%(from)s → %(to)s: %(count)s internships",
                    n,
                )
                % {
                    "from": _place_name(a, language),
                    "to": _place_name(b, language),
                    "count": n,
                },
            }
        )
    used = {p for pair in merged for p in pair}
    tiles = []
    for code, (x, y) in TILES.items():
        group = GROUP_OF.get(code)
        classes = ["tile", REGIONS[code]["country"].lower()]
        if code in used or (group and group in used):
            classes.append("active")
        if group:
            classes.append("group")
        tiles.append(
            {
                "code": code,
                "x": x,
                "y": y,
                "tx": x + TILE_W // 2,
                "ty": y + TILE_H // 2 + 4,
                "label": _short_label(code, language),
                "name": f"{region_name(code, language)} ({code})",
                "classes": " ".join(classes),
            }
        )
    groups = []
    for group in REGION_GROUPS:
        place = _place(group)
        if place is not None:
            cx, cy = place[1]
            groups.append({"name": _place_name(group, language), "cx": f"{cx:.1f}",
                           "cy": f"{cy:.1f}"})  # fmt: skip
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "tile_w": TILE_W,
        "tile_h": TILE_H,
        "japan_x": JP_X,
        "canada_x": CA_X,
        "japan_label_x": JP_X + 2 * STEP_X,
        "japan_label_y": TOP + 6 * STEP_Y - 10,
        # Below its tiles: the lines from Japan arrive from above.
        "canada_label_y": TOP + (CA_TOP_ROW + 4) * STEP_Y + 12,
        "tiles": tiles,
        "arcs": arcs,
        "groups": groups,
        "drawn": sum(merged.values()),
        "left_out": left_out,
    }
