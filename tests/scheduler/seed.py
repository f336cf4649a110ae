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
