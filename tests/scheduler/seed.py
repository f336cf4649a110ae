"""POCs stored the way `/poc new` stores them, for the scheduler's tests and benchmarks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import (
    Cadence,
    CheckinFormat,
    Health,
    MilestoneKind,
    NewPoc,
    Person,
    Role,
    Skin,
)
from bot.rules import default_milestones
from storage import writes
from storage.db import Database

TEAM = "T0POCBOT"
#: Rows per multi-row INSERT: asyncpg takes at most 32,767 parameters; the POC table's 17
#: columns (signoff_exceptions has a Python default too) x 1,500 fit, 2,000 no longer do.
ROWS = 1500
SE, AE, CHAMPION = "USE", "UAE", "UCHAMP"


def local(d: date, hour: int, minute: int = 0, tz: str = "America/New_York") -> datetime:
    """An aware UTC instant for a local wall-clock time (DST-correct)."""
    return datetime.combine(d, time(hour, minute), ZoneInfo(tz)).astimezone(UTC)


def new_poc(
    *,
    channel: str = "CDEAL",
    start: date,
    end: date,
    tz: str = "America/New_York",
    exec_briefed: bool = True,
    internal_channel: str | None = None,
    prospect: str = "Globex",
    use_cases: tuple[str, ...] = ("Ingest 500 GB of JSON logs", "Deploy via CI/CD"),
) -> NewPoc:
    briefed = local(start, 8, tz=tz) if exec_briefed else None
    return NewPoc(
        channel_id=channel,
        prospect=prospect,
        start=start,
        end=end,
        created_by=SE,
        tz=tz,
        pain="Nightly ETL misses the 6am SLA",
        internal_channel_id=internal_channel,
        cadence=Cadence.weekly,
        budget_confirmed=True,
        skin=Skin.collaborative,
        people=(
            Person(Role.se, user_id=SE),
            Person(Role.ae, user_id=AE),
            Person(Role.champion, user_id=CHAMPION),
            Person(Role.exec_sponsor, name="Erin Exec, VP Engineering", briefed_at=briefed),
        ),
        use_cases=use_cases,
        milestones=default_milestones(start, end, today=start),
        # As /poc new does: the modal is the output of the scoping call.
        done=frozenset({MilestoneKind.scoping}),
    )


async def seed_poc(db: Database, new: NewPoc, *, team_id: str = TEAM) -> int:
    async with db.transaction() as s:
        return await writes.create_poc(session=s, team_id=team_id, new=new, now=local(new.start, 8))


async def seed_bulk(
    db: Database,
    news: list[NewPoc],
    *,
    team_id: str = TEAM,
    team_ids: list[str] | None = None,
    criteria_per_use_case: int = 0,
    checkins: int = 0,
) -> list[int]:
    """Many POCs in a handful of multi-row INSERTs: the scaling tests and benchmarks need
    thousands quickly. With `criteria_per_use_case` and `checkins` they are POCs a week or
    so in: criteria posted, check-ins held daily from the start. `team_ids`: each POC's
    team (many workspaces at once), else all are `team_id`'s."""
    teams = team_ids or [team_id] * len(news)
    import sqlalchemy as sa

    from storage import models as m

    at = local(news[0].start, 8) if news else None
    poc, person, use_case, milestone = (
        m.Poc.__table__,
        m.Stakeholder.__table__,
        m.UseCase.__table__,
        m.Milestone.__table__,
    )
    ids: list[int] = []
    async with db.transaction() as s:
        for start in range(0, len(news), ROWS):
            chunk = news[start : start + ROWS]
            rows = await s.exec(
                sa.insert(poc)
                .values(
                    [
                        {
                            "team_id": team,
                            "channel_id": n.channel_id,
                            "internal_channel_id": n.internal_channel_id,
                            "prospect": n.prospect,
                            "pain": n.pain,
                            "tz": n.tz,
                            "start_date": n.start,
                            "end_date": n.end,
                            "original_end_date": n.end,
                            "cadence": n.cadence,
                            "budget_confirmed": n.budget_confirmed,
                            "skin": n.skin,
                            "status": "active",
                            "created_by": n.created_by,
                            "created_at": at,
                            "updated_at": at,
                        }
                        for n, team in zip(chunk, teams[start : start + ROWS], strict=True)
                    ]
                )
                .returning(poc.c.id)
            )
            ids.extend(r[0] for r in rows.all())
        pairs = list(zip(ids, news, strict=True))
        owner = dict(zip(ids, teams, strict=True))
        people = [
            {
                "team_id": owner[i],
                "poc_id": i,
                "role": p.role,
                "user_id": p.user_id,
                "name": p.name,
                "briefed_at": p.briefed_at,
            }
            for i, n in pairs
            for p in n.people
        ]
        cases = [
            {"team_id": owner[i], "poc_id": i, "title": t, "position": k, "created_at": at}
            for i, n in pairs
            for k, t in enumerate(n.use_cases)
        ]
        plans = [
            {
                "team_id": owner[i],
                "poc_id": i,
                "kind": kind,
                "due": due,
                "done_at": at if kind in n.done else None,
                "done_by": n.created_by if kind in n.done else None,
            }
            for i, n in pairs
            for kind, due in n.milestones.items()
        ]
        for table, rows_ in ((person, people), (milestone, plans)):
            for start in range(0, len(rows_), ROWS):
                await s.exec(sa.insert(table).values(rows_[start : start + ROWS]))
        case_ids: list[tuple[int, int]] = []
        for start in range(0, len(cases), ROWS):
            made = await s.exec(
                sa.insert(use_case)
                .values(cases[start : start + ROWS])
                .returning(use_case.c.id, use_case.c.poc_id)
            )
            case_ids.extend((r[0], r[1]) for r in made.all())
        criteria = [
            {
                "team_id": owner[poc_id],
                "poc_id": poc_id,
                "use_case_id": case_id,
                "statement": f"Criterion {k + 1}: ingests 500 GB within 1 hour",
                "created_by": SE,
                "created_at": at,
            }
            for case_id, poc_id in case_ids
            for k in range(criteria_per_use_case)
        ]
        held = [
            {
                "team_id": owner[i],
                "poc_id": i,
                "held_on": n.start + timedelta(days=k),
                "format": CheckinFormat.call,
                "sponsor_present": False,
                "summary": "Ingest running; SSO next",
                "health": Health.green,
                "logged_by": SE,
                "created_at": at,
            }
            for i, n in pairs
            for k in range(checkins)
        ]
        for table, rows_ in ((m.Criterion.__table__, criteria), (m.Checkin.__table__, held)):
            for start in range(0, len(rows_), ROWS):
                await s.exec(sa.insert(table).values(rows_[start : start + ROWS]))
    return ids
