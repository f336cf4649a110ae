"""The two SQL helpers every storage module shares."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert(session: AsyncSession, into: sa.Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLAlchemy's upserts)."""
    name = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(into)


def table(model: type[Any]) -> sa.Table:
    """A SQLModel class's Core table, for statements that need no ORM objects."""
    return model.__table__  # type: ignore[no-any-return]
