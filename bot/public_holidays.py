"""Public holidays by country (rule 12): which country a POC's calendar is, and its holidays.

A calendar is an ISO 3166 country code ("US", "GB", "IN"), optionally with a subdivision
("US-CA", "AU-NSW"), or NO_HOLIDAYS ("none"). Unless a POC or its workspace names one, it is
the country of the POC's timezone in the tz database's zone-to-country table (zone.tab,
shipped by the `tzdata` package, so slim containers without /usr/share/zoneinfo have it too):
America/New_York is US, Asia/Kolkata IN, Australia/Sydney AU; UTC is no country at all.

The dates come from the `holidays` library (public holidays, observed days included: 4 July
2026 is a Saturday, so Friday 3 July is the day off). Building a country's table costs ~1 ms
(~0.5 s the first time the library loads), so tables are cached per (country, subdivision,
years): a sweep over 10,000 POCs builds each one once.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from importlib.resources import files

import holidays

#: The calendar value that means "no public holidays" (every weekday is a business day).
NO_HOLIDAYS = "none"
#: What people type that the library knows under another code.
_ALIASES = {"UK": "GB"}


class UnknownCalendar(ValueError):
    """Not a country (or subdivision) the holidays library knows; the message says why."""


@functools.cache
def supported() -> Mapping[str, tuple[str, ...]]:
    """Country code -> its subdivisions, for every country the library knows."""
    return {c: tuple(subs) for c, subs in holidays.list_supported_countries().items()}


def _zoneinfo_file(name: str) -> str:
    return files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")


@functools.cache
def _zone_countries() -> Mapping[str, str]:
    """Zone name -> the country it is the zone of. zone.tab gives one country per zone;
    zone1970.tab (several countries per zone since 1970) fills in with its first."""
    found: dict[str, str] = {}
    for table in ("zone1970.tab", "zone.tab"):  # zone.tab last: it wins
        for line in _zoneinfo_file(table).splitlines():
            if line.startswith("#") or not line.strip():
                continue
            codes, _coords, zone, *_ = line.split("\t")
            found[zone] = codes.split(",")[0]
    return found


@functools.cache
def country_names() -> Mapping[str, str]:
    """ISO 3166 code -> the country's name, from tzdata's iso3166.tab ("US" -> "United States")."""
    names = {}
    for line in _zoneinfo_file("iso3166.tab").splitlines():
        if not line.startswith("#") and "\t" in line:
            code, name = line.split("\t", 1)
            names[code] = name.strip()
    names["GB"] = "United Kingdom"  # the table says "Britain (UK)"
    return names


@functools.cache
def _zone_digest(name: str) -> str | None:
    try:
        data = files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, ValueError):
        return None
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@functools.cache
def _zones_by_digest() -> Mapping[str, str]:
    return {d: zone for zone in _zone_countries() if (d := _zone_digest(zone)) is not None}


@functools.cache
def country_of_timezone(tz: str) -> str | None:
    """The country a timezone belongs to, or None (UTC, Etc/GMT+5, an unknown name).

    A backward-compatible alias (Asia/Calcutta, US/Eastern) is the same file as the zone it
    names in tzdata, so it is found by its contents.
    """
    countries = _zone_countries()
    if tz in countries:
        return countries[tz]
    digest = _zone_digest(tz) if tz and ".." not in tz else None
    zone = _zones_by_digest().get(digest) if digest else None
    return countries.get(zone) if zone else None


def parse_calendar(text: str) -> str:
    """A calendar as typed ("us", "US-CA", "uk", "none") in its stored form, or
    UnknownCalendar saying what is wrong."""
    value = text.strip().upper().replace("_", "-")
    if value == NO_HOLIDAYS.upper():
        return NO_HOLIDAYS
    country, _, subdiv = value.partition("-")
    country = _ALIASES.get(country, country)
    known = supported()
    if country not in known:
        raise UnknownCalendar(
            f"I don't know public holidays for {text.strip()[:20]!r}: use a two-letter country "
            "code such as US, GB, IN or AU (a region after a dash: US-CA, AU-NSW), or none."
        )
    if subdiv and subdiv not in known[country]:
        regions = ", ".join(known[country][:12])
        more = ", …" if len(known[country]) > 12 else ""
        raise UnknownCalendar(
            f"{country} has no region {subdiv[:20]!r}: use one of {regions}{more}, "
            f"or {country} alone."
        )
    return f"{country}-{subdiv}" if subdiv else country


def calendar_for(*, tz: str, chosen: str | None = None, workspace: str | None = None) -> str:
    """The calendar a POC follows: its own choice, else its workspace's, else its timezone's
    country (NO_HOLIDAYS when the timezone has none or the library knows no such country)."""
    for value in (chosen, workspace):
        if value:
            return value
    country = country_of_timezone(tz)
    if country is None or country not in supported():
        return NO_HOLIDAYS
    return country


@functools.lru_cache(maxsize=1024)
def holidays_in(calendar: str, years: tuple[int, ...]) -> frozenset[date]:
    """The public holidays (observed days included) of `calendar` in `years`."""
    if calendar == NO_HOLIDAYS or not years:
        return frozenset()
    country, _, subdiv = calendar.partition("-")
    try:
        table = holidays.country_holidays(country, subdiv=subdiv or None, years=years)
    except NotImplementedError:  # stored before the library dropped it: no holidays
        return frozenset()
    return frozenset(table)


def holiday_names(calendar: str, years: Iterable[int]) -> dict[date, str]:
    """Each holiday's name ("Thanksgiving Day"), for saying which days are off."""
    if calendar == NO_HOLIDAYS:
        return {}
    country, _, subdiv = calendar.partition("-")
    try:
        return dict(holidays.country_holidays(country, subdiv=subdiv or None, years=list(years)))
    except NotImplementedError:
        return {}


def years_of(start: date, end: date) -> tuple[int, ...]:
    """The years a POC spans, and the one after its end (an overrun is still counted)."""
    first, last = min(start, end).year, max(start, end).year + 1
    return tuple(range(first, last + 1))


def poc_holidays(calendar: str, start: date, end: date) -> frozenset[date]:
    return holidays_in(calendar, years_of(start, end))


def describe(calendar: str) -> str:
    """How a calendar is said: "United States (US)", "US-CA", "no public holidays"."""
    if calendar == NO_HOLIDAYS:
        return "no public holidays"
    country, _, subdiv = calendar.partition("-")
    name = country_names().get(country)
    if name is None:
        return calendar
    return f"{name} ({calendar})" if not subdiv else f"{name}, {subdiv} ({calendar})"


def warm() -> None:
    """Load the library's tables and the zone table before the first person waits for them."""
    holiday_names(calendar_for(tz="America/New_York"), (2026,))
    country_names()
