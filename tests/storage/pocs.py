"""A POC to store, as the storage tests write it (both databases: see tests/conftest.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain import (
    Cadence,
    MilestoneKind,
    NewPoc,
    Person,
    Role,
    Skin,
)
from storage import snapshots, writes
from storage.db import Database

NOW = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)


def new_poc(channel: str = "C1", **kw: object) -> NewPoc:
    values: dict[str, object] = {
        "channel_id": channel,
        "prospect": "Acme",
        "start": date(2026, 11, 16),
        "end": date(2026, 11, 30),
        "created_by": "USE",
        "tz": "America/New_York",
        "pain": "Log ingestion takes a day",
        "cadence": Cadence.twice_weekly,
        "budget_confirmed": True,
        "skin": Skin.funded,
        "people": (
            Person(Role.se, user_id="USE"),
            Person(Role.ae, user_id="UAE"),
            Person(Role.champion, user_id="UCH"),
            Person(Role.exec_sponsor, name="Dana Li, VP Eng", briefed_at=None),
        ),
        "use_cases": ("Ingest logs", "Deploy via CI"),
        "milestones": {
            MilestoneKind.kickoff: date(2026, 11, 16),
            MilestoneKind.readout: date(2026, 11, 30),
        },
        "done": frozenset({MilestoneKind.kickoff}),
    }
    values.update(kw)
    return NewPoc(**values)  # type: ignore[arg-type]


async def create(db: Database, team: str = "T1", **kw: object) -> int:
    async with db.transaction() as s:
        return await writes.create_poc(session=s, team_id=team, new=new_poc(**kw), now=NOW)


async def first_criterion(db: Database, poc_id: int) -> int:
    """A criterion on the POC's first use case; returns its id."""
    async with db.transaction() as s:
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
        assert poc is not None
        return await writes.add_criterion(
            session=s,
            team_id="T1",
            poc_id=poc_id,
            use_case_id=poc.use_cases[0].id,
            statement="Ingests 500 GB within 1 hour",
            method="",
            lint_flags=(),
            after_kickoff=False,
            created_by="USE",
            now=NOW,
        )
