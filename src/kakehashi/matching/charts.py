"""Geometry of the server-drawn bar charts (inline SVG, no script, no inline style).

A chart is plain data for ``matching/_chart.html``: the view box and, per row,
the label and one or two bars. Colours come from classes in the app's
stylesheet; every chart is followed by a table with the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LABEL_WIDTH = 170
PLOT_WIDTH = 300
VALUE_WIDTH = 60
BAR = 16
GAP = 10


@dataclass(frozen=True)
class Bar:
    series: str  # "a" or "b" (one-series charts use "a")
    value: float
    x: int
    y: int
    width: int
    height: int
    text_x: int
    text_y: int

    @property
    def text(self) -> str:
        return _fmt(self.value)


@dataclass(frozen=True)
class Row:
    label: str
    label_y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_x: int
    rows: tuple[Row, ...] = field(default_factory=tuple)
    series: tuple[str, ...] = ("a",)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    rows: list[tuple[str, tuple[float, ...]]],
    series: tuple[str, ...] = ("a",),
) -> Chart:
    """Horizontal bars, one group per row, one bar per series, scaled to the largest value."""
    top = max((v for _label, values in rows for v in values), default=0) or 1
    per_row = len(series) * BAR + GAP
    out = []
    y = GAP
    for label, values in rows:
        bars = []
        for i, (name, value) in enumerate(zip(series, values, strict=True)):
            width = round(PLOT_WIDTH * value / top)
            bar_y = y + i * BAR
            bars.append(
                Bar(
                    series=name,
                    value=value,
                    x=LABEL_WIDTH,
                    y=bar_y,
                    width=max(width, 1 if value else 0),
                    height=BAR - 2,
                    text_x=LABEL_WIDTH + width + 4,
                    text_y=bar_y + BAR - 4,
                )
            )
        out.append(Row(label=label, label_y=y + len(series) * BAR // 2 + 4, bars=tuple(bars)))
        y += per_row
    return Chart(
        id=id,
        title=title,
        description=description,
        width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH,
        height=max(y, GAP * 2),
        label_x=LABEL_WIDTH - 6,
        rows=tuple(out),
        series=series,
    )
