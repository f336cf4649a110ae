"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL:
a column added to a model without its revision (or the other way round) fails here."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import Database
from storage.migrate import alembic_config, current_revision, upgrade
from tests.conftest import PG_SKIP, PG_URL


async def test_the_migrated_schema_is_the_models(db: Database) -> None:
    def differences(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))

    async with db.engine.connect() as conn:
        assert await conn.run_sync(differences) == []


# ---------------------------------------------------------------- down and up again

TEMPLATE_TABLES = {
    "poc_template",
    "poc_template_use_case",
    "poc_template_criterion",
    "poc_from_template",
}


@pytest.fixture(params=["sqlite", "postgres"])
async def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A database of its own, migrated to head (a PostgreSQL schema created and dropped here,
    so going down never touches the schema other tests share)."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'updown.db'}")
        await upgrade(db)
        yield db
        await db.dispose()
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schema = f"pocbot_updown_{uuid.uuid4().hex[:8]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, schema=schema)
    try:
        await upgrade(db)
        yield db
    finally:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def downgrade(db: Database, revision: str) -> None:
    def run(conn: Any) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)


async def tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))


async def test_templates_migrate_down_to_0006_and_up_again(fresh: Database) -> None:
    """0007 (POC templates) goes down to 0006 without a trace and comes back whole."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert await current_revision(fresh) == head
    assert await tables(fresh) >= TEMPLATE_TABLES

    await downgrade(fresh, "0006")
    assert await current_revision(fresh) == "0006"
    assert not TEMPLATE_TABLES & await tables(fresh)
    assert "poc" in await tables(fresh)

    await upgrade(fresh)
    assert await current_revision(fresh) == head
    assert await tables(fresh) >= TEMPLATE_TABLES
    await test_the_migrated_schema_is_the_models(fresh)
