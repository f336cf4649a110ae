"""Workspace settings in storage: one row per key, the default when none, every team its own,
and a value that no longer reads never stops a sweep."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from bot.domain import DEFAULT_WORKSPACE, Thresholds
from bot.workspace import parse
from storage import models as m
from storage import snapshots, workspace
from storage.db import Database
from tests.storage.pocs import create

NOW = datetime(2026, 11, 23, 14, tzinfo=UTC)


async def save(db: Database, team_id: str, **typed: str) -> None:
    values = dict(parse(k, v) for k, v in typed.items())
    async with db.transaction() as s:
        await workspace.save_settings(session=s, team_id=team_id, values=values, by="U1", now=NOW)


async def test_settings_per_team_with_defaults(db: Database) -> None:
    await save(db, "T1", nudge_hour="8", champion_silent_days="5", admins="U01,U02")
    await save(db, "T1", nudge_hour="10")  # set again: one row, the new value
    async with db.session() as s:
        found = await workspace.load_workspaces(session=s, team_ids=["T1", "T2"])
        rows = (await s.exec(sa.select(sa.func.count()).select_from(m.WorkspaceSetting))).one()
    assert found["T2"] == DEFAULT_WORKSPACE
    assert found["T1"].nudge_hour == 10 and found["T1"].admins == ("U01", "U02")
    assert found["T1"].thresholds == Thresholds(champion_silent_days=5)
    assert rows[0] == 3

    await save(db, "T1", nudge_hour="default", admins="")
    async with db.session() as s:
        ws = await workspace.load_workspace(session=s, team_id="T1")
    assert ws.nudge_hour is None and ws.admins == () and ws.thresholds.champion_silent_days == 5


async def test_a_value_that_no_longer_reads_is_ignored(db: Database) -> None:
    async with db.transaction() as s:
        await s.exec(
            sa.insert(m.WorkspaceSetting.__table__).values(
                team_id="T1", key="nudge_hour", value='"noon"', updated_at=NOW
            )
        )
    await save(db, "T1", digest="off")
    async with db.session() as s:
        ws = await workspace.load_workspace(session=s, team_id="T1")
    assert ws.nudge_hour is None and ws.digest is False


async def test_snapshots_carry_their_workspace_and_its_holiday_country(db: Database) -> None:
    poc_id = await create(db)
    await save(db, "T1", holiday_country="GB", quiet_channels="C0DEAL1")
    async with db.session() as s:
        poc = await snapshots.load_poc(session=s, team_id="T1", poc_id=poc_id)
        teams = await workspace.teams(session=s)
    assert poc is not None and poc.calendar == "GB" and poc.workspace.holiday_country == "GB"
    assert teams == ["T1"]
