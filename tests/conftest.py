"""Shared fixtures: a migrated database on SQLite and on PostgreSQL for every storage test.

PostgreSQL runs when TEST_DATABASE_URL is set (CI sets it); each pytest run migrates a schema
of its own there, so runs side by side never see each other's rows. If the variable is set
and the server does not answer, the tests fail rather than skip.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from storage.db import Database
from storage.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL")
PG_SKIP = "TEST_DATABASE_URL is not set: PostgreSQL runs skipped (.ci/run sets it)"


def pytest_report_header() -> str:
    return f"PostgreSQL: {PG_URL}" if PG_URL else f"PostgreSQL: off — {PG_SKIP}"


async def _migrate(url: str, schema: str | None = None) -> None:
    db = Database(url, schema=schema)
    try:
        await upgrade(db)
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    asyncio.run(_migrate(f"sqlite:///{path}"))
    return path


async def _pg_admin(sql: str) -> None:
    assert PG_URL
    db = Database(PG_URL)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(sa.text(sql))
    finally:
        await db.dispose()


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schema = f"pocbot_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    asyncio.run(_pg_admin(f'CREATE SCHEMA "{schema}"'))
    try:
        asyncio.run(_migrate(PG_URL, schema))
        yield schema
    finally:
        asyncio.run(_pg_admin(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str | None]:
    """(url, schema) of a migrated, empty database of each kind."""
    if request.param == "sqlite":
        path = tmp_path / "pocbot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}", None
    schema = request.getfixturevalue("pg_schema")
    assert PG_URL
    return PG_URL, schema


@pytest.fixture
async def db(db_url: tuple[str, str | None]) -> AsyncIterator[Database]:
    url, schema = db_url
    database = Database(url, schema=schema)
    if schema:
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        async with database.engine.begin() as conn:
            await conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield database
    await database.dispose()
