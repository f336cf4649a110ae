"""A clock's share of a tick, when several clocks run on one PostgreSQL database.

At each tick every clock calls `take_share`: it claims partitions not yet swept for the tick
(storage/partitions.py), one at a time, and hands each to `work` (the clock sweeps the
partition's teams), then records it swept. A clock that finds nothing left to claim but a
partition still unswept — another clock holds it — asks again every `POLL_S` until the tick
is done or the next one is near: if the holder dies, its row lock dies with its connection,
and this clock takes the partition within seconds rather than at the next tick.

A partition whose `work` fails is recorded swept all the same: the next tick tries again, as
a failed sweep always did. Marking it unswept would hand it straight to another clock's poll,
which would fail the same way, over and over within the tick.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from storage import partitions as store
from storage.db import Database

log = logging.getLogger(__name__)

#: Seconds between asks for a partition another clock holds. A dead clock's partition is
#: taken this long after its connection drops, at worst; each ask is one indexed count.
POLL_S = 2.0

#: What a clock does with a claimed partition; returns True when it started the partition's
#: daily pass over votes (recorded in the row, so no other clock starts it again today).
Work = Callable[[store.Claimed], Awaitable[bool]]


def clock_name() -> str:
    """How a clock signs the rows it sweeps: host and pid, what an operator can find."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


@dataclass
class Share:
    """What one clock did at one tick."""

    tick: datetime
    partitions: list[int] = field(default_factory=list)
    #: asks made while another clock held a partition this one could take over
    polls: int = 0
    #: partitions left unswept when this clock stopped asking (the next tick takes them)
    left: int = 0

    def summary(self, by: str) -> str:
        taken = ", ".join(map(str, self.partitions)) or "none"
        waited = f"; asked {self.polls} times for partitions held by other clocks" * bool(
            self.polls
        )
        left = f"; {self.left} left to the next tick" * bool(self.left)
        return f"clock {by} swept partitions [{taken}] for tick {self.tick.isoformat()}" + (
            waited + left
        )


async def take_share(
    db: Database,
    tick: datetime,
    *,
    work: Work,
    now: Callable[[], datetime],
    until: datetime,
    by: str,
    poll: float = POLL_S,
    partitions: int = store.PARTITIONS,
) -> Share:
    """Sweep partitions for `tick` until none is left, or `until` (the next tick) is near."""
    share = Share(tick)
    conn = await db.engine.connect()
    try:
        await store.ensure(conn, partitions)
        while True:
            claimed = await store.claim(conn, tick)
            if claimed is not None:
                log.info("clock %s took partition %d for tick %s", by, claimed.partition, tick)
                await _sweep_one(conn, claimed, tick, work=work, now=now, by=by)
                share.partitions.append(claimed.partition)
                continue
            left = await store.unswept(conn, tick)
            if not left or now().timestamp() + poll >= until.timestamp():
                share.left = left
                break
            if not share.polls:
                log.info("clock %s waits for %d partitions other clocks hold", by, left)
            share.polls += 1
            await asyncio.sleep(poll)
    except BaseException:
        # Cut short (a stop, a database gone): end the session without a word to a server
        # that may not answer. Its transaction ends with it, and the row is free again.
        with suppress(Exception):
            await conn.invalidate()
        raise
    await conn.close()
    log.info(share.summary(by))
    return share


async def _sweep_one(
    conn: AsyncConnection,
    claimed: store.Claimed,
    tick: datetime,
    *,
    work: Work,
    now: Callable[[], datetime],
    by: str,
) -> None:
    reconciled = False
    try:
        reconciled = await work(claimed)
    except Exception:
        log.exception("sweeping partition %d failed; the next tick tries again", claimed.partition)
    await store.swept(conn, claimed.partition, tick, by=by, at=now(), reconciled=reconciled)
