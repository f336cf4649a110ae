"""storage.snapshots.load_pocs(period=…): the POCs that may have run in a period, closed ones
included, in the same fixed number of queries; and bot.exports.team_export over them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from bot.domain import Status
from bot.exports import team_export
from storage import lifecycle, snapshots
from storage.db import Database
from tests.queries import counting
from tests.storage.pocs import create

MARCH = (date(2027, 3, 1), date(2027, 3, 31))


async def closed(db: Database, *, start: date, at: datetime, tz: str = "UTC") -> int:
    """A POC from `start` (two weeks), closed lost at `at`."""
    poc_id = await create(db, channel=f"C{start:%m%d}{at:%m%d%H}", start=start, end=start, tz=tz)
    async with db.transaction() as s:
        assert await lifecycle.close(
            session=s,
            team_id="T1",
            poc_id=poc_id,
            outcome=Status.lost,
            by="USE",
            note="",
            verdict="GO",
            now=at,
        )
    return poc_id


async def test_the_period_keeps_what_ran_in_it_closed_or_not(db: Database) -> None:
    running = await create(db, channel="C1", start=date(2027, 1, 4), end=date(2027, 1, 29))
    later = await create(db, channel="C2", start=date(2027, 4, 1), end=date(2027, 4, 16))
    before = await closed(db, start=date(2027, 1, 4), at=datetime(2027, 2, 20, 12, tzinfo=UTC))
    within = await closed(db, start=date(2027, 1, 4), at=datetime(2027, 3, 10, 12, tzinfo=UTC))
    # 1 March 04:00 UTC is still 28 February in New York: closed before the period there,
    # but a day-wide query cannot tell (bot.views.export.in_period does).
    edge = await closed(
        db, start=date(2027, 2, 1), at=datetime(2027, 3, 1, 4, tzinfo=UTC), tz="America/New_York"
    )
    other_team = await create(
        db, team="T2", channel="C9", start=date(2027, 3, 1), end=date(2027, 3, 12)
    )
    with counting(db) as statements:
        async with db.session() as s:
            found = await snapshots.load_pocs(session=s, team_id="T1", statuses=None, period=MARCH)
    assert sorted(p.id for p in found) == sorted([running, within, edge])
    assert len(statements) == 13  # as for any load: 12 tables and the workspace settings
    assert {before, later, other_team}.isdisjoint(p.id for p in found)

    done = await team_export(
        db, team_id="T1", first=MARCH[0], last=MARCH[1], now=datetime(2027, 4, 1, tzinfo=UTC)
    )
    rows = list(csv.DictReader(io.StringIO(done.pocs_csv, newline="")))
    assert [r["poc_id"] for r in rows] == [str(running), str(within)]
    assert [r["status"] for r in rows] == ["active", "lost"]
    assert rows[1]["closed_at_utc"] == "2027-03-10 12:00:00" and rows[1]["kickoff_verdict"] == "GO"
    assert done.criteria == 0 and done.criteria_csv.count("\r\n") == 1  # the header alone


async def test_a_person_exports_only_the_pocs_they_are_se_or_ae_of(db: Database) -> None:
    mine = await create(db, channel="C1", start=date(2027, 3, 1))
    await create(db, channel="C2", start=date(2027, 3, 1), created_by="UOTHER", people=())
    now = datetime(2027, 4, 1, tzinfo=UTC)
    done = await team_export(
        db, team_id="T1", first=MARCH[0], last=MARCH[1], now=now, user_id="USE"
    )
    rows = list(csv.DictReader(io.StringIO(done.pocs_csv, newline="")))
    assert [r["poc_id"] for r in rows] == [str(mine)] and done.pocs == 1
    everyone = await team_export(db, team_id="T1", first=MARCH[0], last=MARCH[1], now=now)
    assert everyone.pocs == 2
