"""storage.writes: what the flows store, once and only in their own team."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain import (
    Role,
    ScopeChangeKind,
    ScopeResolution,
)
from storage import snapshots, writes
from storage.db import Database
from tests.storage.pocs import NOW, create


async def test_scope_changes_resolve_once(db: Database) -> None:
    poc_id = await create(db)
    async with db.transaction() as s:
        change = await writes.add_scope_change(
            session=s,
            team_id="T1",
            poc_id=poc_id,
            kind=ScopeChangeKind.use_case_added,
            detail="AD",
            now=NOW,
        )
    async with db.transaction() as s:
        assert (
            await writes.resolve_scope_change(
                session=s,
                team_id="T2",
                change_id=change,
                resolution=ScopeResolution.parked,
                by="U",
                now=NOW,
            )
            is False
        )
        done = await writes.resolve_scope_change(
            session=s,
            team_id="T1",
            change_id=change,
            resolution=ScopeResolution.parked,
            by="U",
            now=NOW,
        )
        assert done is True
        again = await writes.resolve_scope_change(
            session=s,
            team_id="T1",
            change_id=change,
            resolution=ScopeResolution.accepted,
            by="U",
            now=NOW,
        )
        assert again is False
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
    assert poc is not None
    assert [c.resolution for c in poc.scope_changes] == [ScopeResolution.parked]


async def test_snooze_upserts(db: Database) -> None:
    poc_id = await create(db)
    for until in (date(2026, 11, 17), date(2026, 11, 18)):
        async with db.transaction() as s:
            await writes.snooze(session=s, team_id="T1", poc_id=poc_id, key="cadence", until=until)
    async with db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
    assert poc is not None and dict(poc.snoozed_until) == {"cadence": date(2026, 11, 18)}


async def test_last_seen_touches_only_live_pocs_in_that_channel(db: Database) -> None:
    here = await create(db, channel="C1")
    await create(db, channel="C2")
    later = NOW + timedelta(hours=3)
    async with db.transaction() as s:
        changed = await writes.touch_last_seen(
            session=s, team_id="T1", channel_id="C1", user_id="UCH", at=later
        )
    assert changed == 1
    async with db.session() as s:
        pocs = {p.id: p for p in await snapshots.load_pocs(session=s, team_id="T1")}
    assert pocs[here].person(Role.champion).last_seen_at == later  # type: ignore[union-attr]
    other = next(p for i, p in pocs.items() if i != here)
    assert other.person(Role.champion).last_seen_at is None  # type: ignore[union-attr]
