"""Looking at the database from a test: the SQL a piece of code sends (the guard against N+1
queries), and the rows it left behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import sqlalchemy as sa
from sqlmodel import select

from storage import models as m
from storage.db import Database

#: Transaction control is not a query: SQLite writers send BEGIN IMMEDIATE themselves.
_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK")


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """`with counting(db) as statements:` — every statement sent meanwhile, in order."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if not statement.lstrip().upper().startswith(_CONTROL):
            statements.append(statement)

    sa.event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def sent_rows(
    db: Database, *, team_id: str, poc_id: int | None = None, since: date | None = None
) -> list[m.NudgeLog]:
    """The sent-log's rows as stored, oldest first: what a test looks at afterwards (the app
    itself reads the sent-log through storage.sentlog)."""
    query = select(m.NudgeLog).where(m.NudgeLog.team_id == team_id)
    if poc_id is not None:
        query = query.where(m.NudgeLog.poc_id == poc_id)
    if since is not None:
        query = query.where(m.NudgeLog.local_date >= since)
    async with db.session() as s:
        return list((await s.exec(query.order_by(m.NudgeLog.id))).all())
