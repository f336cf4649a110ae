"""A POC's holiday calendar from its timezone (the tz database's zone-to-country table), and
the days off the holidays library gives for it, as the business-day rules count them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.public_holidays import (
    NO_HOLIDAYS,
    UnknownCalendar,
    calendar_for,
    country_of_timezone,
    describe,
    holidays_in,
    parse_calendar,
    poc_holidays,
    years_of,
)
from bot.rules import add_business_days, business_days_between, is_business_day


@pytest.mark.parametrize(
    ("tz", "country"),
    [
        ("America/New_York", "US"),
        ("America/Los_Angeles", "US"),
        ("Europe/London", "GB"),
        ("Asia/Kolkata", "IN"),
        ("Asia/Calcutta", "IN"),  # the old name: the same zone
        ("Australia/Sydney", "AU"),
        ("Europe/Berlin", "DE"),
        ("UTC", None),
        ("Etc/GMT+5", None),
        ("Not/AZone", None),
        ("../../etc/passwd", None),
    ],
)
def test_the_country_of_a_timezone(tz: str, country: str | None) -> None:
    assert country_of_timezone(tz) == country
    assert calendar_for(tz=tz) == (country or NO_HOLIDAYS)


def test_a_chosen_calendar_wins_over_the_workspace_which_wins_over_the_timezone() -> None:
    assert calendar_for(tz="America/New_York", workspace="GB") == "GB"
    assert calendar_for(tz="America/New_York", chosen="IN", workspace="GB") == "IN"
    assert calendar_for(tz="America/New_York", chosen=NO_HOLIDAYS, workspace="GB") == NO_HOLIDAYS


def days_off(tz: str, year: int) -> frozenset[date]:
    return holidays_in(calendar_for(tz=tz), (year,))


@pytest.mark.parametrize(
    ("tz", "day", "what"),
    [
        ("America/New_York", date(2026, 11, 26), "Thanksgiving"),
        ("America/New_York", date(2026, 7, 3), "4 July, observed on the Friday"),
        ("Europe/London", date(2025, 12, 26), "Boxing Day"),
        ("Europe/London", date(2026, 12, 28), "Boxing Day on a Saturday, observed on Monday"),
        ("Asia/Kolkata", date(2026, 10, 2), "Gandhi Jayanti"),
        ("Asia/Kolkata", date(2026, 1, 26), "Republic Day"),
        ("Australia/Sydney", date(2026, 4, 3), "Good Friday"),
    ],
)
def test_public_holidays_are_not_business_days(tz: str, day: date, what: str) -> None:
    off = days_off(tz, day.year)
    assert day in off, what
    assert not is_business_day(day, holidays=off)
    before, after = (
        add_business_days(day, -1, holidays=off),
        add_business_days(day, 1, holidays=off),
    )
    assert business_days_between(before, after, holidays=off) == 1, what
    # Another country works that day.
    assert is_business_day(day, holidays=days_off("UTC", day.year))


def test_4_july_on_a_saturday_gives_the_friday_off() -> None:
    off = days_off("America/New_York", 2026)
    assert date(2026, 7, 4) in off and date(2026, 7, 3) in off
    assert add_business_days(date(2026, 7, 2), 1, holidays=off) == date(2026, 7, 6)


def test_no_holidays_in_india_on_thanksgiving() -> None:
    assert date(2026, 11, 26) not in days_off("Asia/Kolkata", 2026)


def test_a_poc_gets_the_years_it_spans_and_the_year_after() -> None:
    assert years_of(date(2026, 12, 1), date(2027, 1, 15)) == (2026, 2027, 2028)
    off = poc_holidays("US", date(2026, 12, 1), date(2026, 12, 20))
    assert date(2027, 1, 1) in off  # an overrun into January still skips New Year's Day


def test_tables_are_built_once_per_calendar_and_years() -> None:
    holidays_in.cache_clear()
    for _ in range(1000):
        poc_holidays("US", date(2026, 11, 2), date(2026, 11, 30))
    info = holidays_in.cache_info()
    assert info.misses == 1 and info.hits == 999


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("us", "US"), ("UK", "GB"), ("us-ca", "US-CA"), ("AU_NSW", "AU-NSW"), ("None", NO_HOLIDAYS)],
)
def test_calendars_as_typed(typed: str, stored: str) -> None:
    assert parse_calendar(typed) == stored


@pytest.mark.parametrize(
    ("typed", "says"), [("XX", "two-letter country code"), ("US-ZZ", "US has no region 'ZZ'")]
)
def test_unknown_calendars_are_refused_with_what_works(typed: str, says: str) -> None:
    with pytest.raises(UnknownCalendar, match=says):
        parse_calendar(typed)


def test_a_subdivision_adds_its_own_holidays() -> None:
    assert date(2026, 3, 31) in holidays_in("US-CA", (2026,))  # César Chávez Day
    assert date(2026, 3, 31) not in holidays_in("US", (2026,))


def test_calendars_are_said_by_name() -> None:
    assert describe("US") == "United States (US)"
    assert describe(NO_HOLIDAYS) == "no public holidays"
