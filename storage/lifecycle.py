"""What a POC's life writes: its close, pauses, plan changes, the answers to its read-out and
its sign-off, each with the audit-trail event (`poc_event`) in the caller's transaction.

State changes are conditional UPDATEs (`WHERE status …`): two requests racing to close or
pause a POC cannot both win, and the loser writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import domain
from bot.domain import LIVE_STATUSES, OPEN_STATUSES, EventKind, MilestoneKind, Status
from storage import models as m
from storage.sql import add, table


async def record_event(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    kind: EventKind,
    by: str | None,
    at: datetime,
    detail: str = "",
) -> None:
    """One line of the POC's audit trail (`by` None: the bot did it)."""
    await add(
        session,
        m.PocEvent(team_id=team_id, poc_id=poc_id, kind=kind, by=by, at=at, detail=detail),
    )


def _poc(team_id: str, poc_id: int) -> list[sa.ColumnElement[bool]]:
    poc = table(m.Poc)
    return [poc.c.team_id == team_id, poc.c.id == poc_id]


async def close(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    outcome: Status,
    by: str | None,
    note: str,
    verdict: str,
    now: datetime,
) -> bool:
    """Close an open POC with its outcome; False when it is closed already.

    `verdict` is the go/no-go as it stands now: the kickoff verdict, if the POC is closed
    before it was kicked off (otherwise the one frozen at kickoff stays).
    """
    poc = table(m.Poc)
    unfrozen = poc.c.kickoff_verdict_at.is_(None)
    result = await session.exec(
        sa.update(poc)
        .where(*_poc(team_id, poc_id), poc.c.status.in_(OPEN_STATUSES))
        .values(
            status=outcome,
            outcome=outcome,
            closed_at=now,
            closed_by=by,
            close_note=note or None,
            resume_shift=None,
            updated_at=now,
            kickoff_verdict=sa.case((unfrozen, verdict), else_=poc.c.kickoff_verdict),
            kickoff_verdict_at=sa.func.coalesce(poc.c.kickoff_verdict_at, now),
        )
    )
    if not result.rowcount:
        return False
    detail = f"{outcome.value}: {note}" if note else outcome.value
    await record_event(
        session=session,
        team_id=team_id,
        poc_id=poc_id,
        kind=EventKind.closed,
        by=by,
        at=now,
        detail=detail,
    )
    return True


async def freeze_kickoff_verdict(
    *, session: AsyncSession, team_id: str, poc_id: int, verdict: str, now: datetime
) -> bool:
    """The go/no-go verdict as it stands at kickoff, kept for good (the first time only)."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.update(poc)
        .where(*_poc(team_id, poc_id), poc.c.kickoff_verdict_at.is_(None))
        .values(kickoff_verdict=verdict, kickoff_verdict_at=now)
    )
    return bool(result.rowcount)


#: POC ids per UPDATE when verdicts are frozen in bulk (well within any driver's parameters).
_FREEZE_CHUNK = 1000


async def freeze_kickoff_verdicts(
    *, session: AsyncSession, team_ids: Sequence[str], verdicts: Mapping[int, str], now: datetime
) -> int:
    """Many POCs' verdicts at once (the clock's pass): one UPDATE per verdict and chunk, not
    one per POC — the first sweep after this came in freezes every POC already kicked off."""
    poc = table(m.Poc)
    by_verdict: dict[str, list[int]] = {}
    for poc_id, verdict in verdicts.items():
        by_verdict.setdefault(verdict, []).append(poc_id)
    frozen = 0
    for verdict, ids in by_verdict.items():
        for start in range(0, len(ids), _FREEZE_CHUNK):
            result = await session.exec(
                sa.update(poc)
                .where(
                    poc.c.team_id.in_(list(team_ids)),
                    poc.c.id.in_(ids[start : start + _FREEZE_CHUNK]),
                    poc.c.kickoff_verdict_at.is_(None),
                )
                .values(kickoff_verdict=verdict, kickoff_verdict_at=now)
            )
            frozen += int(result.rowcount or 0)
    return frozen


async def pause(
    *, session: AsyncSession, team_id: str, poc_id: int, by: str, reason: str, now: datetime
) -> bool:
    """Put a running POC on hold; False when it is paused or closed already."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.update(poc)
        .where(*_poc(team_id, poc_id), poc.c.status.in_(LIVE_STATUSES))
        .values(
            status=Status.paused,
            paused_at=now,
            pause_reason=reason or None,
            resume_shift=None,
            updated_at=now,
        )
    )
    if not result.rowcount:
        return False
    await record_event(
        session=session,
        team_id=team_id,
        poc_id=poc_id,
        kind=EventKind.paused,
        by=by,
        at=now,
        detail=reason,
    )
    return True


