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


async def add(session: AsyncSession, row: Any) -> int:
    """Insert one new row now (inside the caller's transaction) and return its id."""
    session.add(row)
    await session.flush()
    assert row.id is not None
    return int(row.id)


async def update_row(
    session: AsyncSession, model: type[Any], *, team_id: str, row_id: int, **values: Any
) -> None:
    """Set columns of this team's row with this id (nothing for another team's id)."""
    t = table(model)
    await session.exec(
        sa.update(t).where(t.c.team_id == team_id, t.c.id == row_id).values(**values)
    )
