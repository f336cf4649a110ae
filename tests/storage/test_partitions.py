"""The clocks' work table: teams hashed to partitions, claimed with SKIP LOCKED on PostgreSQL,
freed by a connection's end, swept once per tick."""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import partitions
from storage.db import Database, is_postgres

TICK = datetime(2026, 10, 21, 13, 0, tzinfo=UTC)
NEXT = TICK + timedelta(minutes=15)


def test_a_team_is_in_the_same_partition_in_every_process() -> None:
    # CRC-32, not Python's per-process salted hash(): a known value, every time.
    assert partitions.partition_of("T0POCBOT") == zlib.crc32(b"T0POCBOT") % 16 == 2
    assert partitions.partition_of("T0POCBOT", 4) == zlib.crc32(b"T0POCBOT") % 4


def test_five_thousand_teams_spread_over_every_partition() -> None:
    teams = [f"T{n:08d}" for n in range(5000)]
    shares = partitions.split(reversed(teams))
    assert sorted(shares) == list(range(partitions.PARTITIONS))
    assert sorted(t for share in shares.values() for t in share) == teams  # each team once
    assert all(share == sorted(share) for share in shares.values())
    sizes = Counter({p: len(share) for p, share in shares.items()})
    mean = 5000 / partitions.PARTITIONS
    assert all(0.8 * mean < n < 1.2 * mean for n in sizes.values()), sizes


@pytest.fixture
async def second(db_url: tuple[str, str | None], db: Database) -> AsyncIterator[Database]:
    """Another process's engine on the same database (a second clock)."""
    url, schema = db_url
    other = Database(url, schema=schema)
    yield other
    await other.dispose()


async def _claims(conn: AsyncConnection, tick: datetime) -> partitions.Claimed | None:
    return await partitions.claim(conn, tick)


async def test_a_held_partition_is_skipped_then_freed_by_its_connections_end(
    db: Database, second: Database
) -> None:
    if not is_postgres(db.engine):
        pytest.skip("SQLite runs one clock: nothing to skip, nobody to share with")
    async with db.engine.connect() as setup:
        await partitions.ensure(setup)
    one = await db.engine.connect()
    async with second.engine.connect() as two:
        held = await _claims(one, TICK)
        assert held == partitions.Claimed(0, None)
        got = await _claims(two, TICK)
        assert got is not None and got.partition == 1  # SKIP LOCKED: the next one, no wait
        await partitions.swept(two, 1, TICK, by="two", at=TICK)
        # The first clock dies mid-sweep: its connection ends, and with it the lock.
        await one.invalidate()
        await one.close()
        again = await _claims(two, TICK)
        assert again is not None and again.partition == 0
        await partitions.swept(two, 0, TICK, by="two", at=TICK, reconciled=True)
        assert await partitions.unswept(two, TICK) == partitions.PARTITIONS - 2
        assert await partitions.sweepers(two, TICK) == {"two": [0, 1]}


async def test_a_partition_is_swept_once_per_tick(db: Database, second: Database) -> None:
    """On either database: swept for a tick, it is not claimed again until the next."""
    async with db.engine.connect() as conn:
        await partitions.ensure(conn, 2)
        await partitions.ensure(conn, 2)  # twice: nothing more
        for p in (0, 1):
            got = await _claims(conn, TICK)
            assert got is not None and got.partition == p
            await partitions.swept(conn, p, TICK, by="one", at=TICK, reconciled=p == 0)
        assert await _claims(conn, TICK) is None
        assert await partitions.unswept(conn, TICK) == 0
        later = await _claims(conn, NEXT)
        assert later == partitions.Claimed(0, TICK)  # when its daily pass was last started
        await conn.rollback()
        assert await partitions.sweepers(conn, TICK) == {"one": [0, 1]}
