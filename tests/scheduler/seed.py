"""POCs stored the way `/poc new` stores them, for the scheduler's tests and benchmarks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain import Cadence, MilestoneKind, NewPoc, Person, Role, Skin
from bot.governance import default_milestones
from storage import repo
from storage.db import Database

TEAM = "T0POCBOT"
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
        return await repo.create_poc(s, team_id=team_id, new=new, now=local(new.start, 8))


async def seed_bulk(db: Database, news: list[NewPoc], *, team_id: str = TEAM) -> list[int]:
    """Many POCs in a handful of multi-row INSERTs (what create_poc stores, minus the ORM's
    per-row round trips): the scaling tests and benchmarks need thousands quickly."""
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
        for start in range(0, len(news), 2000):
            chunk = news[start : start + 2000]
            rows = await s.exec(
                sa.insert(poc)
                .values(
                    [
                        {
                            "team_id": team_id,
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
                        for n in chunk
                    ]
                )
                .returning(poc.c.id)
            )
            ids.extend(r[0] for r in rows.all())
        pairs = list(zip(ids, news, strict=True))
        people = [
            {
                "team_id": team_id,
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
            {"team_id": team_id, "poc_id": i, "title": t, "position": k, "created_at": at}
            for i, n in pairs
            for k, t in enumerate(n.use_cases)
        ]
        plans = [
            {
                "team_id": team_id,
                "poc_id": i,
                "kind": kind,
                "due": due,
                "done_at": at if kind in n.done else None,
                "done_by": n.created_by if kind in n.done else None,
            }
            for i, n in pairs
            for kind, due in n.milestones.items()
        ]
        for table, rows_ in ((person, people), (use_case, cases), (milestone, plans)):
            for start in range(0, len(rows_), 3000):
                await s.exec(sa.insert(table).values(rows_[start : start + 3000]))
    return ids
