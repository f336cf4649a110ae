"""The column types every table uses: aware UTC timestamps and strings both databases take.

SQLite drops a timestamp's offset and takes any string; PostgreSQL refuses a NUL byte and a
string longer than its varchar. These types make both behave the same, at the storage edge.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out — SQLite drops the offset, so we put it back."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC timestamps only")
        value = value.astimezone(UTC)
        # SQLite has no timezone storage; keep the text sortable and offset-free.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: What a clipped text ends with, so a reader sees it was cut (as bot.views.text.clip does).
ELLIPSIS = "…"


def clean(value: str, limit: int) -> str:
    """`value` as both databases and Slack take it: no NUL, no lone surrogate, `limit` long.

    PostgreSQL refuses a NUL byte in text and a string longer than varchar(n) where SQLite
    takes both, so a submission that works on one failed on the other, and failed again on
    every retry. Slack's modals stop over-long input at the source (max_length), but a
    payload is whatever a client sends; the storage edge is the one place nobody can skip.
    """
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:  # a lone surrogate from JSON's "\ud800": not UTF-8
            value = value.encode(errors="replace").decode()
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


class CleanString(TypeDecorator[str]):
    """VARCHAR(limit) that strips NUL and clips to its length instead of failing."""

    impl = sa.String
    cache_ok = True

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else clean(value, self.limit)


class CleanText(TypeDecorator[str]):
    """TEXT clipped to `limit`, what the form that fills it allows (and Slack can show)."""

    impl = sa.Text
    cache_ok = True

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else clean(value, self.limit)


def timestamp(nullable: bool = True, **kw: object) -> object:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, **kw)  # type: ignore[arg-type]


def string(length: int, **kw: object) -> object:
    return Field(sa_type=CleanString(length), **kw)  # type: ignore[arg-type]


def text(limit: int, **kw: object) -> object:
    return Field(sa_type=CleanText(limit), **kw)  # type: ignore[arg-type]


def poc_fk() -> object:
    return Field(foreign_key="poc.id", ondelete="CASCADE", index=True)
