"""Requests already handled: a replay of the same signed request (Slack's retry, a second
click that raced the first) finds its key and changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import models as m
from storage.sql import dialect_of, insert_for, table

#: Slack accepts a signed request for five minutes; a day of keys is plenty to refuse replays.
HANDLED_KEEP = timedelta(days=1)


async def claim_request(*, session: AsyncSession, team_id: str, key: str, now: datetime) -> bool:
    """Record that this request changed something; False when it already did (a replay).

    Call it in the transaction that writes: the key and the write commit together, and a
    second copy waits on the unique key (PostgreSQL) or the writer lock (SQLite), then loses.
    """
    result = await session.exec(
        _claim(dialect_of(session)), params={"team_id": team_id, "key": key[:160], "at": now}
    )
    return bool(result.rowcount)


@cache
def _claim(dialect: str) -> Any:
    """Built once: it runs before every write's ack (bound by parameters, not values)."""
    into = insert_for(dialect, table(m.HandledRequest))
    return into.on_conflict_do_nothing(index_elements=["team_id", "key"])


async def forget_handled(*, session: AsyncSession, before: datetime) -> int:
    """Drop keys too old for Slack to replay (their signatures have long expired)."""
    h = table(m.HandledRequest)
    result = await session.exec(sa.delete(h).where(h.c.at < before))
    return int(result.rowcount or 0)
