"""Reading POCs as domain snapshots. Every read is scoped by team.

`load_pocs` is the only way to read a whole POC: it loads any number of them in a fixed
number of queries (one per table), so a sweep over 50,000 POCs costs the same 12 queries as
one over 10, and views never trigger lazy loads. Each snapshot carries its workspace's
settings and the public holidays of its calendar (bot/public_holidays.py, cached per calendar
and years: 10,000 POCs in one country build one table).
"""

from __future__ import annotations

import asyncio
import gc
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import domain
from bot.domain import (
    OPEN_STATUSES,
    WorkspaceSettings,
)
from storage import models as m
from storage.snapshot_rows import poc_snapshot
from storage.sql import table
from storage.workspace import load_workspaces

#: The columns of each child table a domain snapshot is built from (storage/snapshot_rows.py).
#: Audit columns (created_at, created_by…) stay in the database: every datetime read is a
#: conversion, and the sweep reads hundreds of thousands of rows.
SNAPSHOT_COLUMNS: dict[type[Any], tuple[str, ...]] = {
    m.Stakeholder: ("role", "user_id", "name", "briefed_at", "last_seen_at"),
    m.UseCase: ("id", "title", "added_after_kickoff", "parked_at"),
    m.Criterion: (
        "id",
        "use_case_id",
        "statement",
        "method",
        "verdict",
        "verdict_by",
        "verdict_at",
        "conflict",
        "lint_flags",
        "added_after_kickoff",
        "message_ts",
        "parked_at",
    ),
    m.Milestone: ("kind", "due", "done_at"),
    m.Checkin: (
        "held_on",
        "format",
        "sponsor_present",
        "health",
        "summary",
        "blockers",
        "logged_by",
    ),
    m.Engagement: ("at", "kind", "who", "outcome", "role"),
    m.ScopeChange: ("id", "kind", "detail", "at", "resolution"),
    m.ParkedItem: ("text", "by", "at"),
    m.ReadoutAnswer: (
        "role",
        "agreed",
        "at",
        "user_id",
        "name",
        "recorded_by",
        "note",
        "exceptions",
    ),
    m.Snooze: ("kind", "until"),
    m.NudgeLog: ("key",),
}

_LOG = table(m.NudgeLog)
#: Snapshots built between two turns of the event loop (and 20 times as many child rows read):
#: 10,000 take seconds, and a request arriving meanwhile in the same process must still be
#: acked within Slack's 3 s.
YIELD_EVERY = 100
#: Nudges said once ever (their key is `kind:<thing>`): the sent-log says which are said.
ONCE_KINDS = ("scope_creep", "auto_close_warning")
#: A snapshot's child tables, in query order: (name, table, order by, extra condition).
_CHILDREN: tuple[tuple[str, type[Any], tuple[Any, ...], Any], ...] = (
    ("people", m.Stakeholder, (table(m.Stakeholder).c.id,), None),
    ("use_cases", m.UseCase, (table(m.UseCase).c.position, table(m.UseCase).c.id), None),
    ("milestones", m.Milestone, (table(m.Milestone).c.due,), None),
    ("criteria", m.Criterion, (table(m.Criterion).c.id,), None),
    ("checkins", m.Checkin, (table(m.Checkin).c.held_on, table(m.Checkin).c.id), None),
    ("engagements", m.Engagement, (table(m.Engagement).c.at,), None),
    ("changes", m.ScopeChange, (table(m.ScopeChange).c.id,), None),
    ("parked", m.ParkedItem, (table(m.ParkedItem).c.id,), None),
    ("answers", m.ReadoutAnswer, (table(m.ReadoutAnswer).c.at, table(m.ReadoutAnswer).c.id), None),
    ("snoozes", m.Snooze, (table(m.Snooze).c.id,), None),
    # once-only nudges already delivered (or being delivered): not due again
    (
        "once",
        m.NudgeLog,
        (_LOG.c.id,),
        sa.and_(
            sa.or_(*(_LOG.c.key.like(f"{kind}:%") for kind in ONCE_KINDS)),
            _LOG.c.status != "failed",
        ),
    ),
)
#: What an outline loads: enough to check a form, never to render or judge a POC.
_OUTLINE = frozenset({"people", "use_cases", "milestones"})
#: How far a local date can be from the UTC one (UTC-12 to UTC+14): a period's first day
#: starts in UTC up to this much earlier somewhere on Earth.
_WIDEST_OFFSET = timedelta(hours=14)


