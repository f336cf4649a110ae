"""The nudge sent-log: one row per nudge, local date and destination, claimed before it is
posted, so that two clocks or a restart never post a nudge twice; and the destinations that
refuse a POC's nudges (`blocked_destinations`), so a sweep stops trying until a person fixes
them.

The sweep reads it in bulk (`sent_log`, `blocked_destinations`), claims in bulk
(`claim_nudges`), and delivery records how each attempt ended (`finish_nudges`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import LIVE_STATUSES
from storage import models as m
from storage.sql import insert, table


class NudgeStatus:
    """Where a sent-log row stands."""

    claimed = "claimed"
    sent = "sent"
    failed = "failed"  # may be claimed again by a later sweep, after a look at history
    blocked = "blocked"  # the destination cannot take it; never retried


#: The sent-log's unique key: one row per nudge, local date and destination.
SENT_LOG_KEY = ("poc_id", "key", "local_date", "destination")


#: A claim older than this that never became sent or failed belongs to a process that died
#: mid-post: it may be taken again (delivery checks the destination's history before re-posting).
STALE_CLAIM = timedelta(minutes=10)


#: Slack may answer a post with a timeout or a 5xx and still show the message up to this late.
#: A failed row is retried only after it, so the look at history before the retry sees it.
LATE_LANDING = timedelta(seconds=30)


#: Rows per INSERT: 12 columns each, within asyncpg's and SQLite's 32,766 bound parameters.
CLAIM_CHUNK = 2500


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    poc_id: int
    key: str
    local_date: date
    attempts: int
    destination: str = ""


@dataclass(frozen=True, slots=True)
class LogRow:
    """One sent-log row as the sweep sees it."""

    id: int
    poc_id: int
    key: str
    local_date: date
    destination: str
    status: str
    claimed_at: datetime
    attempted_at: datetime | None
    condition: str = ""
    in_thread: bool = False
    team_id: str = ""


@dataclass(frozen=True, slots=True)
class NewClaim:
    team_id: str
    poc_id: int
    key: str
    kind: str
    local_date: date
    destination: str
    condition: str = ""
    in_thread: bool = False


def retakeable(row: LogRow, now: datetime) -> bool:
    """May a sweep at `now` take this row and try it again?

    A failed post once a late landing would show in history; a claim whose sweep died.
    """
    if row.status == NudgeStatus.failed:
        return row.attempted_at is None or row.attempted_at <= now - LATE_LANDING
    return row.status == NudgeStatus.claimed and row.claimed_at < now - STALE_CLAIM


async def sent_log(*, session: AsyncSession, team_ids: Sequence[str], since: date) -> list[LogRow]:
    """These teams' sent-log from `since` on, in one query served by ix_nudge_log_team_date."""
    log = table(m.NudgeLog)
    rows = await session.exec(
        sa.select(
            log.c.id,
            log.c.poc_id,
            log.c.key,
            log.c.local_date,
            log.c.destination,
            log.c.status,
            log.c.claimed_at,
            log.c.attempted_at,
            log.c.condition,
            log.c.in_thread,
            log.c.team_id,
        ).where(log.c.team_id.in_(list(team_ids)), log.c.local_date >= since)
    )
    return [LogRow(*row) for row in rows.all()]


async def claim_nudges(
    *,
    session: AsyncSession,
    wanted: Sequence[NewClaim],
    retake: Sequence[int],
    now: datetime,
) -> list[Claim]:
    """Claim many nudges at once, one row per destination.

    New keys are inserted (a conflict means another sweep has it); rows in `retake` are taken
    back if they are still retakeable (`retakeable`, said again in SQL so two sweeps cannot
    both take one). A constant number of statements, whatever the count.
    """
    claims: list[Claim] = []
    if wanted:
        claims += await _insert_claims(session, wanted, now)
    if retake:
        claims += await _retake_claims(session, retake, now)
    return claims


def _claim_columns() -> tuple[Any, ...]:
    """What a claim returns, in `Claim`'s order."""
    log = table(m.NudgeLog)
    return (log.c.id, log.c.poc_id, log.c.key, log.c.local_date, log.c.attempts, log.c.destination)


async def _insert_claims(
    session: AsyncSession, wanted: Sequence[NewClaim], now: datetime
) -> list[Claim]:
    # An executemany: SQLAlchemy's "insertmanyvalues" sends it in batches of multi-row
    # INSERTs within the driver's parameter limit, compiled once. (A hand-built VALUES
    # list of 3,000 rows was compiled afresh each time: 15,000 claims took 3.6 s.)
    inserted = await session.exec(
        insert(session, table(m.NudgeLog))
        .on_conflict_do_nothing(index_elements=list(SENT_LOG_KEY))
        .returning(*_claim_columns())
        .execution_options(insertmanyvalues_page_size=CLAIM_CHUNK),
        params=[
            {
                "team_id": w.team_id,
                "poc_id": w.poc_id,
                "key": w.key,
                "kind": w.kind,
                "local_date": w.local_date,
                "destination": w.destination,
                "condition": w.condition,
                "in_thread": w.in_thread,
                "status": NudgeStatus.claimed,
                "attempts": 1,
                "channel_id": None,
                "claimed_at": now,
            }
            for w in wanted
        ],
    )
    return [Claim(*row) for row in inserted.all()]


