"""Natural-language dates for the modals: English only, the user's timezone, fast failure."""

from __future__ import annotations

from datetime import date, datetime


class DateError(ValueError):
    """A message the modal can show under the field as it is."""


def parse_date(text: str, *, now: datetime, tz: str) -> date:
    raise NotImplementedError


def warm() -> None:
    """Load dateparser's English data once at start-up, not on the first user's request."""
    raise NotImplementedError
