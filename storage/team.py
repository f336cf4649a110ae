"""The team's POCs for its managers (App Home's Team view, the Monday digest), and the Monday
digest's claims.

`team_pocs` reads every POC of the team not over yet and those closed since a date, as whole
snapshots, in a fixed number of queries: one for their ids, then `load_pocs`' own.

A Monday digest is claimed in `handled_request` (storage/replays.py) under the key
`manager_digest:<user>:<monday>` before it is posted, so two clocks or a restart send it
once. Those keys are kept a day (replays.HANDLED_KEEP) from the claim: by then it is no
longer that Monday where the manager is, and the digest is not due again anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import domain
from bot.domain import CLOSED_STATUSES, OPEN_STATUSES
from storage import models as m
from storage.replays import claim_request
from storage.snapshots import load_pocs
from storage.sql import table


async def team_pocs(
    *, session: AsyncSession, team_id: str, closed_since: datetime
) -> list[domain.Poc]:
    """The team's POCs not over yet, and those closed at `closed_since` or later."""
    poc = table(m.Poc)
    ids = await session.exec(
        sa.select(poc.c.id).where(
            poc.c.team_id == team_id,
            sa.or_(
                poc.c.status.in_(list(OPEN_STATUSES)),
                sa.and_(poc.c.status.in_(list(CLOSED_STATUSES)), poc.c.closed_at >= closed_since),
            ),
        )
    )
    found = [r[0] for r in ids.all()]
    if not found:
        return []
    return await load_pocs(session=session, team_id=team_id, poc_ids=found, statuses=None)


def digest_key(user_id: str, monday: date) -> str:
    return f"manager_digest:{user_id}:{monday.isoformat()}"


async def digests_claimed(*, session: AsyncSession, team_id: str, keys: Iterable[str]) -> set[str]:
    """Which of these digest keys a sweep has claimed already: one query."""
    h = table(m.HandledRequest)
    wanted = list(keys)
    if not wanted:
        return set()
    rows = await session.exec(sa.select(h.c.key).where(h.c.team_id == team_id, h.c.key.in_(wanted)))
    return {r[0] for r in rows.all()}


async def claim_digest(*, session: AsyncSession, team_id: str, key: str, now: datetime) -> bool:
    """Take this manager's digest for this Monday; False when another sweep has it."""
    return await claim_request(session=session, team_id=team_id, key=key, now=now)


async def release_digest(*, session: AsyncSession, team_id: str, key: str) -> None:
    """Give a claim back after its post failed: the next sweep of the Monday tries again."""
    h = table(m.HandledRequest)
    await session.exec(sa.delete(h).where(h.c.team_id == team_id, h.c.key == key))