async def load_pocs(
    *,
    session: AsyncSession,
    team_id: str | None = None,
    team_ids: Sequence[str] | None = None,
    poc_ids: Iterable[int] | None = None,
    statuses: Sequence[str] | None = OPEN_STATUSES,
    member: str | None = None,
    unblocked_only: bool = False,
    outline: bool = False,
    period: tuple[date, date] | None = None,
    also: Sequence[Any] = (),
    parts: Collection[str] | None = None,
) -> list[domain.Poc]:
    """Whole POCs as domain snapshots, in 12 queries whatever their number.

    Scoped by one team (`team_id`) or, for the scheduler, by the teams whose tokens it holds
    (`team_ids`): never by none, so no installation reads another's POCs.
    `member` keeps the POCs that Slack user takes part in (App Home).
    `outline` loads people, use cases and milestones only (4 queries), leaving the rest
    empty (the workspace's settings and the holidays too): enough to check a form before the
    ack, never to render or judge a POC.
    `period` (first day, last day) keeps the POCs that may have run in it (`_where` says how);
    `also` adds conditions on the POC table (storage/portfolio.py's period); `parts` names the
    child tables to load (`_CHILDREN`), the rest reading as empty.
    """
    if (team_id is None) == (team_ids is None):
        raise ValueError("load_pocs needs exactly one of team_id and team_ids")
    poc = table(m.Poc)
    where = _where(
        team_id=team_id,
        team_ids=team_ids,
        poc_ids=poc_ids,
        statuses=statuses,
        member=member,
        unblocked_only=unblocked_only,
        period=period,
    )
    where.extend(also)
    rows = await _all(await session.exec(sa.select(poc).where(*where).order_by(poc.c.id)))
    if not rows:
        return []
    ids = sa.select(poc.c.id).where(*where).scalar_subquery()
    children: dict[str, dict[int, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for name, model, order, extra in _CHILDREN:
        if (not outline or name in _OUTLINE) and (parts is None or name in parts):
            children[name] = await _rows_by_poc(session, model, ids, order, extra)
    # (A table the outline skipped reads as empty: `children` is a defaultdict.)
    workspaces: dict[str, WorkspaceSettings] = {}
    if not outline:
        teams = sorted({r.team_id for r in rows})
        workspaces = await load_workspaces(session=session, team_ids=teams)
    built = []
    for k, r in enumerate(rows, 1):
        c = {name: children[name][r.id] for name, *_ in _CHILDREN}
        built.append(poc_snapshot(r, c, workspaces.get(r.team_id)))
        if k % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # other requests' acks get a turn between batches
    return built


def _where(
    *,
    team_id: str | None,
    team_ids: Sequence[str] | None,
    poc_ids: Iterable[int] | None,
    statuses: Sequence[str] | None,
    member: str | None,
    unblocked_only: bool,
    period: tuple[date, date] | None = None,
) -> list[Any]:
    """The conditions on the POC table that `load_pocs`' arguments say."""
    poc = table(m.Poc)
    where: list[Any] = [
        poc.c.team_id == team_id if team_id is not None else poc.c.team_id.in_(list(team_ids or ()))
    ]
    if poc_ids is not None:
        where.append(poc.c.id.in_(list(poc_ids)))
    if statuses is not None:
        where.append(poc.c.status.in_(list(statuses)))
    if unblocked_only:
        where.append(poc.c.delivery_blocked.is_(None))
    if member is not None:
        sh = table(m.Stakeholder)
        where.append(
            poc.c.id.in_(
                sa.select(sh.c.poc_id).where(sh.c.team_id == team_id, sh.c.user_id == member)
            )
        )
    if period is not None:
        first, last = period
        # Closed on `first` in its own timezone: as early as 14 hours before it in UTC.
        closed_from = datetime.combine(first, time.min, UTC) - _WIDEST_OFFSET
        where.append(poc.c.start_date <= last)
        where.append(sa.or_(poc.c.closed_at.is_(None), poc.c.closed_at >= closed_from))
    return where


async def _rows_by_poc(
    session: AsyncSession, model: type[Any], ids: Any, order: Sequence[Any], extra: Any
) -> dict[int, list[Any]]:
    """One child table's snapshot columns for the POCs `ids` selects, by POC id: one query."""
    child = table(model)
    columns = [child.c.poc_id, *(child.c[name] for name in SNAPSHOT_COLUMNS[model])]
    query = sa.select(*columns).where(child.c.poc_id.in_(ids))
    if extra is not None:
        query = query.where(extra)
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in await _all(await session.exec(query.order_by(*order))):
        grouped[row.poc_id].append(row)
    return grouped


async def _all(result: Any) -> list[Any]:
    """Every row of `result`, read a batch at a time: turning tens of thousands of rows into
    Python values takes a while, and other requests' acks get a turn between batches."""
    rows: list[Any] = []
    for batch in result.partitions(YIELD_EVERY * 20):
        rows.extend(batch)
        await asyncio.sleep(0)
    return rows


async def load_poc(
    *, session: AsyncSession, team_id: str, poc_id: int, outline: bool = False
) -> domain.Poc | None:
    """This team's POC with this id, whatever its status; None for another team's id (button
    values are user-controlled)."""
    found = await load_pocs(
        session=session, team_id=team_id, poc_ids=[poc_id], statuses=None, outline=outline
    )
    return found[0] if found else None


async def load_outline(*, session: AsyncSession, team_id: str, poc_id: int) -> domain.Poc | None:
    """`load_poc(outline=True)`: what a form is checked against before its ack, in four
    statements built once (a statement built per call costs ~0.3 ms of CPU for its cache key;
    the outline was a criterion's largest cost before its ack)."""
    row = (await session.exec(_OUTLINE_POC, params={"team_id": team_id, "poc_id": poc_id})).first()
    if row is None:  # not this team's: its children are not read either
        return None
    children: dict[str, list[Any]] = {name: [] for name, *_ in _CHILDREN}
    for name, query in _OUTLINE_CHILDREN:
        children[name] = list((await session.exec(query, params={"poc_id": poc_id})).all())
    return poc_snapshot(row, children, None)


def _outline_queries() -> tuple[Any, list[tuple[str, Any]]]:
    poc = table(m.Poc)
    one = sa.select(poc).where(
        poc.c.team_id == sa.bindparam("team_id"), poc.c.id == sa.bindparam("poc_id")
    )
    children = []
    for name, model, order, extra in _CHILDREN:
        if name in _OUTLINE:
            child = table(model)
            columns = [child.c.poc_id, *(child.c[n] for n in SNAPSHOT_COLUMNS[model])]
            query = sa.select(*columns).where(child.c.poc_id == sa.bindparam("poc_id"))
            if extra is not None:
                query = query.where(extra)
            children.append((name, query.order_by(*order)))
    return one, children


_OUTLINE_POC, _OUTLINE_CHILDREN = _outline_queries()


async def pocs_for_member(*, session: AsyncSession, team_id: str, user_id: str) -> list[domain.Poc]:
    """Every POC this person takes part in, newest first, finished ones included (App Home)."""
    pocs = await load_pocs(session=session, team_id=team_id, member=user_id, statuses=None)
    return sorted(pocs, key=lambda p: p.id, reverse=True)


async def live_poc_for_channel(
    *, session: AsyncSession, team_id: str, channel_id: str
) -> m.Poc | None:
    """The POC a command typed in this channel acts on: the newest one not yet finished."""
    result = await session.exec(
        select(m.Poc)
        .where(
            m.Poc.team_id == team_id,
            sa.or_(m.Poc.channel_id == channel_id, m.Poc.internal_channel_id == channel_id),
            m.Poc.status.in_(OPEN_STATUSES),
        )
        .order_by(m.Poc.id.desc())
        .limit(1)
    )
    return result.first()


async def live_prospect_for_channel(
    *, session: AsyncSession, team_id: str, channel_id: str
) -> str | None:
    """The prospect of the POC live in this channel, if one is: `live_poc_for_channel`'s
    question, one column read by a statement built once (it runs before a submission's ack)."""
    return await session.scalar(_LIVE_PROSPECT, {"team_id": team_id, "channel_id": channel_id})


def _live_prospect() -> Any:
    poc, channel = table(m.Poc), sa.bindparam("channel_id")
    return (
        sa.select(poc.c.prospect)
        .where(
            poc.c.team_id == sa.bindparam("team_id"),
            sa.or_(poc.c.channel_id == channel, poc.c.internal_channel_id == channel),
            poc.c.status.in_(OPEN_STATUSES),
        )
        .order_by(poc.c.id.desc())
        .limit(1)
    )


_LIVE_PROSPECT = _live_prospect()


async def count_live_pocs(*, session: AsyncSession, team_ids: Sequence[str]) -> int:
    """These installations' POCs not over yet (the sweep's log line)."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.select(sa.func.count())
        .select_from(poc)
        .where(poc.c.team_id.in_(list(team_ids)), poc.c.status.in_(OPEN_STATUSES))
    )
    return int(result.scalar() or 0)


async def live_pocs_by_team(*, session: AsyncSession) -> dict[str, int]:
    """Every team's number of POCs not over yet, in one query: how a sweep groups its teams
    into chunks. (No list of teams to match: an OAuth deployment may serve thousands.)"""
    poc = table(m.Poc)
    result = await session.exec(
        sa.select(poc.c.team_id, sa.func.count())
        .where(poc.c.status.in_(OPEN_STATUSES))
        .group_by(poc.c.team_id)
    )
    return {str(team): int(n) for team, n in result.all()}


async def live_zones(*, session: AsyncSession, team_ids: Sequence[str]) -> list[str]:
    """The time zones these teams' POCs not over yet keep, in one query."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.select(poc.c.tz)
        .where(poc.c.team_id.in_(list(team_ids)), poc.c.status.in_(OPEN_STATUSES))
        .distinct()
    )
    return sorted(str(r[0]) for r in result.all())


async def team_ids(*, session: AsyncSession) -> list[str]:
    """Every installation with a POC not over yet (an operator's dry run without a token)."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.select(poc.c.team_id).where(poc.c.status.in_(OPEN_STATUSES)).distinct()
    )
    return sorted(r[0] for r in result.all())


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a sweep builds its snapshots.

    Loading 10,000 POCs allocates ~400,000 objects, none of them garbage yet; each collection
    walks them all again. Measured: plan for 10,000 POCs 4.0 s with the collector, 2.6 s
    without. Reference counting still frees everything; collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
