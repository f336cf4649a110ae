"""Internal messages the bot posted in channels, and what to do when the prospect can read one.

Nudges are in the sent-log (where each landed: channel_id, message_ts); other internal posts
(the go/no-go verdict, sponsor notes) are recorded in `internal_message` when posted. When a
channel becomes prospect-readable, `to_delete` lists every internal message of ours still
there, and `mark_deleted` records each one deleted, so none is deleted (or looked for) twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import INTERNAL_NUDGES
from storage import models as m
from storage.sentlog import NudgeStatus, block_destination
from storage.sql import insert, table

#: The reason a POC's internal channel is blocked once the prospect can read it.
PROSPECT_READABLE = "prospect_readable"


@dataclass(frozen=True, slots=True)
class Posted:
    poc_id: int
    channel_id: str
    message_ts: str
    what: str


async def record_posted(
    *, session: AsyncSession, team_id: str, posted: Sequence[Posted], now: datetime
) -> None:
    """Internal messages just posted in channels (DMs need no record: nobody else reads them)."""
    rows = [
        {
            "team_id": team_id,
            "poc_id": p.poc_id,
            "channel_id": p.channel_id,
            "message_ts": p.message_ts,
            "what": p.what,
            "posted_at": now,
        }
        for p in posted
    ]
    if rows:
        stmt = insert(session, table(m.InternalMessage)).values(rows)
        await session.exec(stmt.on_conflict_do_nothing())


async def to_delete(
    *, session: AsyncSession, team_id: str, channel_ids: Iterable[str]
) -> list[Posted]:
    """Our internal messages still in these channels: recorded posts not deleted yet, and
    nudges the sent-log says landed there that are internal (every nudge in a POC's internal
    channel; in its deal channel, the internal kinds)."""
    channels = sorted(set(channel_ids))
    if not channels:
        return []
    im, log, poc = table(m.InternalMessage), table(m.NudgeLog), table(m.Poc)
    recorded = await session.exec(
        sa.select(im.c.poc_id, im.c.channel_id, im.c.message_ts, im.c.what, im.c.deleted_at).where(
            im.c.team_id == team_id, im.c.channel_id.in_(channels)
        )
    )
    gone, found = set(), {}
    for poc_id, channel, ts, what, deleted_at in recorded.all():
        if deleted_at is not None:
            gone.add((channel, ts))
        else:
            found[(channel, ts)] = Posted(poc_id, channel, ts, what)
    nudges = await session.exec(
        sa.select(log.c.poc_id, log.c.channel_id, log.c.message_ts)
        .join(poc, poc.c.id == log.c.poc_id)
        .where(
            log.c.team_id == team_id,
            log.c.channel_id.in_(channels),
            log.c.status == NudgeStatus.sent,
            log.c.message_ts.is_not(None),
            sa.or_(
                log.c.kind.in_([k.value for k in INTERNAL_NUDGES]),
                poc.c.channel_id != log.c.channel_id,
            ),
        )
    )
    for poc_id, channel, ts in nudges.all():
        if (channel, ts) not in gone:
            found.setdefault((channel, ts), Posted(poc_id, channel, ts, "nudge"))
    return sorted(found.values(), key=lambda p: (p.channel_id, p.message_ts))


async def mark_deleted(
    *, session: AsyncSession, team_id: str, deleted: Sequence[Posted], now: datetime
) -> None:
    """These messages are gone from their channels (deleted by us, or found gone)."""
    if not deleted:
        return
    rows = [
        {
            "team_id": team_id,
            "poc_id": p.poc_id,
            "channel_id": p.channel_id,
            "message_ts": p.message_ts,
            "what": p.what,
            "posted_at": now,
            "deleted_at": now,
        }
        for p in deleted
    ]
    stmt = insert(session, table(m.InternalMessage)).values(rows)
    await session.exec(
        stmt.on_conflict_do_update(
            index_elements=["team_id", "channel_id", "message_ts"],
            set_={"deleted_at": stmt.excluded.deleted_at},
        )
    )


async def internal_channel_pocs(
    *, session: AsyncSession, team_id: str, channel_ids: Iterable[str]
) -> list[tuple[int, str]]:
    """(POC id, channel) of every POC using one of these channels as its internal channel."""
    poc = table(m.Poc)
    rows = await session.exec(
        sa.select(poc.c.id, poc.c.internal_channel_id).where(
            poc.c.team_id == team_id, poc.c.internal_channel_id.in_(sorted(set(channel_ids)))
        )
    )
    return [(r[0], r[1]) for r in rows.all()]


async def block_readable(
    *, session: AsyncSession, team_id: str, pocs: Sequence[tuple[int, str]], now: datetime
) -> list[int]:
    """Stop posting these POCs' internal alerts in their (now readable) internal channels:
    the SE and AE get them by DM. Returns the POCs blocked just now (their owners are told)."""
    first = []
    for poc_id, channel in pocs:
        if await block_destination(
            session=session,
            team_id=team_id,
            poc_id=poc_id,
            destination=channel,
            error=PROSPECT_READABLE,
            now=now,
        ):
            first.append(poc_id)
    return first


async def blocked_for(*, session: AsyncSession, team_id: str, poc_id: int) -> set[str]:
    """The destinations that take none of this POC's internal content (blocked by a sweep or
    another process: a readable internal channel, a DM that refuses)."""
    blocked = table(m.BlockedDestination)
    rows = await session.exec(
        sa.select(blocked.c.destination).where(
            blocked.c.team_id == team_id, blocked.c.poc_id == poc_id
        )
    )
    return {r[0] for r in rows.all()}
