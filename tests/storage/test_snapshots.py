"""storage.snapshots: whole POCs read back, scoped by team, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain import (
    Cadence,
    MilestoneKind,
    Role,
    Skin,
    Status,
)
from storage import snapshots, writes
from storage.db import Database
from tests.queries import counting
from tests.storage.pocs import NOW, create, first_criterion


async def test_a_poc_round_trips_with_aware_utc_timestamps(db: Database) -> None:
    poc_id = await create(db)
    async with db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
    assert poc is not None
    assert (poc.prospect, poc.tz, poc.cadence, poc.skin) == (
        "Acme",
        "America/New_York",
        Cadence.twice_weekly,
        Skin.funded,
    )
    assert poc.original_end == date(2026, 11, 30)
    assert [u.title for u in poc.use_cases] == ["Ingest logs", "Deploy via CI"]
    assert {p.role for p in poc.stakeholders} == {
        Role.se,
        Role.ae,
        Role.champion,
        Role.exec_sponsor,
    }
    kickoff = poc.milestone(MilestoneKind.kickoff)
    assert kickoff is not None and kickoff.done_at == NOW
    assert kickoff.done_at.tzinfo is not None and kickoff.done_at.utcoffset() == timedelta(0)
    assert poc.created_at == NOW
    assert poc.evaluator_ids == {"USE", "UAE", "UCH"}


async def test_every_read_is_scoped_by_team(db: Database) -> None:
    mine = await create(db, "T1")
    theirs = await create(db, "T2", channel="C1")  # same channel id in another workspace
    async with db.session() as s:
        assert await snapshots.load_poc(session=s, team_id="T1", poc_id=theirs) is None
        here = await snapshots.live_poc_for_channel(session=s, team_id="T1", channel_id="C1")
        assert here is not None and here.id == mine
        assert [p.id for p in await snapshots.load_pocs(session=s, team_id="T2")] == [theirs]
        assert [
            p.id for p in await snapshots.pocs_for_member(session=s, team_id="T2", user_id="USE")
        ] == [theirs]
        # The scheduler reads the teams whose tokens it holds, and no team is never all teams.
        assert [p.id for p in await snapshots.load_pocs(session=s, team_ids=["T1"])] == [mine]
        assert {p.id for p in await snapshots.load_pocs(session=s, team_ids=["T1", "T2"])} == {
            mine,
            theirs,
        }
        with pytest.raises(ValueError, match="exactly one"):
            await snapshots.load_pocs(session=s)


async def test_live_poc_for_channel_skips_finished_ones(db: Database) -> None:
    old = await create(db)
    async with db.transaction() as s:
        await writes.update_poc(session=s, team_id="T1", poc_id=old, now=NOW, status=Status.won)
    async with db.session() as s:
        assert (
            await snapshots.live_poc_for_channel(session=s, team_id="T1", channel_id="C1") is None
        )
    new = await create(db)
    async with db.session() as s:
        found = await snapshots.live_poc_for_channel(session=s, team_id="T1", channel_id="C1")
    assert found is not None and found.id == new


async def test_load_pocs_query_count_does_not_grow(db: Database) -> None:
    for i in range(12):
        await create(db, channel=f"C{i}")
    with counting(db) as statements:
        async with db.session() as s:
            one = await snapshots.load_pocs(session=s, team_id="T1", poc_ids=[1])
            for_one = len(statements)
            statements.clear()
            many = await snapshots.load_pocs(session=s, team_id="T1")
            for_many = len(statements)
    assert len(one) == 1 and len(many) == 12
    assert for_one == for_many == 13  # 12 tables and the workspace settings


async def test_an_outline_has_people_use_cases_and_milestones_in_four_queries(
    db: Database,
) -> None:
    poc_id = await create(db)
    await first_criterion(db, poc_id)
    with counting(db) as statements:
        async with db.session() as s:
            outline = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id, outline=True)
            whole = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
    assert outline is not None and whole is not None
    assert len(statements) == 4 + 13  # the outline, then 12 tables and the workspace settings
    assert outline.use_cases == whole.use_cases and outline.milestones == whole.milestones
    assert outline.stakeholders == whole.stakeholders
    assert len(whole.criteria) == 1 and outline.criteria == ()


async def test_the_outline_before_an_ack_is_load_pocs_outline_for_this_team_only(
    db: Database,
) -> None:
    poc_id = await create(db)
    await first_criterion(db, poc_id)
    async with db.session() as s:
        with counting(db) as statements:
            fast = await snapshots.load_outline(session=s, team_id="T1", poc_id=poc_id)
        assert len(statements) == 4
        outline = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id, outline=True)
        with counting(db) as statements:
            other_team = await snapshots.load_outline(session=s, team_id="T2", poc_id=poc_id)
        assert len(statements) == 1  # the POC is not T2's: nothing else is read
    assert fast == outline and fast is not None and fast.use_cases
    assert other_team is None
