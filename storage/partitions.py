"""The clocks' work table: the teams split into `PARTITIONS` shares, claimed tick by tick.

Every team belongs to one partition (`partition_of`, a stable hash of its id). At each tick a
clock claims a partition not yet swept for that tick with `SELECT … FOR UPDATE SKIP LOCKED`
on a connection of its own, sweeps that partition's teams, records the tick in the row and
commits, which lets go of the row. Another clock skips a row that is held and takes the next.

The row lock is what makes a crashed clock's share someone else's: it ends with the
transaction, and the transaction ends with the connection, so a clock killed mid-sweep leaves
its partition unswept *and* free, and the next clock to ask takes it. No lease to expire, no
clock to agree on. (A clock that is merely slow keeps its partition; one cut off from the
database loses it, and then both may sweep it — the sent-log's unique claims still post each
nudge once.)

The clocks use it on PostgreSQL only: SQLite runs one clock, which sweeps every team without
this table (the queries work on SQLite all the same, without the locks).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import Field, SQLModel

from storage.columns import string as _str
from storage.columns import timestamp as _ts

#: Shares of the teams. More than any deployment runs clocks, so the work spreads evenly and
#: a crashed clock's share goes to several others; few enough that a tick's claims (one short
#: transaction each, ~1 ms) cost nothing next to a sweep.
PARTITIONS = 16


class SweepPartition(SQLModel, table=True):
    """One share of the teams and the last tick a clock swept it for. No team id: the row is
    the deployment's, not a workspace's."""

    __tablename__ = "sweep_partition"

    partition: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    #: the tick (its scheduled instant) this partition was last swept for
    swept_tick: datetime | None = _ts()
    #: the clock that swept it ("host:pid"), and when it finished: for operators and tests
    swept_by: str | None = _str(64, default=None, nullable=True)
    swept_at: datetime | None = _ts()
    #: when its teams' daily pass over votes (scheduler/reconcile.py) was last started
    reconciled_at: datetime | None = _ts()


_table = SweepPartition.__table__  # type: ignore[attr-defined]


def partition_of(team_id: str, partitions: int = PARTITIONS) -> int:
    """The partition a team is swept in: CRC-32, the same in every process and release
    (Python's own hash() is salted per process)."""
    return zlib.crc32(team_id.encode()) % partitions


def split(teams: Iterable[str], partitions: int = PARTITIONS) -> dict[int, list[str]]:
    """Teams by partition, each list sorted; partitions without a team are left out."""
    shares: dict[int, list[str]] = {}
    for team_id in sorted(set(teams)):
        shares.setdefault(partition_of(team_id, partitions), []).append(team_id)
    return shares


@dataclass(frozen=True)
class Claimed:
    partition: int
    reconciled_at: datetime | None


async def ensure(conn: AsyncConnection, partitions: int = PARTITIONS) -> None:
    """Every partition has its row (a fresh database, or more partitions than before)."""
    rows = [{"partition": p} for p in range(partitions)]
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    await conn.execute(insert(_table).values(rows).on_conflict_do_nothing())
    await conn.commit()


async def claim(conn: AsyncConnection, tick: datetime) -> Claimed | None:
    """The first partition not swept for `tick` that no other clock holds, locked in a
    transaction left open on `conn` until `swept` (or the connection's end)."""
    row = (
        await conn.execute(
            sa.select(_table.c.partition, _table.c.reconciled_at)
            .where(sa.or_(_table.c.swept_tick.is_(None), _table.c.swept_tick < tick))
            .order_by(_table.c.partition)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
    ).first()
    if row is None:
        await conn.rollback()
        return None
    return Claimed(row.partition, row.reconciled_at)


async def swept(
    conn: AsyncConnection,
    partition: int,
    tick: datetime,
    *,
    by: str,
    at: datetime,
    reconciled: bool = False,
) -> None:
    """Record `tick` as swept for the claimed `partition` and let go of it."""
    values: dict[str, object] = {"swept_tick": tick, "swept_by": by, "swept_at": at}
    if reconciled:
        values["reconciled_at"] = at
    await conn.execute(sa.update(_table).where(_table.c.partition == partition).values(values))
    await conn.commit()


async def unswept(conn: AsyncConnection, tick: datetime) -> int:
    """Partitions not yet swept for `tick`, held by a clock or not (no lock taken)."""
    count = await conn.scalar(
        sa.select(sa.func.count())
        .select_from(_table)
        .where(sa.or_(_table.c.swept_tick.is_(None), _table.c.swept_tick < tick))
    )
    await conn.rollback()
    return int(count or 0)


async def sweepers(conn: AsyncConnection, tick: datetime) -> dict[str, list[int]]:
    """Who swept which partitions for `tick`: the split, for operators and tests."""
    rows = await conn.execute(
        sa.select(_table.c.swept_by, _table.c.partition)
        .where(_table.c.swept_tick == tick)
        .order_by(_table.c.partition)
    )
    shares: dict[str, list[int]] = {}
    for by, partition in rows:
        shares.setdefault(by or "", []).append(partition)
    await conn.rollback()
    return shares