async def resume(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    status: Status,
    paused_days: int,
    by: str,
    now: datetime,
) -> bool:
    """Take a paused POC back to `status`, offering to shift its plan by `paused_days`."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.update(poc)
        .where(*_poc(team_id, poc_id), poc.c.status == Status.paused)
        # paused_at stays: when the pause began, what an offer to shift the plan starts from
        .values(status=status, pause_reason=None, resume_shift=paused_days or None, updated_at=now)
    )
    if not result.rowcount:
        return False
    await record_event(
        session=session,
        team_id=team_id,
        poc_id=poc_id,
        kind=EventKind.resumed,
        by=by,
        at=now,
        detail=f"after {paused_days} business days on hold",
    )
    return True


async def take_resume_shift(
    *, session: AsyncSession, team_id: str, poc_id: int, offered: int
) -> bool:
    """Answer the resume's offer (shift the plan, or keep it) once: False if it was answered."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.update(poc)
        .where(*_poc(team_id, poc_id), poc.c.resume_shift == offered)
        .values(resume_shift=None)
    )
    return bool(result.rowcount)


async def set_dates(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    milestones: Mapping[MilestoneKind, date],
    now: datetime,
    end: date | None = None,
) -> None:
    """Move milestones not yet done (and the end date, if given) to new dates."""
    if end is not None:
        poc = table(m.Poc)
        await session.exec(
            sa.update(poc).where(*_poc(team_id, poc_id)).values(end_date=end, updated_at=now)
        )
    x = table(m.Milestone)
    for kind, due in milestones.items():
        await session.exec(
            sa.update(x)
            .where(
                x.c.team_id == team_id,
                x.c.poc_id == poc_id,
                x.c.kind == kind,
                x.c.done_at.is_(None),
            )
            .values(due=due)
        )


async def record_readout_answer(
    *, session: AsyncSession, team_id: str, poc_id: int, answer: domain.ReadoutAnswer
) -> None:
    """An answer to the read-out's question, as given or as recorded for someone."""
    await add(
        session,
        m.ReadoutAnswer(
            team_id=team_id,
            poc_id=poc_id,
            user_id=answer.user_id,
            agreed=answer.agreed,
            at=answer.at,
            role=answer.role.value,
            name=answer.name,
            recorded_by=answer.recorded_by,
            note=answer.note or None,
            exceptions=answer.exceptions,
        ),
    )


async def lock_poc(*, session: AsyncSession, team_id: str, poc_id: int) -> None:
    """Hold this POC's row until commit (PostgreSQL; SQLite serialises writers anyway), so
    two answers to its read-out are judged one after the other, each seeing the other."""
    poc = table(m.Poc)
    await session.exec(sa.select(poc.c.id).where(*_poc(team_id, poc_id)).with_for_update())


