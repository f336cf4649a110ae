"""Storage on SQLite and PostgreSQL: the same tests, both databases (see tests/conftest.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from bot.domain import (
    Cadence,
    MilestoneKind,
    NewPoc,
    Person,
    Role,
    ScopeChangeKind,
    ScopeResolution,
    Skin,
    Status,
    Verdict,
)
from storage import sentlog, snapshots, verdicts, writes
from storage.db import Database, async_url
from storage.migrate import alembic_config, current_revision, upgrade
from tests.queries import counting, sent_rows

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


async def test_migration_from_empty_is_idempotent(db: Database) -> None:
    # The fixture already migrated; running again must change nothing and keep the head.
    await upgrade(db)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert await current_revision(db) == head
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    assert {"poc", "criterion", "nudge_log", "verdict_event", "milestone"} <= tables


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


async def test_naive_timestamps_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive"):
        async with db.transaction() as s:
            await writes.create_poc(
                session=s, team_id="T1", new=new_poc(), now=NOW.replace(tzinfo=None)
            )


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
    assert for_one == for_many == 11


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
    assert len(statements) == 4 + 11
    assert outline.use_cases == whole.use_cases and outline.milestones == whole.milestones
    assert outline.stakeholders == whole.stakeholders
    assert len(whole.criteria) == 1 and outline.criteria == ()


async def test_a_retried_reaction_event_is_recorded_once(db: Database) -> None:
    poc_id = await create(db)
    criterion_id = await first_criterion(db, poc_id)
    args = dict(
        team_id="T1",
        criterion_id=criterion_id,
        user_id="UCH",
        reaction="white_check_mark",
        verdict=Verdict.passed,
        added=True,
        at=NOW,
        event_key="Ev1",
    )
    async with db.transaction() as s:
        assert await verdicts.record_reaction(session=s, **args) is True  # type: ignore[arg-type]
    async with db.transaction() as s:
        assert await verdicts.record_reaction(session=s, **args) is False  # type: ignore[arg-type]
    async with db.session() as s:
        assert (
            len(await verdicts.votes_for(session=s, team_id="T1", criterion_id=criterion_id)) == 1
        )
        # Another team's history is separate even with the same event key.
        assert await verdicts.votes_for(session=s, team_id="T2", criterion_id=criterion_id) == []


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


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/d", "postgresql+asyncpg://u:***@h:5432/d"),
        ("postgresql://u@h/d", "postgresql+asyncpg://u@h/d"),
        ("sqlite:///pocbot.db", "sqlite+aiosqlite:///pocbot.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_urls_map_to_async_drivers(given: str, expected: str) -> None:
    assert str(async_url(given)) == expected


def test_unknown_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        async_url("mysql://root@localhost/test")
