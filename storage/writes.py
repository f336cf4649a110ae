"""What the flows write: a new POC, its criteria, check-ins, engagements, scope changes,
milestones and snoozes. Every write is scoped by team, takes domain values (never a storage
row) and leaves the commit to the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import domain
from bot.domain import OPEN_STATUSES, MilestoneKind, Role, ScopeChangeKind, ScopeResolution
from storage import models as m
from storage.sql import add, insert, insert_returning_id, table, update_row


async def create_poc(
    *, session: AsyncSession, team_id: str, new: domain.NewPoc, now: datetime
) -> int:
    """Store a POC with its people, use cases and plan; returns its id. Caller commits."""
    poc_id = await session.scalar(
        insert_returning_id(table(m.Poc)),
        {
            "team_id": team_id,
            "channel_id": new.channel_id,
            "internal_channel_id": new.internal_channel_id,
            "prospect": new.prospect,
            "pain": new.pain,
            "tz": new.tz,
            "start_date": new.start,
            "end_date": new.end,
            "original_end_date": new.end,
            "cadence": new.cadence,
            "budget_confirmed": new.budget_confirmed,
            "skin": new.skin,
            "holiday_country": new.holiday_country,
            "status": domain.Status.active,
            "kickoff_verdict": new.kickoff_verdict,
            "created_by": new.created_by,
            "created_at": now,
            "updated_at": now,
        },
    )
    assert poc_id is not None
    # One executemany per table: the ORM would send one INSERT … RETURNING per row on
    # SQLite (13 round trips for a typical POC, measured at 15 ms of a 40 ms submission).
    key = {"team_id": team_id, "poc_id": poc_id}
    people = [
        {**key, "role": p.role, "user_id": p.user_id, "name": p.name, "briefed_at": p.briefed_at}
        for p in new.people
    ]
    use_cases = [
        {**key, "title": title, "position": i, "created_at": now}
        for i, title in enumerate(new.use_cases)
    ]
    milestones = [
        {
            **key,
            "kind": kind,
            "due": due,
            "done_at": now if kind in new.done else None,
            "done_by": new.created_by if kind in new.done else None,
        }
        for kind, due in new.milestones.items()
    ]
    for model, rows in ((m.Stakeholder, people), (m.UseCase, use_cases), (m.Milestone, milestones)):
        if rows:
            await session.exec(sa.insert(table(model)), params=rows)
    return int(poc_id)


async def update_poc(
    *, session: AsyncSession, team_id: str, poc_id: int, now: datetime, **values: Any
) -> None:
    """Set columns of this team's POC (`values` by column name); `updated_at` becomes `now`."""
    await update_row(session, m.Poc, team_id=team_id, row_id=poc_id, updated_at=now, **values)


async def claim_kickoff(*, session: AsyncSession, team_id: str, poc_id: int, now: datetime) -> bool:
    """Take the one right to post this POC's kickoff; False if it is posted or being posted.

    A conditional UPDATE, so two events (Slack's retry of member_joined_channel, or the join
    racing the submission that created the POC) cannot both see "not posted yet".
    """
    poc = table(m.Poc)
    result = await session.exec(
        sa.update(poc)
        .where(
            poc.c.team_id == team_id,
            poc.c.id == poc_id,
            poc.c.kickoff_message_ts.is_(None),
            poc.c.kickoff_claimed_at.is_(None),
        )
        .values(kickoff_claimed_at=now)
    )
    return bool(result.rowcount)


async def release_kickoff(*, session: AsyncSession, team_id: str, poc_id: int) -> None:
    """Slack refused the kickoff (it was not posted): the next invitation may try again."""
    poc = table(m.Poc)
    await session.exec(
        sa.update(poc)
        .where(poc.c.team_id == team_id, poc.c.id == poc_id, poc.c.kickoff_message_ts.is_(None))
        .values(kickoff_claimed_at=None)
    )


async def add_use_case(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    title: str,
    after_kickoff: bool,
    now: datetime,
) -> int:
    """Add a use case after the others; returns its id."""
    count = await session.scalar(
        sa.select(sa.func.count()).where(
            table(m.UseCase).c.poc_id == poc_id, table(m.UseCase).c.team_id == team_id
        )
    )
    use_case = m.UseCase(
        team_id=team_id,
        poc_id=poc_id,
        title=title,
        position=int(count or 0),
        added_after_kickoff=after_kickoff,
        created_at=now,
    )
    return await add(session, use_case)


async def add_criterion(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    use_case_id: int,
    statement: str,
    method: str,
    lint_flags: Sequence[str],
    after_kickoff: bool,
    created_by: str,
    now: datetime,
) -> int:
    """Add a criterion to a use case; returns its id."""
    criterion = m.Criterion(
        team_id=team_id,
        poc_id=poc_id,
        use_case_id=use_case_id,
        statement=statement,
        method=method,
        lint_flags="\n".join(lint_flags),
        added_after_kickoff=after_kickoff,
        created_by=created_by,
        created_at=now,
    )
    return await add(session, criterion)


async def set_criterion_message(
    *, session: AsyncSession, team_id: str, criterion_id: int, channel_id: str, ts: str
) -> None:
    """Where the criterion was posted: its message is where votes land."""
    await update_row(
        session,
        m.Criterion,
        team_id=team_id,
        row_id=criterion_id,
        channel_id=channel_id,
        message_ts=ts,
    )


