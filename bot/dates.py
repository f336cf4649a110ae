"""Natural-language dates for the modals: English only, the user's timezone, fast failure.

What a sales engineer can type, and what it means (all relative to *today in their timezone*):

- Anything dateparser reads with a named day and month or a relative phrase: "today",
  "tomorrow", "in 2 weeks", "2 weeks from today", "next week" (a week from today), "Dec 12",
  "December 12", "12/12", "2026-12-12". Phrases it misreads silently ("3 days from
  tomorrow" is tomorrow to it) are refused, and so are bare months and years ("dec", "2026").
- Numeric dates are month first, like en-US: "3/4/2026" is March 4. A date that only works day
  first ("13/12/2026") is refused rather than swapped, so the rule is the same for every date.
- A date without a year is the next one on or after today: on Nov 18, "Dec 12" is this year,
  "Nov 17" is next year, "Nov 18" is today. Two-digit years are 20xx ("1/1/25" is 2025), and
  a date with a year stays where it is, past or not: a POC may have started already.
- Weekdays ("monday", "fri", "next Friday"): the first one after today; "next Friday" on a
  Wednesday is the Friday two days later, as dateparser reads it. "this friday" is today on a
  Friday; "last friday" is the most recent one before today.
- Phrases dateparser misses: "end of week"/"EOW" is the Friday of this Monday-to-Sunday week, or
  the coming Friday on a weekend; "end of next week" is the Friday of next week (on a weekend
  the same day as "end of week"); "end of month"/"EOM" and "end of next month" are the last days
  of those months.
- Case, surrounding whitespace and a trailing period do not matter. Years before 2000 or more
  than five years out are refused as typos.
"""

from __future__ import annotations

import calendar
import logging
import re
from datetime import date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateparser.date import DateDataParser

log = logging.getLogger(__name__)

#: The modal's field allows 64 characters. dateparser takes 10-60 ms on a 2,000-character
#: string, so anything longer than a date can be is refused before it gets there.
MAX_LEN: Final = 64
MIN_YEAR: Final = 2000
#: How far ahead a date may be, in years: further out is a typo ("2062" for "2026").
MAX_YEARS_AHEAD: Final = 5

EMPTY_MESSAGE: Final = "Enter a date, like 'next Friday' or '2026-12-12'."
_EXAMPLES: Final = "Try 'next Friday', 'in 2 weeks', 'Dec 12' or '2026-12-12'."
_ECHO_LEN: Final = 40

_LANGUAGES: Final = ["en"]

# The settings that never change. RELATIVE_BASE differs per call and lives in the settings a
# DateDataParser is built with, so neither a parser nor a Settings object can be shared across
# calls without poking at dateparser's internals. Measured (timeit, best of 5 x 2,000): building
# the parser from this dict costs ~12 us of a ~370-710 us parse, the same as copying a prebuilt
# Settings with .replace(RELATIVE_BASE=...), so the plain public API is used.
_FIXED: Final[dict[str, Any]] = {
    # The base we pass is naive local wall time, and so is every result: dateparser must not
    # shift anything by the server's timezone. "UTC" makes its own offset arithmetic a no-op
    # ("local" would drag in the server's zone for time-only comparisons).
    "TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": False,
    # Bare durations need it: with "current_period", "2 weeks" and "3 days" are in the PAST.
    # Dates typed without a year are then put right by us (_next_occurrence: "future" counts
    # today's own date as past), and so are two-digit years (_undo_century_jump).
    "PREFER_DATES_FROM": "future",
    # en-US order, and strictly: "13/12/2026" is an error, not silently December 13.
    "DATE_ORDER": "MDY",
    "STRICT_DATE_ORDER": "all",
    # An absolute date must name its day and month: otherwise "dec" is Dec 18 (today's day),
    # "12" is December, "2026" is today and "a" is some January. Relative phrases ("in 2
    # weeks", "next month") are not subject to it. Weekdays are, so we read those ourselves.
    "REQUIRE_PARTS": ["day", "month"],
    # No Unix timestamps: "1700000000" is a typo, not Nov 14 2023.
    "PARSERS": ["relative-time", "absolute-time"],
}

