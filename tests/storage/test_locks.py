"""Advisory locks come from one registry: distinct keys, scoped per schema, never waiting on
each other. The migration lock and the sweep lock were once the same number."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from storage import locks
from storage.db import Database
from storage.locks import AdvisoryLock, scope_key
from storage.migrate import upgrade
from tests.conftest import PG_SKIP, PG_URL


def test_every_lock_has_a_key_of_its_own() -> None:
    keys = [int(lock) for lock in AdvisoryLock]
    assert len(keys) == len(set(keys))
    # @unique: a second name for a number already taken fails at import, not in production.
    assert len(AdvisoryLock.__members__) == len(AdvisoryLock)
    assert all(-(2**31) <= k < 2**31 for k in keys), "each half of a key is a PostgreSQL int4"


def test_schemas_scope_their_locks_apart() -> None:
    assert scope_key("public") != scope_key("pocbot_staging")
    assert scope_key("public") == scope_key("public")
    assert all(-(2**31) <= scope_key(s) < 2**31 for s in ("", "public", "x" * 63))


@pytest.fixture
async def two_schemas() -> AsyncIterator[tuple[Database, Database, Database]]:
    """Two sessions on one schema and one on another, all migrated."""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    names = [f"pocbot_lock_{os.getpid()}_{uuid.uuid4().hex[:6]}_{n}" for n in "ab"]
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        for name in names:
            await conn.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    dbs = (Database(PG_URL, schema=names[0]), Database(PG_URL, schema=names[0]))
    other = Database(PG_URL, schema=names[1])
    try:
        await upgrade(dbs[0])
        await upgrade(other)
        yield dbs[0], dbs[1], other
    finally:
        for db in (*dbs, other):
            await db.dispose()
        async with admin.engine.begin() as conn:
            for name in names:
                await conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        await admin.dispose()


async def test_a_held_sweep_lock_does_not_hold_up_migrations(
    two_schemas: tuple[Database, Database, Database],
) -> None:
    clock, release, _ = two_schemas
    async with clock.engine.connect() as held:
        assert await locks.try_lock(held, AdvisoryLock.sweep)
        await held.commit()
        # The bug: migrate waited for ever on the clock's lock. Now it runs at once.
        await asyncio.wait_for(upgrade(release), 10)
        async with release.engine.connect() as conn:
            assert len(await locks.holders(conn, AdvisoryLock.sweep)) == 1
            assert not await locks.try_lock(conn, AdvisoryLock.sweep)  # still the clock's
            await conn.commit()
        await locks.unlock(held, AdvisoryLock.sweep)


async def test_another_schema_has_a_sweep_lock_of_its_own(
    two_schemas: tuple[Database, Database, Database],
) -> None:
    here, _, elsewhere = two_schemas
    async with here.engine.connect() as a, elsewhere.engine.connect() as b:
        assert await locks.try_lock(a, AdvisoryLock.sweep)
        assert await locks.try_lock(b, AdvisoryLock.sweep)  # a second deployment, not a rival
        await locks.unlock(a, AdvisoryLock.sweep)
        await locks.unlock(b, AdvisoryLock.sweep)