async def add_scope_change(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    kind: ScopeChangeKind,
    detail: str,
    now: datetime,
    by: str | None = None,
    use_case_id: int | None = None,
    criterion_id: int | None = None,
    accepted: bool = False,
) -> int:
    """Record a scope change (`by` whom; the use case or criterion it added, which parking it
    takes out of scope); `accepted`: agreed as it was made (an extension the SE chose)."""
    change = m.ScopeChange(
        team_id=team_id,
        poc_id=poc_id,
        kind=kind,
        detail=detail,
        at=now,
        by=by,
        use_case_id=use_case_id,
        criterion_id=criterion_id,
    )
    if accepted:
        change.resolution = ScopeResolution.accepted
        change.resolved_by, change.resolved_at = by, now
    return await add(session, change)


async def resolve_scope_change(
    *,
    session: AsyncSession,
    team_id: str,
    change_id: int,
    resolution: ScopeResolution,
    by: str,
    now: datetime,
) -> bool:
    """Park or accept an open change; False if it is not this team's or already resolved.

    Parking takes what the change added out of scope: its use case (with its criteria) or
    its criterion are no longer scored (rule 11).
    """
    s = table(m.ScopeChange)
    result = await session.exec(
        sa.update(s)
        .where(s.c.team_id == team_id, s.c.id == change_id, s.c.resolution == ScopeResolution.open)
        .values(resolution=resolution, resolved_by=by, resolved_at=now)
        .returning(s.c.use_case_id, s.c.criterion_id)
    )
    row = result.first()
    if row is None:
        return False
    if resolution == ScopeResolution.parked:
        for model, row_id in ((m.UseCase, row.use_case_id), (m.Criterion, row.criterion_id)):
            if row_id is not None:
                await update_row(session, model, team_id=team_id, row_id=row_id, parked_at=now)
    return True


async def park(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    text: str,
    by: str,
    now: datetime,
    scope_change_id: int | None = None,
) -> None:
    """Put a request on the Phase 2 list (`scope_change_id`: the scope change it came from)."""
    await add(
        session,
        m.ParkedItem(
            team_id=team_id,
            poc_id=poc_id,
            text=text,
            by=by,
            at=now,
            scope_change_id=scope_change_id,
        ),
    )


async def add_checkin(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    checkin: domain.Checkin,
    attendees: Sequence[str],
    now: datetime,
) -> None:
    """Log a check-in (`checkin.logged_by` says who); `attendees` are Slack user ids."""
    await add(
        session,
        m.Checkin(
            team_id=team_id,
            poc_id=poc_id,
            held_on=checkin.held_on,
            format=checkin.format.value,
            attendees=",".join(attendees),
            sponsor_present=checkin.sponsor_present,
            summary=checkin.summary,
            blockers=checkin.blockers,
            health=checkin.health.value,
            logged_by=checkin.logged_by,
            created_at=now,
        ),
    )


async def add_engagement(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    engagement: domain.Engagement,
    logged_by: str,
) -> None:
    """Log an engagement with a sponsor (internal: never shown to the prospect)."""
    await add(
        session,
        m.Engagement(
            team_id=team_id,
            poc_id=poc_id,
            at=engagement.at,
            kind=engagement.kind.value,
            role=engagement.role.value,
            who=engagement.who,
            outcome=engagement.outcome,
            logged_by=logged_by,
        ),
    )


async def mark_briefed(*, session: AsyncSession, team_id: str, poc_id: int, at: datetime) -> None:
    """The executive sponsor has been briefed (first briefing wins)."""
    s = table(m.Stakeholder)
    await session.exec(
        sa.update(s)
        .where(
            s.c.team_id == team_id,
            s.c.poc_id == poc_id,
            s.c.role == Role.exec_sponsor,
            s.c.briefed_at.is_(None),
        )
        .values(briefed_at=at)
    )


async def touch_last_seen(
    *, session: AsyncSession, team_id: str, channel_id: str, user_id: str, at: datetime
) -> int:
    """A stakeholder spoke or reacted in an open POC's deal channel; returns how many rows
    changed. One UPDATE, no read: this runs for every message in every channel the bot is in.
    """
    s, p = table(m.Stakeholder), table(m.Poc)
    live = sa.select(p.c.id).where(
        p.c.team_id == team_id, p.c.channel_id == channel_id, p.c.status.in_(OPEN_STATUSES)
    )
    result = await session.exec(
        sa.update(s)
        .where(s.c.team_id == team_id, s.c.user_id == user_id, s.c.poc_id.in_(live))
        .values(last_seen_at=at)
    )
    return int(result.rowcount or 0)


async def mark_milestone_done(
    *, session: AsyncSession, team_id: str, poc_id: int, kind: MilestoneKind, by: str, now: datetime
) -> bool:
    """False when it was already done (a second click changes nothing)."""
    x = table(m.Milestone)
    result = await session.exec(
        sa.update(x)
        .where(
            x.c.team_id == team_id, x.c.poc_id == poc_id, x.c.kind == kind, x.c.done_at.is_(None)
        )
        .values(done_at=now, done_by=by)
    )
    return bool(result.rowcount)


async def snooze(
    *, session: AsyncSession, team_id: str, poc_id: int, key: str, until: date
) -> None:
    """Hold back one nudge until `until` (a local date); snoozing again moves the date."""
    stmt = insert(session, table(m.Snooze)).values(
        team_id=team_id, poc_id=poc_id, kind=key, until=until
    )
    stmt = stmt.on_conflict_do_update(index_elements=["poc_id", "kind"], set_={"until": until})
    await session.exec(stmt)
