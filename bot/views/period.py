"""The period `/poc report` is asked about, read from what was typed after it.

- nothing, "this quarter" → the calendar quarter of today (the asker's timezone), so far;
  "last quarter" → the one before; "Q1", "Q1 2026", "2026 Q1" → that quarter (without a year,
  the latest one that has begun); "this month", "last month", "this year", "last year".
- a range: "2026-01-01..2026-03-31", "Jan 1 to Mar 31", "1/1/2026 - 3/31/2026", "from Dec 1
  until today" — each side read as the modals read a date (bot/dates.py). A day and month
  without a year are in this year, the start in the year before when it would come after the
  end, and both a year back when the range would begin after today: a report looks back.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Final

from bot.dates import DateError, parse_date
from bot.rules import Period, local_today, quarter
from bot.text import clip
from bot.views.text import escape

EXAMPLES: Final = (
    "`/poc report` (this quarter so far), `/poc report last quarter`, `/poc report Q1 2026`, "
    "`/poc report 2026-01-01..2026-03-31` or `/poc report Jan 1 to Mar 31`"
)
_ECHO: Final = 40
_QUARTER = re.compile(r"q([1-4])(?:\s*(\d{4}))?|(\d{4})\s*q([1-4])")
_NAMED: Final = {
    "": lambda today: quarter(today),
    "this quarter": lambda today: quarter(today),
    "quarter": lambda today: quarter(today),
    "last quarter": lambda today: quarter(today, 1),
    "previous quarter": lambda today: quarter(today, 1),
    "this month": lambda today: _month(today.year, today.month),
    "last month": lambda today: _month(today.year, today.month - 1),
    "this year": lambda today: Period(date(today.year, 1, 1), date(today.year, 12, 31)),
    "last year": lambda today: Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
}
_SEPARATORS = re.compile(r"\s*\.\.\s*|\s+(?:to|until|till|through|thru|-|–|—)\s+|\s*[–—]\s*")
#: A day and month that name no year ("Jan 1", "3/31"): placed by the range, not by dateparser.
_MONTH_DAY = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b\d{1,2}[/.]\d{1,2}\b"
)
_YEAR = re.compile(r"\b\d{4}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")


class PeriodError(ValueError):
    """What was typed is not a period; the message says why (the examples go with it)."""


def read_period(text: str, *, now: datetime, tz: str) -> Period:
    """The period `text` means for someone in `tz` at `now`."""
    cleaned = " ".join(text.lower().split()).removesuffix(".")
    today = local_today(now, tz)
    if cleaned in _NAMED:
        return _NAMED[cleaned](today)
    if found := _QUARTER.fullmatch(cleaned):
        return _quarter(found, today)
    sides = _SEPARATORS.split(cleaned.removeprefix("from ").removeprefix("between "), maxsplit=1)
    if len(sides) != 2 or not all(sides):
        raise PeriodError(f"I can't read '{escape(clip(text.strip(), _ECHO))}' as a period.")
    start, start_stated = _side(sides[0], now=now, tz=tz)
    end, end_stated = _side(sides[1], now=now, tz=tz)
    if not start_stated and start > end:
        start = _year_back(start)
    if not start_stated and not end_stated and start > today:
        start, end = _year_back(start), _year_back(end)
    if start > end:
        raise PeriodError("That range ends before it starts.")
    return Period(start, end)


def _side(text: str, *, now: datetime, tz: str) -> tuple[date, bool]:
    """One end of a range, and whether it named its year."""
    try:
        found = parse_date(text, now=now, tz=tz)
    except DateError as e:
        raise PeriodError(f"'{escape(clip(text, _ECHO))}': {e}") from None
    if _YEAR.search(text) or not _MONTH_DAY.search(text):
        return found, True  # a year, or a phrase such as "today" that needs none
    this_year = local_today(now, tz).year
    try:
        return found.replace(year=this_year), False
    except ValueError:  # 29 February, in a year without one
        raise PeriodError(f"{this_year} has no 29 February: name the year.") from None


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _quarter(found: re.Match[str], today: date) -> Period:
    q = int(found.group(1) or found.group(4))
    year_typed = found.group(2) or found.group(3)
    year = int(year_typed) if year_typed else today.year
    period = quarter(date(year, 3 * q - 2, 1))
    if not year_typed and period.start > today:
        period = quarter(date(year - 1, 3 * q - 2, 1))
    return period


def _month(year: int, month: int) -> Period:
    if month == 0:
        year, month = year - 1, 12
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(start, following - timedelta(days=1))
