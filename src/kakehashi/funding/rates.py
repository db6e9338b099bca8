"""Exchange rates as dated data: read from the Bank of Canada's CSV, never fetched.

The Bank publishes one column per series (``FXJPYCAD``: Canadian dollars for one yen)
under an ``"OBSERVATIONS"`` header, one row per business day, after a header block
(``"FILE"``, ``"SERIES"``, …). Only series between currencies the ledger knows are read;
an empty cell (a holiday) is no observation.

A conversion uses the rate of its date or, when that day has none (a weekend, a
holiday), of the last day before it within :data:`LOOKBACK_DAYS`; further back is
refused: a figure is never converted at a stale rate.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kakehashi.core.errors import ImportRejected
from kakehashi.funding.models import ExchangeRate
from kakehashi.funding.money import DECIMALS

#: How many days before a date its rate may come from (weekends and holidays).
LOOKBACK_DAYS = 5
SERIES = re.compile(r"^FX([A-Z]{3})([A-Z]{3})$")


def series_name(base: str, quote: str) -> str:
    return f"FX{base}{quote}"


def parse_boc_csv(text: str) -> list[dict]:
    """Records ``{series, base, quote, date, value, date_text}`` of the file's known
    series; a bad cell gives a record with ``error`` and ``field`` (reported by row)."""
    rows = list(csv.reader(io.StringIO(text)))
    start = next(
        (i for i, row in enumerate(rows) if [c.strip().upper() for c in row] == ["OBSERVATIONS"]),
        None,
    )
    if start is None or start + 1 >= len(rows):
        raise ImportRejected(
            _("This is not a Bank of Canada file: it has no “OBSERVATIONS” section."), rows=[]
        )
    header = [c.strip() for c in rows[start + 1]]
    if not header or header[0].lower() != "date":
        raise ImportRejected(
            _("The “OBSERVATIONS” section must start with a “date” column."), rows=[]
        )
    columns = []
    for index, name in enumerate(header[1:], start=1):
        match = SERIES.match(name)
        if match and match.group(1) in DECIMALS and match.group(2) in DECIMALS:
            columns.append((index, name, match.group(1), match.group(2)))
    if not columns:
        raise ImportRejected(
            _("The file has no series between %(currencies)s (e.g. FXJPYCAD).")
            % {"currencies": ", ".join(DECIMALS)},
            rows=[],
        )
    records = []
    for row in rows[start + 2 :]:
        if not any(c.strip() for c in row):
            continue
        date_text = row[0].strip() if row else ""
        try:
            date = dt.date.fromisoformat(date_text)
        except ValueError:
            records.append(
                {
                    "series": columns[0][1],
                    "date_text": date_text,
                    "field": "date",
                    "error": _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": date_text},
                }
            )
            continue
        for index, name, base, quote in columns:
            cell = row[index].strip() if index < len(row) else ""
            if not cell:
                continue
            record = {
                "series": name,
                "base": base,
                "quote": quote,
                "date": date,
                "date_text": date_text,
            }
            try:
                value = Decimal(cell)
                if not value.is_finite() or value <= 0:
                    raise InvalidOperation
                record["value"] = value
            except InvalidOperation:
                record.update(
                    field="value",
                    error=_("“%(value)s” is not a positive rate.") % {"value": cell},
                )
            records.append(record)
    return records


def rate_for(base: str, quote: str, *, on: dt.date):
    """The rate converting `base` into `quote` on `on`: ``(ExchangeRate, inverse)``,
    where `inverse` says the series is quote→base (divide instead of multiply)."""
    earliest = on - dt.timedelta(days=LOOKBACK_DAYS)
    for series, inverse in ((series_name(base, quote), False), (series_name(quote, base), True)):
        rate = (
            ExchangeRate.objects.filter(series=series, date__lte=on, date__gte=earliest)
            .order_by("-date")
            .first()
        )
        if rate is not None:
            return rate, inverse
    last = (
        ExchangeRate.objects.filter(
            series__in=[series_name(base, quote), series_name(quote, base)], date__lte=on
        )
        .order_by("-date")
        .first()
    )
    message = _(
        "No exchange rate from %(base)s to %(quote)s for %(day)s (nor the %(days)d days "
        "before): import the Bank of Canada's rates for that date first."
    ) % {"base": base, "quote": quote, "day": on.isoformat(), "days": LOOKBACK_DAYS}
    if last is not None:
        message += " " + _("The last known rate is of %(day)s.") % {"day": last.date.isoformat()}
    raise ValidationError(message, code="no_rate")