async def _retake_claims(
    session: AsyncSession, retake: Sequence[int], now: datetime
) -> list[Claim]:
    log = table(m.NudgeLog)
    retaken = await session.exec(
        sa.update(log)
        .where(
            log.c.id.in_(list(retake)),
            sa.or_(
                sa.and_(
                    log.c.status == NudgeStatus.failed,
                    sa.or_(
                        log.c.attempted_at.is_(None),
                        log.c.attempted_at <= now - LATE_LANDING,
                    ),
                ),
                sa.and_(log.c.status == NudgeStatus.claimed, log.c.claimed_at < now - STALE_CLAIM),
            ),
        )
        .values(status=NudgeStatus.claimed, attempts=log.c.attempts + 1, claimed_at=now)
        .returning(*_claim_columns())
    )
    return [Claim(*row) for row in retaken.all()]


async def finish_nudges(
    *,
    session: AsyncSession,
    ids: Sequence[int],
    status: str,
    now: datetime,
    message_ts: str | None = None,
    channel_id: str | None = None,
    error: str | None = None,
) -> int:
    """Record how an attempt ended, on rows still claimed; returns how many it changed.

    `now` is when: a failed attempt's time decides when a later sweep may look for a late
    landing and try again.
    """
    if not ids:
        return 0
    log = table(m.NudgeLog)
    values: dict[str, Any] = {"status": status, "last_error": error and error[:200]}
    if status == NudgeStatus.sent:
        values.update(message_ts=message_ts, sent_at=now)
    else:
        values["attempted_at"] = now
    if channel_id is not None:
        values["channel_id"] = channel_id
    result = await session.exec(
        sa.update(log)
        .where(log.c.id.in_(list(ids)), log.c.status == NudgeStatus.claimed)
        .values(**values)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def blocked_destinations(
    *, session: AsyncSession, team_ids: Sequence[str]
) -> dict[int, dict[str, str]]:
    """Destinations that refuse each POC's nudges: poc id -> {destination: error}.

    A live POC's deal channel (`Poc.delivery_blocked`) and every other blocked destination,
    in one query.
    """
    poc, blocked = table(m.Poc), table(m.BlockedDestination)
    deal = sa.select(poc.c.id, poc.c.channel_id, poc.c.delivery_blocked).where(
        poc.c.team_id.in_(list(team_ids)),
        poc.c.status.in_(list(LIVE_STATUSES)),
        poc.c.delivery_blocked.is_not(None),
    )
    other = sa.select(blocked.c.poc_id, blocked.c.destination, blocked.c.error).where(
        blocked.c.team_id.in_(list(team_ids))
    )
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for poc_id, destination, error in (await session.exec(sa.union_all(deal, other))).all():
        found[poc_id][destination] = error
    return dict(found)


async def block_delivery(
    *, session: AsyncSession, team_id: str, poc_id: int, error: str, now: datetime
) -> bool:
    """Mark a POC's deal channel as unable to take nudges; True only the first time, so the
    SE is told once and the sweep stops trying until the bot is invited back."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.update(poc)
        .where(poc.c.team_id == team_id, poc.c.id == poc_id, poc.c.delivery_blocked.is_(None))
        .values(delivery_blocked=error[:64], delivery_blocked_at=now, updated_at=now)
        .returning(poc.c.id)
    )
    return result.scalar() is not None


async def block_destination(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    destination: str,
    error: str,
    now: datetime,
) -> bool:
    """Remember that a destination other than the deal channel refuses this POC's nudges;
    True only the first time, so its owner is told once."""
    blocked = table(m.BlockedDestination)
    result = await session.exec(
        insert(session, blocked)
        .values(
            team_id=team_id,
            poc_id=poc_id,
            destination=destination,
            error=error[:64],
            blocked_at=now,
        )
        .on_conflict_do_nothing(index_elements=["poc_id", "destination"])
        .returning(blocked.c.id)
    )
    return result.scalar() is not None


async def clear_blocked_destination(
    *, session: AsyncSession, team_id: str, destination: str
) -> int:
    """The bot was invited back to a channel: nudges may go there again, for every POC."""
    blocked = table(m.BlockedDestination)
    result = await session.exec(
        sa.delete(blocked).where(blocked.c.team_id == team_id, blocked.c.destination == destination)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
