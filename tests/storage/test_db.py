"""The database itself on SQLite and PostgreSQL: migrations, URLs, aware timestamps."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from storage import writes
from storage.db import Database, async_url
from storage.migrate import alembic_config, current_revision, upgrade
from tests.storage.pocs import NOW, new_poc


async def test_migration_from_empty_is_idempotent(db: Database) -> None:
    # The fixture already migrated; running again must change nothing and keep the head.
    await upgrade(db)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert await current_revision(db) == head
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    assert {"poc", "criterion", "nudge_log", "verdict_event", "milestone"} <= tables


async def test_naive_timestamps_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"):
        async with db.transaction() as s:
            await writes.create_poc(
                session=s, team_id="T1", new=new_poc(), now=NOW.replace(tzinfo=None)
            )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/d", "postgresql+asyncpg://u:***@h:5432/d"),
        ("postgresql://u@h/d", "postgresql+asyncpg://u@h/d"),
        ("sqlite:///pocbot.db", "sqlite+aiosqlite:///pocbot.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_urls_map_to_async_drivers(given: str, expected: str) -> None:
    assert str(async_url(given)) == expected


def test_unknown_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        async_url("mysql://root@localhost/test")
