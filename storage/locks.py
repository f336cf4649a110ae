"""Every PostgreSQL advisory lock pocbot takes, from one registry, so no two can collide.

The migration lock and the clock's sweep lock (retired since) were once the same number: while a
clock ran, `migrate` and every `serve` waited for ever. Each lock is now a member of `AdvisoryLock`,
`@unique` refuses a duplicate at import time, and a test checks the numbers.

A key is two 32-bit halves, `pg_advisory_lock(lock, scope)`:

- `lock`, the purpose: "poc" in ASCII and a serial byte, so `pg_locks.classid` reads
  0x706F6301 (migration) or 0x706F6302 (sweep) — recognisable by an operator;
- `scope`, the CRC-32 of the current schema (`pg_locks.objid`): advisory locks are per
  database, and two deployments in two schemas of one database (test runs side by side, a
  staging and a demo) must not wait on each other. Their tables are apart, so are their locks.

The two-key form also keeps our locks apart from any other application's one-key locks.
"""

from __future__ import annotations

import zlib
from enum import IntEnum, unique

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


@unique
class AdvisoryLock(IntEnum):
    #: held for the length of a migration's transaction; other migrators wait, then no-op
    migration = 0x706F6301
    #: retired: held by the one sweeping clock before clocks shared the teams (sweep_partition,
    #: storage/partitions.py). Kept so the number is never given to another purpose: a clock
    #: of an older release, during a rolling deploy, still takes it.
    sweep = 0x706F6302


def scope_key(schema: str) -> int:
    """The schema's half of the key: CRC-32 as a signed int4 (what PostgreSQL takes)."""
    crc = zlib.crc32(schema.encode())
    return crc - (1 << 32) if crc >= 1 << 31 else crc


async def _key(conn: AsyncConnection, lock: AdvisoryLock) -> dict[str, int]:
    schema = await conn.scalar(sa.text("SELECT current_schema()"))
    return {"lock": int(lock), "scope": scope_key(schema or "")}


async def try_lock(conn: AsyncConnection, lock: AdvisoryLock) -> bool:
    """Take a session-level lock if it is free; never waits."""
    key = await _key(conn, lock)
    return bool(await conn.scalar(sa.text("SELECT pg_try_advisory_lock(:lock, :scope)"), key))


async def unlock(conn: AsyncConnection, lock: AdvisoryLock) -> None:
    key = await _key(conn, lock)
    await conn.execute(sa.text("SELECT pg_advisory_unlock(:lock, :scope)"), key)


async def lock_for_transaction(conn: AsyncConnection, lock: AdvisoryLock) -> None:
    """Wait for a lock that ends with the transaction (bounded by statement_timeout)."""
    key = await _key(conn, lock)
    await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:lock, :scope)"), key)


async def holders(conn: AsyncConnection, lock: AdvisoryLock) -> list[int]:
    """Backend pids holding `lock` in this schema: for operators and tests."""
    key = await _key(conn, lock)
    rows = await conn.execute(
        sa.text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint = :lock AND objid::bigint = (:scope)::bigint & 4294967295"
            " AND objsubid = 2"
        ),
        key,
    )
    return [r[0] for r in rows]
