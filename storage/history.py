"""A POC's audit trail (`/poc history`), read from where each fact is stored.

Most of what happens to a POC is stored as an event already — every vote, every scope change
and its resolution, every answer to the read-out, each criterion and milestone with who and
when. The life-cycle changes (close, pause, resume, moved dates, sign-off) are `poc_event`
rows. Nothing is copied: the trail is these read together, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import MilestoneKind
from storage import models as m
from storage.sql import table

#: At most this many facts of each kind are read, the latest ones: a view shows fewer.
PER_KIND = 300


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the trail. `kind` names the fact (an EventKind, or `created`, `vote`…);
    `subject` is what it is about (a criterion, a milestone, a person), `detail` the rest."""

    at: datetime
    kind: str
    by: str | None  # a Slack user id; None: the bot (or nobody recorded)
    detail: str = ""
    subject: str = ""


async def history(*, session: AsyncSession, team_id: str, poc_id: int) -> list[Entry]:
    """Everything recorded about this team's POC, oldest first (empty for another team's)."""
    entries: list[Entry] = []
    for read in (_created, _criteria, _votes, _scope, _milestones, _answers, _events):
        entries += await read(session, team_id, poc_id)
    return sorted(entries, key=lambda e: e.at)


async def _rows(session: AsyncSession, query: Any) -> list[Any]:
    """The latest PER_KIND rows `query` (newest first) finds, oldest first: facts stored at
    the same instant then keep the order they were stored in."""
    return list(reversed((await session.exec(query.limit(PER_KIND))).all()))


async def _created(session: AsyncSession, team_id: str, poc_id: int) -> list[Entry]:
    poc = table(m.Poc)
    rows = await _rows(
        session,
        sa.select(poc.c.created_at, poc.c.created_by, poc.c.prospect, poc.c.readout_posted_at)
        .where(poc.c.team_id == team_id, poc.c.id == poc_id)
        .order_by(poc.c.id.desc()),
    )
    entries = []
    for r in rows:
        entries.append(Entry(r.created_at, "created", r.created_by, r.prospect))
        if r.readout_posted_at is not None:
            entries.append(Entry(r.readout_posted_at, "readout_posted", None))
    return entries


async def _criteria(session: AsyncSession, team_id: str, poc_id: int) -> list[Entry]:
    c = table(m.Criterion)
    rows = await _rows(
        session,
        sa.select(c.c.created_at, c.c.created_by, c.c.statement, c.c.added_after_kickoff)
        .where(c.c.team_id == team_id, c.c.poc_id == poc_id)
        .order_by(c.c.id.desc()),
    )
    return [Entry(r.created_at, "criterion_added", r.created_by, r.statement) for r in rows]


async def _votes(session: AsyncSession, team_id: str, poc_id: int) -> list[Entry]:
    e, c = table(m.VerdictEvent), table(m.Criterion)
    rows = await _rows(
        session,
        sa.select(e.c.at, e.c.user_id, e.c.verdict, e.c.added, e.c.event_key, c.c.statement)
        .join(c, c.c.id == e.c.criterion_id)
        .where(e.c.team_id == team_id, c.c.team_id == team_id, c.c.poc_id == poc_id)
        .order_by(e.c.id.desc()),
    )
    return [
        Entry(
            r.at,
            "vote" if r.added else "vote_removed",
            r.user_id,
            # Reconciled from the message's reactions (bot/votes.py), not a live event.
            f"{r.verdict}{' (recovered from Slack)' if r.event_key.startswith('rc:') else ''}",
            r.statement,
        )
        for r in rows
    ]


async def _scope(session: AsyncSession, team_id: str, poc_id: int) -> list[Entry]:
    s, p = table(m.ScopeChange), table(m.ParkedItem)
    changes = await _rows(
        session,
        sa.select(s).where(s.c.team_id == team_id, s.c.poc_id == poc_id).order_by(s.c.id.desc()),
    )
    entries = []
    for r in changes:
        entries.append(Entry(r.at, f"scope:{r.kind}", r.by, r.detail))
        if r.resolved_at is not None and r.resolved_by != r.by:
            entries.append(Entry(r.resolved_at, f"scope_{r.resolution}", r.resolved_by, r.detail))
    # Requests parked with /poc park (a parked scope change is said above).
    parked = await _rows(
        session,
        sa.select(p.c.at, p.c.by, p.c.text)
        .where(p.c.team_id == team_id, p.c.poc_id == poc_id, p.c.scope_change_id.is_(None))
        .order_by(p.c.id.desc()),
    )
    return entries + [Entry(r.at, "parked", r.by, r.text) for r in parked]


async def _milestones(session: AsyncSession, team_id: str, poc_id: int) -> list[Entry]:
    x = table(m.Milestone)
    rows = await _rows(
        session,
        sa.select(x.c.kind, x.c.done_at, x.c.done_by)
        .where(
            x.c.team_id == team_id,
            x.c.poc_id == poc_id,
            x.c.done_at.is_not(None),
            # The sign-off is its own event, with who agreed.
            x.c.kind != MilestoneKind.signoff,
        )
        .order_by(x.c.done_at.desc(), x.c.id.desc()),
    )
    return [Entry(r.done_at, "milestone_done", r.done_by, subject=r.kind) for r in rows]


async def _answers(session: AsyncSession, team_id: str, poc_id: int) -> list[Entry]:
    a = table(m.ReadoutAnswer)
    rows = await _rows(
        session,
        sa.select(a).where(a.c.team_id == team_id, a.c.poc_id == poc_id).order_by(a.c.id.desc()),
    )
    entries = []
    for r in rows:
        kind = "agreed_with_exceptions" if r.exceptions else "agreed" if r.agreed else "disagreed"
        by = r.recorded_by or r.user_id
        entries.append(Entry(r.at, kind, by, r.note or "", r.user_id or r.name or ""))
    return entries


async def _events(session: AsyncSession, team_id: str, poc_id: int) -> list[Entry]:
    e = table(m.PocEvent)
    rows = await _rows(
        session,
        sa.select(e.c.at, e.c.kind, e.c.by, e.c.detail)
        .where(e.c.team_id == team_id, e.c.poc_id == poc_id)
        .order_by(e.c.id.desc()),
    )
    return [Entry(r.at, r.kind, r.by, r.detail) for r in rows]
