"""storage.lifecycle: each change to a POC's life is a conditional UPDATE with its trail, so
two requests racing to close or pause one cannot both win, and the loser writes nothing."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.domain import EventKind, Status
from storage import lifecycle, snapshots
from storage import models as m
from storage.db import Database
from tests.storage.pocs import NOW, create


async def events(db: Database) -> list[tuple[str, str | None, str]]:
    async with db.session() as s:
        rows = (await s.exec(sa.select(m.PocEvent.kind, m.PocEvent.by, m.PocEvent.detail))).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def close(db: Database, poc_id: int, *, team: str = "T1", by: str | None = "UAE") -> bool:
    async with db.transaction() as s:
        return await lifecycle.close(
            session=s,
            team_id=team,
            poc_id=poc_id,
            outcome=Status.won,
            by=by,
            note="Signed",
            verdict="GO",
            now=NOW,
        )


async def test_a_poc_closes_once_and_keeps_what_win_rates_need(db: Database) -> None:
    poc_id = await create(db)
    assert await close(db, poc_id, team="T2") is False, "another team's id closes nothing"
    assert await close(db, poc_id) is True
    assert await close(db, poc_id, by="USE") is False
    async with db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
        row = await s.get(m.Poc, poc_id)
    assert poc is not None and row is not None
    assert (poc.status, poc.closed_by, poc.closed_at, poc.close_note) == (
        Status.won,
        "UAE",
        NOW,
        "Signed",
    )
    # Closed before kickoff was frozen: the verdict of the day is kept as the kickoff's.
    assert (row.outcome, row.kickoff_verdict, poc.kickoff_verdict_at) == ("won", "GO", NOW)
    assert await events(db) == [(EventKind.closed, "UAE", "won: Signed")]


async def test_a_frozen_kickoff_verdict_stays(db: Database) -> None:
    poc_id = await create(db)
    async with db.transaction() as s:
        first = await lifecycle.freeze_kickoff_verdict(
            session=s, team_id="T1", poc_id=poc_id, verdict="AT RISK", now=NOW
        )
        again = await lifecycle.freeze_kickoff_verdict(
            session=s, team_id="T1", poc_id=poc_id, verdict="GO", now=NOW
        )
    assert (first, again) == (True, False)
    await close(db, poc_id)
    async with db.session() as s:
        row = await s.get(m.Poc, poc_id)
    assert row is not None and row.kickoff_verdict == "AT RISK"


async def test_pause_resume_and_the_offer_to_shift_answered_once(db: Database) -> None:
    poc_id = await create(db)
    async with db.transaction() as s:
        assert await lifecycle.pause(
            session=s, team_id="T1", poc_id=poc_id, by="USE", reason="Budget", now=NOW
        )
        assert not await lifecycle.pause(
            session=s, team_id="T1", poc_id=poc_id, by="USE", reason="Again", now=NOW
        )
    later = NOW + timedelta(days=7)
    async with db.transaction() as s:
        assert await lifecycle.resume(
            session=s,
            team_id="T1",
            poc_id=poc_id,
            status=Status.active,
            paused_days=5,
            by="USE",
            now=later,
        )
    async with db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
    assert poc is not None and (poc.status, poc.resume_shift, poc.paused_at) == (
        Status.active,
        5,
        NOW,
    )
    async with db.transaction() as s:
        took = [
            await lifecycle.take_resume_shift(session=s, team_id="T1", poc_id=poc_id, offered=5)
            for _ in range(2)
        ]
    assert took == [True, False]
    assert [e[0] for e in await events(db)] == [EventKind.paused, EventKind.resumed]
    assert await close(db, poc_id)
    async with db.transaction() as s:
        assert not await lifecycle.pause(
            session=s, team_id="T1", poc_id=poc_id, by="USE", reason="", now=NOW
        ), "a closed POC does not pause"
