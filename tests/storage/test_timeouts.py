"""PostgreSQL is bounded: connecting, each statement, and a statement through a partition."""

from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy as sa

from bot.config import load_settings
from bot.startup import database
from storage.db import CLIENT_GRACE_S, Database
from tests.conftest import PG_SKIP, PG_URL
from tests.netfault import FaultyLink

pytestmark = [pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason=PG_SKIP)]


async def test_the_settings_reach_the_server() -> None:
    assert PG_URL
    db = database(load_settings(database_url=PG_URL, database_statement_timeout=7.5))
    try:
        async with db.engine.connect() as conn:
            assert await conn.scalar(sa.text("SHOW statement_timeout")) == "7500ms"
    finally:
        await db.dispose()


async def test_no_statement_timeout_when_set_to_zero() -> None:
    assert PG_URL
    db = database(load_settings(database_url=PG_URL, database_statement_timeout=0))
    try:
        async with db.engine.connect() as conn:
            assert await conn.scalar(sa.text("SHOW statement_timeout")) == "0"
    finally:
        await db.dispose()


async def test_the_server_cancels_a_statement_that_runs_too_long() -> None:
    assert PG_URL
    db = Database(PG_URL, statement_timeout=0.5)
    try:
        started = time.monotonic()
        async with db.engine.connect() as conn:
            with pytest.raises(sa.exc.DBAPIError, match="statement timeout"):
                await conn.execute(sa.text("SELECT pg_sleep(5)"))
        assert time.monotonic() - started < 3
    finally:
        await db.dispose()


async def test_a_statement_through_a_partition_gives_up_after_the_timeout_and_grace() -> None:
    assert PG_URL
    async with FaultyLink() as link:
        db = Database(link.url(PG_URL), statement_timeout=1.0, pool_pre_ping=False)
        try:
            async with db.engine.connect() as conn:
                assert await conn.scalar(sa.text("SELECT 1")) == 1
                link.partition()  # the server's cancel cannot reach us: the client gives up
                started = time.monotonic()
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(conn.execute(sa.text("SELECT 1")), 30)
                waited = time.monotonic() - started
                # statement_timeout + the client's grace, then SQLAlchemy drops the connection
                # (asyncpg allows a closing connection 2 s); the rest is a busy machine's margin
                assert 1.0 + CLIENT_GRACE_S <= waited < 1.0 + CLIENT_GRACE_S + 2 + 3
        finally:
            link.heal()
            await db.dispose()


async def test_connecting_to_a_server_that_never_answers_gives_up() -> None:
    assert PG_URL
    async with FaultyLink() as link:
        link.partition()
        db = Database(link.url(PG_URL), connect_timeout=1.0)
        started = time.monotonic()
        try:
            with pytest.raises(TimeoutError):
                async with db.engine.connect():
                    pass
            assert time.monotonic() - started < 3
        finally:
            await db.dispose()
