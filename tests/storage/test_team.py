"""The team's POCs for its managers: live ones and those closed since a date, of this team only,
in a fixed number of queries; and the Monday digest's claims (once per manager and Monday)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain import Status
from storage import lifecycle, team
from storage.db import Database
from tests.queries import counting
from tests.storage.pocs import NOW, create

MONDAY = date(2026, 11, 23)


async def close(db: Database, poc_id: int, outcome: Status, days_ago: int) -> None:
    async with db.transaction() as s:
        assert await lifecycle.close(
            session=s,
            team_id="T1",
            poc_id=poc_id,
            outcome=outcome,
            by="USE",
            note="",
            verdict="GO",
            now=NOW - timedelta(days=days_ago),
        )


async def test_live_pocs_and_those_closed_since_of_this_team_only(db: Database) -> None:
    live = await create(db, prospect="Live")
    recent = await create(db, prospect="Closed lately")
    old = await create(db, prospect="Closed long ago")
    await create(db, team="T2", prospect="Another team's")
    await close(db, recent, Status.won, days_ago=89)
    await close(db, old, Status.lost, days_ago=91)
    async with db.session() as s:
        found = await team.team_pocs(session=s, team_id="T1", closed_since=NOW - timedelta(days=90))
    assert sorted((p.id, p.status) for p in found) == [(live, Status.active), (recent, Status.won)]
    assert all(p.stakeholders and p.use_cases for p in found), "whole snapshots"
    async with db.session() as s:
        assert await team.team_pocs(session=s, team_id="T9", closed_since=NOW) == []


async def test_the_same_queries_for_ten_pocs_as_for_fifty(db: Database) -> None:
    async def queries() -> int:
        with counting(db) as statements:
            async with db.session() as s:
                await team.team_pocs(session=s, team_id="T1", closed_since=NOW)
        return len(statements)

    for _ in range(10):
        await create(db)
    ten = await queries()
    for _ in range(40):
        await create(db)
    assert await queries() == ten <= 15


async def test_a_digest_is_claimed_once_and_given_back_when_its_post_failed(db: Database) -> None:
    key = team.digest_key("UMGR", MONDAY)
    assert key == "manager_digest:UMGR:2026-11-23"
    async with db.transaction() as s:
        assert await team.claim_digest(session=s, team_id="T1", key=key, now=NOW)
    async with db.transaction() as s:
        assert not await team.claim_digest(session=s, team_id="T1", key=key, now=NOW)
        # another team's manager of the same id is another digest
        assert await team.claim_digest(session=s, team_id="T2", key=key, now=NOW)
    async with db.session() as s:
        other = team.digest_key("UOTHER", MONDAY)
        assert await team.digests_claimed(session=s, team_id="T1", keys=[key, other]) == {key}
    async with db.transaction() as s:
        await team.release_digest(session=s, team_id="T1", key=key)
    async with db.transaction() as s:
        assert await team.claim_digest(session=s, team_id="T1", key=key, now=NOW)