# Spelled out: calendar.day_name follows the server's locale.
_WEEKDAYS: Final = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "weds": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
_WEEKDAY_RE: Final = re.compile(r"(?:(this|next|coming|last) )?(" + "|".join(_WEEKDAYS) + r")")
_FRIDAY: Final = 4

#: The phrases people type most, read without dateparser (~0.5-1 ms a call, a submission's
#: largest cost before its ack). Each reads exactly as dateparser reads it
#: (tests/test_dates.py compares the two): today and tomorrow, "in 3 days", "2 weeks"
#: (future, as PREFER_DATES_FROM says), an ISO date.
_COUNTED_RE: Final = re.compile(r"(?:in )?(\d{1,3}) (day|week)s?")
_ISO_RE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_END_OF_RE: Final = re.compile(r"(?:end of (?:(?:the|this) )?(week|month)|eo(w|m))")
_END_OF_NEXT_RE: Final = re.compile(r"end of (?:the )?next (week|month)")

# dateparser reads "2 weeks from today" as two weeks AGO, while "2 weeks" is right.
_FROM_NOW_RE: Final = re.compile(r"\s+from (?:now|today)$")
# Phrases dateparser reads wrong without a word of warning, so we refuse them instead:
# "3 days from tomorrow" and "2 days after tomorrow" come back as tomorrow, "today + 2" as today.
_COUNTED_FROM_RE: Final = re.compile(r"\b(?:from|after|before|until|since)\b")
_DAY_AFTER_TOMORROW_RE: Final = re.compile(r"(?:the )?day after tomorrow")
_ANCHOR_WITH_NUMBER_RE: Final = re.compile(
    r"(?=.*\b(?:today|tomorrow|yesterday|tonight|now)\b)(?=.*[\d+])"
)

#: Three digits or more: a year written in full, or a count of days, never a two-digit year.
_LONG_NUMBER_RE: Final = re.compile(r"\d{3}")
_NUMERIC_DATE_RE: Final = re.compile(r"\d{1,2}[/.-]\d{1,2}")

_warmed = False


class DateError(ValueError):
    """A message the modal can show under the field as it is."""


def parse_date(text: str, *, now: datetime, tz: str) -> date:
    """The date `text` means for a user in `tz` at `now` (aware; naive means already in tz)."""
    cleaned = _normalize(text)
    if not cleaned:
        raise DateError(EMPTY_MESSAGE)
    if len(cleaned) > MAX_LEN:
        raise _unreadable(text)

    local_now = _local_now(now, tz)
    today = local_now.date()
    result = _special(cleaned, today)
    if result is None:
        result = _dateparser(cleaned, local_now)
    if result is None:
        raise _unreadable(text)

    max_year = today.year + MAX_YEARS_AHEAD
    if not MIN_YEAR <= result.year <= max_year:
        raise DateError(
            f"{result.year} looks like a typo: use a year from {MIN_YEAR} to {max_year}."
        )
    return result


def warm() -> None:
    """Load dateparser's English data once at start-up, not on the first user's request."""
    global _warmed
    if _warmed:
        return
    # A phrase that goes through dateparser (not our own shortcuts), so its locale data loads.
    _dateparser("in 2 weeks", datetime(2026, 1, 1))
    _warmed = True


def _normalize(text: str) -> str:
    # Lower case and single spaces so our own patterns can be exact; one trailing period
    # ("Dec 12.") is what people type at the end of a sentence.
    cleaned = " ".join(text.split()).lower()
    return cleaned.removesuffix(".").rstrip()


def _local_now(now: datetime, tz: str) -> datetime:
    """Naive wall-clock time in the user's timezone: what 'today' means to them."""
    if now.tzinfo is None:
        return now
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        # A zone Slack knows and this server's tz database does not: a day off near midnight
        # beats failing the whole modal over something the user cannot fix.
        log.warning("unknown timezone %r: reading dates in UTC", tz)
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).replace(tzinfo=None)