async def sign_off(
    *,
    session: AsyncSession,
    team_id: str,
    poc_id: int,
    by: str,
    exceptions: bool,
    detail: str,
    now: datetime,
) -> bool:
    """Record the technical validation sign-off once: False when it was already recorded."""
    poc = table(m.Poc)
    result = await session.exec(
        sa.update(poc)
        .where(*_poc(team_id, poc_id), poc.c.signed_off_at.is_(None))
        .values(signed_off_at=now, signed_off_by=by, signoff_exceptions=exceptions, updated_at=now)
    )
    if not result.rowcount:
        return False
    x = table(m.Milestone)
    await session.exec(
        sa.update(x)
        .where(
            x.c.team_id == team_id,
            x.c.poc_id == poc_id,
            x.c.kind == MilestoneKind.signoff,
            x.c.done_at.is_(None),
        )
        .values(done_at=now, done_by=by)
    )
    await record_event(
        session=session,
        team_id=team_id,
        poc_id=poc_id,
        kind=EventKind.signed_off,
        by=by,
        at=now,
        detail=detail,
    )
    return True


async def touch_active(
    *, session: AsyncSession, team_id: str, poc_id: int, user_id: str, at: datetime
) -> None:
    """Someone on this POC clicked one of its buttons: they are active (a champion who only
    clicks is not silent)."""
    s = table(m.Stakeholder)
    await session.exec(
        sa.update(s)
        .where(s.c.team_id == team_id, s.c.poc_id == poc_id, s.c.user_id == user_id)
        .where(sa.or_(s.c.last_seen_at.is_(None), s.c.last_seen_at < at))
        .values(last_seen_at=at)
    )


async def last_poc_for_channel(
    *, session: AsyncSession, team_id: str, channel_id: str
) -> m.Poc | None:
    """The newest POC of this deal (or internal) channel, finished or not: what a channel whose
    POC is closed says about it (`/poc status`, `/poc history`)."""
    result = await session.exec(
        select(m.Poc)
        .where(
            m.Poc.team_id == team_id,
            sa.or_(m.Poc.channel_id == channel_id, m.Poc.internal_channel_id == channel_id),
        )
        .order_by(m.Poc.id.desc())
        .limit(1)
    )
    return result.first()


# ---------------------------------------------------------------- what the clock looks at


async def unfrozen_kickoffs(
    *, session: AsyncSession, team_ids: Sequence[str], by: date
) -> list[int]:
    """Open POCs whose kickoff verdict is not frozen yet though their kickoff is due by `by`."""
    poc, x = table(m.Poc), table(m.Milestone)
    kickoff = (
        sa.select(x.c.due)
        .where(x.c.poc_id == poc.c.id, x.c.kind == MilestoneKind.kickoff)
        .scalar_subquery()
    )
    rows = await session.exec(
        sa.select(poc.c.id).where(
            poc.c.team_id.in_(list(team_ids)),
            poc.c.status.in_(OPEN_STATUSES),
            poc.c.kickoff_verdict_at.is_(None),
            sa.func.coalesce(kickoff, poc.c.start_date) <= by,
        )
    )
    return [r[0] for r in rows.all()]


async def ended_before(*, session: AsyncSession, team_ids: Sequence[str], day: date) -> list[int]:
    """Running (not paused) POCs whose end date is on or before `day`: the few the clock may
    have to close for want of activity."""
    poc = table(m.Poc)
    rows = await session.exec(
        sa.select(poc.c.id).where(
            poc.c.team_id.in_(list(team_ids)),
            poc.c.status.in_(LIVE_STATUSES),
            poc.c.end_date <= day,
        )
    )
    return [r[0] for r in rows.all()]


async def open_statuses(*, session: AsyncSession, team_ids: Sequence[str]) -> dict[int, str]:
    """The status of each of these teams' open POCs, in one query whatever their number: what
    a sweep checks its plan against just before claiming (a POC closed meanwhile is absent)."""
    poc = table(m.Poc)
    rows = await session.exec(
        sa.select(poc.c.id, poc.c.status).where(
            poc.c.team_id.in_(list(team_ids)), poc.c.status.in_(OPEN_STATUSES)
        )
    )
    return {r.id: r.status for r in rows.all()}
