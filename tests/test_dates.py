"""bot.dates: what the modal's date fields mean, checked against dates worked out by hand.

The fixed clock is Wednesday 2026-11-18, 10:00 in Los Angeles (PST, UTC-8), given as an aware
UTC datetime as the handlers do. Every expected date below is written out, not computed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import dates
from bot.dates import DateError, parse_date

LA = "America/Los_Angeles"
#: Wednesday 2026-11-18 10:00 in Los Angeles.
NOW = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)
#: Wednesday 2026-11-18 22:30 in Los Angeles, already Thursday 2026-11-19 in UTC.
LATE_EVENING = datetime(2026, 11, 19, 6, 30, tzinfo=UTC)

EMPTY = "Enter a date, like 'next Friday' or '2026-12-12'."


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    dates.warm()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 2 weeks", date(2026, 12, 2)),
        ("2 weeks from today", date(2026, 12, 2)),
        ("2 weeks from now", date(2026, 12, 2)),
        ("next week", date(2026, 11, 25)),
        ("next Friday", date(2026, 11, 20)),
        ("friday", date(2026, 11, 20)),
        ("fri", date(2026, 11, 20)),
        ("coming friday", date(2026, 11, 20)),
        ("monday", date(2026, 11, 23)),
        ("Mon", date(2026, 11, 23)),
        # Today's weekday means next week's, unless it is "this".
        ("wednesday", date(2026, 11, 25)),
        ("next wednesday", date(2026, 11, 25)),
        ("this wednesday", date(2026, 11, 18)),
        ("this friday", date(2026, 11, 20)),
        ("last friday", date(2026, 11, 13)),
        ("last wednesday", date(2026, 11, 11)),
        ("Dec 12", date(2026, 12, 12)),
        ("December 12", date(2026, 12, 12)),
        ("dec 12th", date(2026, 12, 12)),
        ("12 December", date(2026, 12, 12)),
        ("12/12", date(2026, 12, 12)),
        ("12/12/2026", date(2026, 12, 12)),
        ("2026-12-12", date(2026, 12, 12)),
        ("December 12, 2026", date(2026, 12, 12)),
        # Month first, like en-US.
        ("3/4/2026", date(2026, 3, 4)),
        ("1/2/2027", date(2027, 1, 2)),
        # No year: the next one on or after today.
        ("Nov 18", date(2026, 11, 18)),
        ("Nov 19", date(2026, 11, 19)),
        ("Nov 17", date(2027, 11, 17)),
        ("jan 5", date(2027, 1, 5)),
        ("feb 29", date(2028, 2, 29)),
        # Two-digit years are 20xx, past or future.
        ("11/17/26", date(2026, 11, 17)),
        ("12/12/26", date(2026, 12, 12)),
        ("1/1/25", date(2025, 1, 1)),
        ("Jan 1, 25", date(2025, 1, 1)),
        ("1/5/27", date(2027, 1, 5)),
        ("2/29/24", date(2024, 2, 29)),
        ("1/1/00", date(2000, 1, 1)),
        # A full date in the past is taken as it is (a POC may have started already).
        ("2026-11-01", date(2026, 11, 1)),
        ("tomorrow", date(2026, 11, 19)),
        ("today", date(2026, 11, 18)),
        ("yesterday", date(2026, 11, 17)),
        ("the day after tomorrow", date(2026, 11, 20)),
        ("end of month", date(2026, 11, 30)),
        ("end of the month", date(2026, 11, 30)),
        ("EOM", date(2026, 11, 30)),
        ("end of week", date(2026, 11, 20)),
        ("end of this week", date(2026, 11, 20)),
        ("EOW", date(2026, 11, 20)),
        ("end of next week", date(2026, 11, 27)),
        ("end of next month", date(2026, 12, 31)),
        # Case, surrounding whitespace and a trailing period do not matter.
        ("  Tomorrow.  ", date(2026, 11, 19)),
        ("END OF MONTH.", date(2026, 11, 30)),
        ("eow.", date(2026, 11, 20)),
        ("\tin  2   weeks\n", date(2026, 12, 2)),
        ("Dec 12.", date(2026, 12, 12)),
        # The year limits themselves are allowed.
        ("2000-01-01", date(2000, 1, 1)),
        ("2031-12-31", date(2031, 12, 31)),
    ],
)
def test_phrases_on_a_wednesday_in_los_angeles(text: str, expected: date) -> None:
    assert parse_date(text, now=NOW, tz=LA) == expected


@pytest.mark.parametrize(
    ("now", "tz", "text", "expected"),
    [
        # 22:30 in LA is already the 19th in UTC: the user's own day counts.
        (LATE_EVENING, LA, "today", date(2026, 11, 18)),
        (LATE_EVENING, LA, "tomorrow", date(2026, 11, 19)),
        (LATE_EVENING, LA, "in 2 weeks", date(2026, 12, 2)),
        (LATE_EVENING, LA, "friday", date(2026, 11, 20)),
        (LATE_EVENING, LA, "Nov 18", date(2026, 11, 18)),
        # The same instant is the 19th for a user in UTC.
        (LATE_EVENING, "UTC", "tomorrow", date(2026, 11, 20)),
        # 18:00 UTC is 03:00 on Thursday the 19th in Tokyo.
        (NOW, "Asia/Tokyo", "today", date(2026, 11, 19)),
        (NOW, "Asia/Tokyo", "tomorrow", date(2026, 11, 20)),
        (NOW, "Asia/Tokyo", "thursday", date(2026, 11, 26)),
        (NOW, "Asia/Tokyo", "end of week", date(2026, 11, 20)),
        (NOW, "Asia/Tokyo", "Nov 18", date(2027, 11, 18)),
        # A naive now is already the user's wall time: not converted from UTC or anything else.
        (datetime(2026, 11, 18, 22, 30), LA, "tomorrow", date(2026, 11, 19)),
        (datetime(2026, 11, 18, 22, 30), "Asia/Tokyo", "tomorrow", date(2026, 11, 19)),
        (datetime(2026, 11, 18, 0, 0), LA, "today", date(2026, 11, 18)),
        # An aware now in another zone: 01:00 on the 19th in New York is 22:00 on the 18th in LA.
        (
            datetime(2026, 11, 19, 1, 0, tzinfo=ZoneInfo("America/New_York")),
            LA,
            "today",
            date(2026, 11, 18),
        ),
        (
            datetime(2026, 11, 19, 1, 0, tzinfo=ZoneInfo("America/New_York")),
            LA,
            "tomorrow",
            date(2026, 11, 19),
        ),
        # A zone this server does not know: read in UTC rather than failing the modal.
        (LATE_EVENING, "Mars/Olympus_Mons", "today", date(2026, 11, 19)),
    ],
)
def test_today_is_the_users_local_day(now: datetime, tz: str, text: str, expected: date) -> None:
    assert parse_date(text, now=now, tz=tz) == expected


def _la(y: int, m: int, d: int, hour: int = 12) -> datetime:
    return datetime(y, m, d, hour, tzinfo=ZoneInfo(LA))


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        # End of week: this week's Friday, today on a Friday, the coming one on a weekend.
        (_la(2026, 11, 16), "end of week", date(2026, 11, 20)),  # Monday
        (_la(2026, 11, 20), "end of week", date(2026, 11, 20)),  # Friday
        (_la(2026, 11, 21), "end of week", date(2026, 11, 27)),  # Saturday
        (_la(2026, 11, 22), "EOW", date(2026, 11, 27)),  # Sunday
        (_la(2026, 11, 20), "end of next week", date(2026, 11, 27)),  # Friday
        (_la(2026, 11, 21), "end of next week", date(2026, 11, 27)),  # Saturday
        (_la(2026, 11, 23), "end of next week", date(2026, 12, 4)),  # Monday
        # End of month on its last day, across a year, and into a short February.
        (_la(2026, 11, 30), "EOM", date(2026, 11, 30)),
        (_la(2026, 12, 1), "end of next month", date(2027, 1, 31)),
        (_la(2027, 1, 31), "end of next month", date(2027, 2, 28)),
        (_la(2028, 1, 10), "end of next month", date(2028, 2, 29)),
        # Dec 12 has passed: next year's.
        (_la(2026, 12, 13), "Dec 12", date(2027, 12, 12)),
        (_la(2026, 12, 13), "December 12", date(2027, 12, 12)),
        (_la(2026, 12, 12), "Dec 12", date(2026, 12, 12)),
        # Weekdays across a month and a year.
        (_la(2026, 12, 30), "monday", date(2027, 1, 4)),
        (_la(2027, 1, 1), "last thursday", date(2026, 12, 31)),
        # "this friday" on a Saturday is the coming one.
        (_la(2026, 11, 21), "this friday", date(2026, 11, 27)),
        # Just after midnight local (08:05 UTC on the 17th is 00:05 on the 17th in LA).
        (datetime(2026, 11, 17, 8, 5, tzinfo=UTC), "today", date(2026, 11, 17)),
    ],
)
def test_calendar_edges(now: datetime, text: str, expected: date) -> None:
    assert parse_date(text, now=now, tz=LA) == expected


@pytest.mark.parametrize(
    ("text", "echo"),
    [
        ("asdfgh", "asdfgh"),
        ("32/13/2026", "32/13/2026"),
        ("13/12/2026", "13/12/2026"),
        ("🙂", "🙂"),
        ("x" * 2000, "x" * 39 + "…"),
        ("next blursday", "next blursday"),
        ("blursday", "blursday"),
        # A month, a number or a year alone is not a day.
        ("dec", "dec"),
        ("12", "12"),
        ("2026", "2026"),
        ("a", "a"),
        ("1700000000", "1700000000"),
        # dateparser would read these as a different day without saying so.
        ("3 days from tomorrow", "3 days from tomorrow"),
        ("2 days after tomorrow", "2 days after tomorrow"),
        ("today + 2", "today + 2"),
        ("2 weeks after kickoff", "2 weeks after kickoff"),
        ("line one\nline two", "line one line two"),
        ("  🙂🙂🙂  ", "🙂🙂🙂"),
        ("a " * 40, "a " * 19 + "a…"),
    ],
)
def test_unreadable_input_is_named_in_a_short_message(text: str, echo: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text, now=NOW, tz=LA)
    message = str(info.value)
    assert f"'{echo}'" in message
    assert len(message) < 150
    assert "\n" not in message
    # It tells the user what would work.
    assert "2026-12-12" in message or "month first" in message


def test_a_day_first_date_says_numbers_go_month_first() -> None:
    with pytest.raises(DateError, match="month first"):
        parse_date("25/12/2026", now=NOW, tz=LA)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", ".", " . "])
def test_empty_input_asks_for_a_date(text: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text, now=NOW, tz=LA)
    assert str(info.value) == EMPTY


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("1/1/1999", "1999"),
        ("12/12/99", "2099"),
        ("1/1/32", "2032"),
        ("in 3650 days", "2036"),
        ("Dec 12 2099", "2099"),
        ("2032-01-01", "2032"),
        ("in 10 years", "2036"),
        ("in 100 years", "2126"),
    ],
)
def test_absurd_years_are_refused(text: str, year: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text, now=NOW, tz=LA)
    message = str(info.value)
    assert year in message
    assert "2000" in message and "2031" in message
    assert len(message) < 150


def test_the_year_limit_follows_the_clock() -> None:
    now = datetime(2030, 6, 1, 12, tzinfo=UTC)
    assert parse_date("2035-01-01", now=now, tz=LA) == date(2035, 1, 1)
    with pytest.raises(DateError):
        parse_date("2036-01-01", now=now, tz=LA)


def test_date_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_date("asdfgh", now=NOW, tz=LA)


class _Spy:
    """Stands in for DateDataParser and records how it was built."""

    calls: list[dict[str, Any]]

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        return self.real(*args, **kwargs)


def test_dateparser_gets_english_and_a_naive_local_base(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _Spy(dates.DateDataParser)
    monkeypatch.setattr(dates, "DateDataParser", spy)
    assert parse_date("next week", now=LATE_EVENING, tz=LA) == date(2026, 11, 25)
    (kwargs,) = spy.calls
    assert kwargs["languages"] == ["en"]
    settings = kwargs["settings"]
    assert settings["RELATIVE_BASE"] == datetime(2026, 11, 18, 22, 30)
    assert settings["RELATIVE_BASE"].tzinfo is None
    assert settings["PREFER_DATES_FROM"] == "future"
    assert settings["RETURN_AS_TIMEZONE_AWARE"] is False


@pytest.mark.parametrize("text", ["x" * 65, "x" * 2000, "🙂" * 2000, "12 " * 700])
def test_long_input_never_reaches_dateparser(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("dateparser was called")

    monkeypatch.setattr(dates, "DateDataParser", forbidden)
    with pytest.raises(DateError):
        parse_date(text, now=NOW, tz=LA)


OURS = ["end of week", "EOM", "end of next month", "monday", "fri", "today", "in 2 weeks"]


@pytest.mark.parametrize("text", [*OURS, "Tomorrow", "3 days", "in 1 week", "2026-12-12"])
def test_our_own_phrases_skip_dateparser(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("dateparser was called")

    monkeypatch.setattr(dates, "DateDataParser", forbidden)
    assert isinstance(parse_date(text, now=NOW, tz=LA), date)


def test_warm_loads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    spy = _Spy(dates.DateDataParser)
    monkeypatch.setattr(dates, "DateDataParser", spy)
    monkeypatch.setattr(dates, "_warmed", False)
    dates.warm()
    assert len(spy.calls) == 1
    dates.warm()
    dates.warm()
    assert len(spy.calls) == 1


#: Late on a year's last day, a leap day's eve, an ordinary Wednesday: month and year ends.
BASES = [
    datetime(2026, 11, 18, 10),
    datetime(2026, 12, 31, 23, 59),
    datetime(2027, 2, 28, 0, 1),
    datetime(2028, 2, 28, 12),
]
COMMON = ["today", "tomorrow", "in 0 days", "in 1 day", "in 3 days", "10 days", "1 week"]
COMMON += ["in 2 weeks", "in 52 weeks", "in 400 days", "2026-12-12", "2028-02-29", "2027-02-29"]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("text", COMMON)
def test_common_phrases_read_as_dateparser_reads_them(base: datetime, text: str) -> None:
    """The phrases read without dateparser (to keep it off a submission's path before the
    ack) mean what they meant when dateparser read them."""
    ours = dates._special(text, base.date())
    assert ours == dates._dateparser(text, base)
    assert ours is not None or text == "2027-02-29"  # no such day: refused by both
