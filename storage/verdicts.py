"""The verdict history of criteria: every ✅/❌ reaction stored as an event, and the verdict
the rules derive from them (`set_verdict`). Used by the reaction handler and by the
reconciliation that recovers votes whose events were lost (bot/votes.py)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import domain
from bot.domain import LIVE_STATUSES, VerdictState, Vote
from storage import models as m
from storage.sql import insert, table, update_row


async def criterion_by_message(
    *, session: AsyncSession, team_id: str, channel_id: str, ts: str, lock: bool = False
) -> m.Criterion | None:
    """The criterion whose message in the deal channel was reacted to, if any.

    `lock`: hold the row until commit, so two votes on one criterion are applied one after
    the other (PostgreSQL; SQLite serialises writers anyway).
    """
    query = select(m.Criterion).where(
        m.Criterion.team_id == team_id,
        m.Criterion.channel_id == channel_id,
        m.Criterion.message_ts == ts,
    )
    result = await session.exec(query.with_for_update() if lock else query)
    return result.first()


async def evaluator_ids(*, session: AsyncSession, team_id: str, poc_id: int) -> set[str]:
    """Slack users whose reactions count on this POC's criteria."""
    sh = table(m.Stakeholder)
    rows = await session.exec(
        sa.select(sh.c.user_id).where(
            sh.c.team_id == team_id, sh.c.poc_id == poc_id, sh.c.user_id.is_not(None)
        )
    )
    return {r.user_id for r in rows}


async def record_reaction(
    *,
    session: AsyncSession,
    team_id: str,
    criterion_id: int,
    user_id: str,
    reaction: str,
    verdict: domain.Verdict,
    added: bool,
    at: datetime,
    event_key: str,
) -> bool:
    """Append to the verdict history; False when this event was already applied (a retry)."""
    stmt = (
        insert(session, table(m.VerdictEvent))
        .values(
            team_id=team_id,
            criterion_id=criterion_id,
            user_id=user_id,
            reaction=reaction,
            verdict=verdict,
            added=added,
            at=at,
            event_key=event_key,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "event_key"])
    )
    result = await session.exec(stmt)
    return bool(result.rowcount)


async def votes_for(*, session: AsyncSession, team_id: str, criterion_id: int) -> list[Vote]:
    e = table(m.VerdictEvent)
    rows = await session.exec(
        sa.select(e.c.user_id, e.c.reaction, e.c.added, e.c.at)
        .where(e.c.team_id == team_id, e.c.criterion_id == criterion_id)
        .order_by(e.c.at, e.c.id)
    )
    return [Vote(user_id=r.user_id, reaction=r.reaction, added=r.added, at=r.at) for r in rows]


async def vote_history(
    *, session: AsyncSession, team_id: str, criterion_id: int
) -> list[tuple[int, Vote]]:
    """Every stored reaction event of a criterion with its row id, oldest first (reconciling
    needs the ids: an event stored after a look at Slack is newer than that look)."""
    e = table(m.VerdictEvent)
    rows = await session.exec(
        sa.select(e.c.id, e.c.user_id, e.c.reaction, e.c.added, e.c.at)
        .where(e.c.team_id == team_id, e.c.criterion_id == criterion_id)
        .order_by(e.c.at, e.c.id)
    )
    return [
        (r.id, Vote(user_id=r.user_id, reaction=r.reaction, added=r.added, at=r.at)) for r in rows
    ]


async def criterion_messages(*, session: AsyncSession, team_id: str) -> list[tuple[str, str]]:
    """(channel, ts) of every posted criterion of the team's POCs that are still going
    (live or paused: votes still count there), oldest POC first — what reconciliation reads."""
    c, p = table(m.Criterion), table(m.Poc)
    rows = await session.exec(
        sa.select(c.c.channel_id, c.c.message_ts)
        .join(p, p.c.id == c.c.poc_id)
        .where(
            c.c.team_id == team_id,
            p.c.team_id == team_id,
            p.c.status.in_([*LIVE_STATUSES, domain.Status.paused]),
            c.c.channel_id.is_not(None),
            c.c.message_ts.is_not(None),
        )
        .order_by(c.c.poc_id, c.c.id)
    )
    return [(r.channel_id, r.message_ts) for r in rows]


async def set_verdict(
    *, session: AsyncSession, team_id: str, criterion_id: int, state: VerdictState
) -> None:
    await update_row(
        session,
        m.Criterion,
        team_id=team_id,
        row_id=criterion_id,
        verdict=state.verdict,
        verdict_by=state.by,
        verdict_at=state.at,
        conflict=state.conflict,
    )
