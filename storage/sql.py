"""The two SQL helpers every storage module shares."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession


def insert(session: AsyncSession, into: sa.Table) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLAlchemy's upserts)."""
    name = session.bind.dialect.name if session.bind is not None else "sqlite"
    return (postgresql.insert if name == "postgresql" else sqlite.insert)(into)


@cache
def insert_returning_id(into: sa.Table) -> Any:
    """INSERT … RETURNING id, built once per table and run with the values as parameters.

    A statement built per call (`insert(t).values(...)`) costs its cache key every time:
    ~0.3 ms of CPU per statement, a quarter of a write before a submission's ack.
    """
    return sa.insert(into).returning(into.c.id)


@cache
def insert_for(dialect: str, into: sa.Table) -> Any:
    """The dialect's INSERT (ON CONFLICT), built once per table: run it with parameters."""
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(into)


def dialect_of(session: AsyncSession) -> str:
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def table(model: type[Any]) -> sa.Table:
    """A SQLModel class's Core table, for statements that need no ORM objects."""
    return model.__table__  # type: ignore[no-any-return]


async def add(session: AsyncSession, row: Any) -> int:
    """Insert one new row now (inside the caller's transaction), set its id and return it.

    One prepared Core INSERT … RETURNING with the row's columns as built (defaults filled
    in) for parameters, not `session.add` and a flush: measured 0.28 ms of CPU where the
    ORM's unit of work took 0.5 (and an `insert().values(…)` built anew, 0.6-0.7), and
    criteria and scope changes are written before a submission's ack. The row is not kept
    in the session; nothing reads it back through the session.
    """
    t = table(type(row))
    values = {c.name: getattr(row, c.name) for c in t.columns}
    if values.get("id") is None:
        values.pop("id", None)
    row_id = await session.scalar(insert_returning_id(t), values)
    assert row_id is not None
    row.id = int(row_id)
    return row.id


async def update_row(
    session: AsyncSession, model: type[Any], *, team_id: str, row_id: int, **values: Any
) -> None:
    """Set columns of this team's row with this id (nothing for another team's id)."""
    t = table(model)
    await session.exec(
        sa.update(t).where(t.c.team_id == team_id, t.c.id == row_id).values(**values)
    )
