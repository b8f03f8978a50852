"""Working days in Vietnam: deadlines for public services are counted in working days.

Saturdays, Sundays and public holidays are not working days. The holidays come from the
``holidays`` package (``holidays.country_holidays("VN")``), checked against Labour Code 2019
Art. 112 (content-facts §2). What the package models, as of holidays 0.109:

- the fixed holidays: 1/1, 30/4, 1/5, 2/9 plus one adjacent day (from 2021), and Hùng Kings'
  day (10/3 lunar);
- Tết as five days: New Year's Eve and the first four lunar days;
- compensatory days when a holiday falls on a weekend (Art. 112(3)), including the
  government's usual Tết pattern (a Saturday moved before Tết, a Sunday after it);
- the swaps the government has decided for past and announced years (for example
  2/5/2025, 31/8/2026), named "Ngày nghỉ (thay cho ngày …)";
- 24/11 "Ngày Văn hóa Việt Nam" from 2026, after Resolution 80-NQ/TW. This day is not in
  our content-facts list: treat it as unconfirmed [U] until that list is updated.

What it does not model: the government's yearly Tết decision for years after the package
was released (it guesses the usual pattern), and make-up working Saturdays that pay for a
swap (we count every Saturday as a day off). It also knows no holidays at all outside
1901–2100, so dates there count only weekends. Upgrade ``holidays`` each year.
"""

from __future__ import annotations

import numbers
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

from kynangso.messages import t
from kynangso.vn._text import type_name

ONE_DAY = timedelta(days=1)
SATURDAY = 5


@lru_cache(maxsize=None)
def public_holidays(year: int) -> MappingProxyType[date, str]:
    """Vietnam's public holidays (and observed or swapped days off) in ``year``, with names."""
    table = holidays.country_holidays("VN", years=year, language="vi")
    return MappingProxyType(dict(sorted(table.items())))


@lru_cache(maxsize=None)
def _holiday_dates(year: int) -> frozenset[date]:
    return frozenset(public_holidays(year))


def is_working_day(day: date) -> bool:
    """False on Saturdays, Sundays and public holidays."""
    return day.weekday() < SATURDAY and day not in _holiday_dates(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``; ``start`` itself is not counted.

    ``days == 0`` returns ``start`` unchanged, even on a holiday. A ``datetime`` counts as
    its calendar date. Holiday lookups are cached per year, so calling this in a loop is
    cheap; for whole columns use the vectorised version in ``kynangso.data``. Bad arguments
    (wrong types, negative ``days``) raise ``ValueError`` with a Vietnamese message, the one
    exception a lesson needs to catch.
    """
    if isinstance(start, datetime):
        start = start.date()
    if not isinstance(start, date):
        raise ValueError(t("vn.calendar.not_a_date", kind=type_name(start)))
    if isinstance(days, bool) or not isinstance(days, numbers.Integral):
        raise ValueError(t("vn.calendar.not_an_int", kind=type_name(days)))
    if days < 0:
        raise ValueError(t("vn.calendar.negative_days", days=days))
    current, remaining = start, int(days)
    try:
        while remaining:
            current += ONE_DAY
            if is_working_day(current):
                remaining -= 1
    except OverflowError:
        raise ValueError(t("vn.calendar.out_of_range")) from None
    return current
