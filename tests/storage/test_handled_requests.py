"""Replays and the kickoff claim, on SQLite and PostgreSQL: one winner, whatever the timing."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import sqlalchemy as sa

from scheduler.clock import forget_old_requests
from storage import models as m
from storage import replays, writes
from storage.db import Database
from tests.storage.pocs import NOW, create


async def _claim_and_park(db: Database, key: str, team: str = "T1", poc_id: int = 1) -> bool:
    """What a handler does: claim the request's key and write, in one transaction."""
    async with db.transaction() as s:
        if not await replays.claim_request(session=s, team_id=team, key=key, now=NOW):
            return False
        await writes.park(session=s, team_id=team, poc_id=poc_id, text="SSO", by="USE", now=NOW)
        return True


async def _parked(db: Database) -> int:
    async with db.session() as s:
        return int(await s.scalar(sa.select(sa.func.count()).select_from(m.ParkedItem)))


async def test_a_request_key_is_claimed_once_even_concurrently(db: Database) -> None:
    poc_id = await create(db)
    results = await asyncio.gather(
        *(_claim_and_park(db, "trigger:1.2.abc", poc_id=poc_id) for _ in range(8))
    )
    assert sorted(results) == [False] * 7 + [True]
    assert await _parked(db) == 1


async def test_a_failed_write_leaves_the_key_free(db: Database) -> None:
    poc_id = await create(db)

    class Boom(Exception):
        pass

    try:
        async with db.transaction() as s:
            assert await replays.claim_request(session=s, team_id="T1", key="view:V1:h1", now=NOW)
            raise Boom
    except Boom:
        pass
    assert await _claim_and_park(db, "view:V1:h1", poc_id=poc_id)  # the retry goes through


async def test_keys_are_per_team(db: Database) -> None:
    mine, theirs = await create(db, "T1"), await create(db, "T2", channel="C2")
    assert await _claim_and_park(db, "trigger:same", "T1", mine)
    assert await _claim_and_park(db, "trigger:same", "T2", theirs)
    assert not await _claim_and_park(db, "trigger:same", "T2", theirs)


async def test_old_keys_are_forgotten(db: Database) -> None:
    async with db.transaction() as s:
        await replays.claim_request(session=s, team_id="T1", key="old", now=NOW - timedelta(days=2))
        await replays.claim_request(session=s, team_id="T1", key="new", now=NOW)
    assert await forget_old_requests(db, NOW) == 1  # what every clock tick does
    async with db.transaction() as s:
        assert await replays.claim_request(session=s, team_id="T1", key="old", now=NOW)
        assert not await replays.claim_request(session=s, team_id="T1", key="new", now=NOW)


async def _claim_kickoff(db: Database, poc_id: int, team: str = "T1") -> bool:
    async with db.transaction() as s:
        return await writes.claim_kickoff(session=s, team_id=team, poc_id=poc_id, now=NOW)


async def test_the_kickoff_is_claimed_once_and_released_only_when_refused(db: Database) -> None:
    poc_id = await create(db)
    assert not await _claim_kickoff(db, poc_id, team="T2"), "another team's POC id"
    results = await asyncio.gather(*(_claim_kickoff(db, poc_id) for _ in range(8)))
    assert sorted(results) == [False] * 7 + [True]

    async with db.transaction() as s:  # Slack refused the post: it may be tried again
        await writes.release_kickoff(session=s, team_id="T1", poc_id=poc_id)
    assert await _claim_kickoff(db, poc_id)
    async with db.transaction() as s:  # posted
        await writes.update_poc(
            session=s, team_id="T1", poc_id=poc_id, now=NOW, kickoff_message_ts="1.1"
        )
        await writes.release_kickoff(
            session=s, team_id="T1", poc_id=poc_id
        )  # no effect once posted
    assert not await _claim_kickoff(db, poc_id)
