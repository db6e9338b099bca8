"""Business days of a place: weekends and the public holidays of a country or of a
Canadian province (the ``holidays`` library, shipped with its data: nothing is fetched).

A place is an ISO 3166-2 code (``CA-BC``, ``JP-26``) or a country code (``JP``). Japan's
public holidays are national, so every prefecture has the same business days; each
Canadian province adds its own to the federal ones.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _calendar(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    days = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(days.keys())


def place_parts(place: str) -> tuple[str, str | None]:
    """``CA-QC`` → (``CA``, ``QC``); ``JP-26`` → (``JP``, None): only subdivisions the
    library knows holidays for are kept."""
    country, _sep, sub = place.upper().partition("-")
    supported = holidays.list_supported_countries().get(country)
    if supported is None:
        raise ValueError(f"no public-holiday calendar for {country!r}")
    return country, (sub if sub and sub in supported else None)


def is_business_day(day: dt.date, place: str) -> bool:
    if day.weekday() >= 5:
        return False
    country, sub = place_parts(place)
    return day not in _calendar(country, sub, day.year)


def holiday_name(day: dt.date, place: str) -> str | None:
    country, sub = place_parts(place)
    return holidays.country_holidays(country, subdiv=sub, years=day.year).get(day)


def business_days_before(day: dt.date, count: int, place: str) -> dt.date:
    """The business day `count` business days before `day` in `place` (`day` itself is
    not counted: 1 business day before a Monday is the Friday before, or the Thursday
    when that Friday is a holiday)."""
    current = day
    left = count
    while left > 0:
        current -= dt.timedelta(days=1)
        if is_business_day(current, place):
            left -= 1
    return current


def business_days_between(start: dt.date, end: dt.date, place: str) -> int:
    """Business days in [start, end) in `place`."""
    count = 0
    current = start
    while current < end:
        if is_business_day(current, place):
            count += 1
        current += dt.timedelta(days=1)
    return count
