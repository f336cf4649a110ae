"""storage.sentlog: a nudge claimed once per destination, on both databases."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from storage import sentlog
from storage.db import Database
from tests.queries import sent_rows
from tests.storage.pocs import NOW, create


async def _claim(db: Database, poc_id: int, when: datetime = NOW) -> int | None:
    """One claim of today's cadence nudge through the sweep's path: insert its key, or take
    back the row that has it (the SQL decides whether that row may be taken)."""
    async with db.session() as s:
        rows = await sentlog.sent_log(session=s, team_ids=["T1"], since=date(2026, 11, 16))
    wanted = sentlog.NewClaim("T1", poc_id, "cadence", "cadence", date(2026, 11, 16), "C1")
    async with db.transaction() as s:
        claims = await sentlog.claim_nudges(
            session=s, wanted=[wanted], retake=[r.id for r in rows], now=when
        )
    return claims[0].id if claims else None


async def test_the_sent_log_key_holds_under_concurrent_claimers(db: Database) -> None:
    poc_id = await create(db)
    # Two claimers on separate connections, started together: exactly one wins.
    results = await asyncio.gather(*(_claim(db, poc_id) for _ in range(8)))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    rows = await sent_rows(db, team_id="T1", poc_id=poc_id)
    assert [(r.status, r.attempts) for r in rows] == [("claimed", 1)]


async def test_a_failed_nudge_can_be_claimed_again_but_a_sent_one_cannot(db: Database) -> None:
    poc_id = await create(db)
    first = await _claim(db, poc_id)
    assert first is not None
    async with db.transaction() as s:
        await sentlog.finish_nudges(
            session=s, ids=[first], status=sentlog.NudgeStatus.failed, now=NOW, error="http_500"
        )
    # Not at once: Slack may still show a failed post for LATE_LANDING; then one claimer wins.
    assert await _claim(db, poc_id) is None
    later = NOW + sentlog.LATE_LANDING
    again = await asyncio.gather(*(_claim(db, poc_id, later) for _ in range(4)))
    assert [r for r in again if r is not None] == [first]
    async with db.transaction() as s:
        await sentlog.finish_nudges(
            session=s, ids=[first], status=sentlog.NudgeStatus.sent, now=NOW, message_ts="1.000100"
        )
    assert await _claim(db, poc_id, later + sentlog.STALE_CLAIM * 2) is None
    (row,) = await sent_rows(db, team_id="T1", poc_id=poc_id)
    assert (row.status, row.attempts, row.message_ts, row.last_error) == (
        "sent",
        2,
        "1.000100",
        None,
    )