def _special(text: str, today: date) -> date | None:
    """The phrases we read ourselves: the commonest ones, weekdays and 'end of …'."""
    if text == "today":
        return today
    if text == "tomorrow":
        return today + timedelta(days=1)
    if m := _COUNTED_RE.fullmatch(text):
        return today + timedelta(days=int(m[1]) * (7 if m[2] == "week" else 1))
    if m := _ISO_RE.fullmatch(text):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None  # "2026-02-30": dateparser says what is wrong
    if m := _WEEKDAY_RE.fullmatch(text):
        return _weekday(_WEEKDAYS[m[2]], m[1], today)
    if m := _END_OF_RE.fullmatch(text):
        unit = m[1] or {"w": "week", "m": "month"}[m[2]]
        return _end_of_week(today) if unit == "week" else _end_of_month(today)
    if m := _END_OF_NEXT_RE.fullmatch(text):
        if m[1] == "week":
            monday_next_week = today + timedelta(days=7 - today.weekday())
            return monday_next_week + timedelta(days=_FRIDAY)
        first_of_next_month = _end_of_month(today) + timedelta(days=1)
        return _end_of_month(first_of_next_month)
    return None


def _weekday(target: int, qualifier: str | None, today: date) -> date:
    ahead = (target - today.weekday()) % 7
    if qualifier == "last":
        return today - timedelta(days=(7 - ahead) % 7 or 7)
    if qualifier == "this" and ahead == 0:
        return today
    return today + timedelta(days=ahead or 7)


def _end_of_week(today: date) -> date:
    # This week's Friday, or the coming one once it has passed (Saturday and Sunday).
    ahead = (_FRIDAY - today.weekday()) % 7
    return today + timedelta(days=ahead)


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _dateparser(text: str, local_now: datetime) -> date | None:
    text = _FROM_NOW_RE.sub("", text)
    if _COUNTED_FROM_RE.search(text) and not _DAY_AFTER_TOMORROW_RE.fullmatch(text):
        return None
    if _ANCHOR_WITH_NUMBER_RE.match(text):
        return None
    # languages pinned: with detection, dateparser spends ~1.5 s on garbage trying every locale.
    settings = {**_FIXED, "RELATIVE_BASE": local_now}
    data = DateDataParser(languages=_LANGUAGES, settings=settings).get_date_data(text)
    if data.date_obj is None:
        return None
    result = data.date_obj.date()
    if "year" not in data.parts:
        return _next_occurrence(result.month, result.day, local_now.date())
    if data.period == "day" and result.year >= MIN_YEAR + 100:
        return _undo_century_jump(result, text)
    return result


def _next_occurrence(month: int, day: int, today: date) -> date | None:
    """A date typed without a year is the next one on or after today: "Dec 12" on Dec 13 is
    next year's, "Nov 18" on Nov 18 is today, "Feb 29" is the next leap day."""
    for year in range(today.year, today.year + 9):  # leap days are at most 8 years apart
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _undo_century_jump(result: date, text: str) -> date:
    """A two-digit year means 20xx. "future" sends a past one to the next century: "11/17/26"
    (yesterday, on Nov 18 2026) comes back as 2126, "1/1/25" as 2125. A year typed in full,
    or a long count of days, keeps the year it has."""
    if _LONG_NUMBER_RE.search(text):  # "12/12/2126" or "in 40000 days": as typed
        return result
    try:
        return result.replace(year=result.year - 100)
    except ValueError:  # Feb 29 in a year that has none
        return result


def _unreadable(text: str) -> DateError:
    # The input goes back as typed (on one line, cut short) so the user sees what we got.
    echo = " ".join(text.split())
    if len(echo) > _ECHO_LEN:
        echo = echo[: _ECHO_LEN - 1].rstrip() + "…"
    if _NUMERIC_DATE_RE.search(echo):
        # Most likely a day-first date ("13/12/2026"): say which order we read.
        return DateError(
            f"Couldn't read '{echo}' as a date: numbers go month first, like 12/31/2026."
        )
    return DateError(f"Couldn't read '{echo}' as a date. {_EXAMPLES}")
