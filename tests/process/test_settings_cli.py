"""`python -m bot settings show|set` as an operator runs it, on SQLite and PostgreSQL: the team
found by itself, values checked as App Home checks them, errors in one line and exit 2."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.domain import Thresholds
from storage import workspace
from storage.db import Database
from tests.conftest import PG_SKIP, PG_URL
from tests.process.conftest import START_S, BotProcess, Spawn

TEAM = "T0POCBOT"  # what auth.test says of the stand-in's token


@pytest.fixture(params=["sqlite", "postgres"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of this test's own: a SQLite file, or a PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'settings.db'}"
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    name = f"pocbot_settings_{uuid.uuid4().hex[:10]}"
    admin = Database(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.engine.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.engine.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def run(spawn: Spawn, url: str, *args: str) -> tuple[int, BotProcess]:
    proc = await spawn("settings", *args, db=url, port=False, name=f"settings {' '.join(args)}")
    return await proc.exit_code(within=START_S), proc


async def test_set_and_show_without_naming_the_team(spawn: Spawn, url: str) -> None:
    # An empty database: the token's own team (auth.test) is the one meant.
    code, proc = await run(spawn, url, "set", "admins", "U012AB3CD,", "<@U045EF6GH>")
    assert code == 0, proc.output
    assert "admins                  U012AB3CD, U045EF6GH" in proc.output
    for args in (
        ("set", "nudge_hour", "8"),
        ("set", "holiday_country", "uk"),
        ("set", "digest", "off"),
        ("set", "champion_silent_days", "5"),
        ("set", "overrun_warning_days", "45"),
        ("set", "quiet_channels", "C0DEAL1"),
        ("set", "managers", "U0MGR1", "U0MGR2"),
    ):
        code, proc = await run(spawn, url, *args)
        assert code == 0, proc.output
    code, proc = await run(spawn, url, "show")
    assert code == 0 and f"Workspace settings of {TEAM}" in proc.output
    assert "08:00" in proc.output and "United Kingdom (GB)" in proc.output

    db = Database(url)
    try:
        async with db.session() as s:
            ws = await workspace.load_workspace(session=s, team_id=TEAM)
    finally:
        await db.dispose()
    assert (ws.nudge_hour, ws.holiday_country, ws.digest) == (8, "GB", False)
    assert ws.thresholds == Thresholds(7, 5, 45)
    assert ws.quiet_channels == {"C0DEAL1"}
    assert ws.admins == ("U012AB3CD", "U045EF6GH") and ws.managers == ("U0MGR1", "U0MGR2")

    code, proc = await run(spawn, url, "set", "nudge_hour", "default")
    assert code == 0 and "NUDGE_HOUR *" in proc.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("set", "colour", "blue"), "unknown setting 'colour': use one of nudge_hour"),
        (("set", "nudge_hour", "25"), "nudge_hour: a whole number of hours from 0 to 23"),
        (("set", "holiday_country", "XX"), "two-letter country code"),
        (("set", "digest", "maybe"), "digest: on or off"),
        (("set", "admins", "bob"), "admins: user ids separated by commas"),
    ],
)
async def test_a_bad_key_or_value_is_refused_in_one_line(
    spawn: Spawn, url: str, args: tuple[str, ...], says: str
) -> None:
    code, proc = await run(spawn, url, *args, "--team", "T1")
    assert code == 2, proc.output
    assert f"pocbot: {args[1]}" in proc.output or "pocbot: unknown setting" in proc.output
    assert says in proc.output and "Traceback" not in proc.output


async def test_several_teams_need_naming(spawn: Spawn, url: str) -> None:
    for team in ("T1", "T2"):
        code, proc = await run(spawn, url, "set", "digest", "off", "--team", team)
        assert code == 0, proc.output
    code, proc = await run(spawn, url, "show")
    assert code == 2 and "several teams (T1, T2): pass --team" in proc.output
    code, proc = await run(spawn, url, "show", "--team", "T2")
    assert code == 0 and "digest                  off" in proc.output
