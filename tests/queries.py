"""Counting the SQL a piece of code sends: the guard against N+1 queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

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
