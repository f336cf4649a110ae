"""`python -m bot export` as an operator runs it, on SQLite and PostgreSQL: its files and its
standard output are byte for byte what `/poc export` uploads to Slack from a `serve` process
on the same database; the team found by itself, or named; a bad date in one line, exit 2."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp

from bot.deps import utc_now
from bot.domain import Status
from bot.sandbox.harness import SIGNING_SECRET
from bot.sandbox.signing import SlackClient
from bot.sandbox.slack_api import SlackStandIn
from bot.server import EVENTS_PATH
from bot.workspace import parse
from storage import lifecycle, snapshots, workspace, writes
from storage.db import Database
from storage.migrate import upgrade
from tests.process.conftest import _OURS, START_S, Spawn
from tests.process.test_settings_cli import url  # noqa: F401 - a database of the test's own
from tests.storage.pocs import new_poc

TEAM = "T0POCBOT"  # what auth.test says of the stand-in's token
MANAGER = "UMGR"
NASTY = '=cmd|" /C calc"!A0, Société "EU"\nsecond line'
TODAY = utc_now().date()  # the processes run on the wall clock: the data is set around it
FIRST, LAST = TODAY - timedelta(days=60), TODAY + timedelta(days=1)


async def seed(url: str, team: str = TEAM) -> list[int]:  # noqa: F811
    """A POC closed won with two criteria (one a formula), one running under a prospect name
    full of CSV traps, and the manager named."""
    db = Database(url)
    try:
        await upgrade(db)
        now = utc_now()
        async with db.transaction() as s:
            won = await writes.create_poc(
                session=s,
                team_id=team,
                new=new_poc("C1", start=TODAY - timedelta(days=40), end=TODAY - timedelta(12)),
                now=now,
            )
            running = await writes.create_poc(
                session=s,
                team_id=team,
                new=new_poc(
                    "C2",
                    prospect=NASTY,
                    start=TODAY - timedelta(days=5),
                    end=TODAY + timedelta(days=10),
                ),
                now=now,
            )
            poc = await snapshots.load_poc(session=s, team_id=team, poc_id=won)
            assert poc is not None
            use_case = poc.use_cases[0].id
            for statement in ("Ingests 500 GB within 1 hour", "@SUM(A1) rows within 1 hour"):
                await writes.add_criterion(
                    session=s,
                    team_id=team,
                    poc_id=won,
                    use_case_id=use_case,
                    statement=statement,
                    method="Timed, on their cluster",
                    lint_flags=(),
                    after_kickoff=False,
                    created_by="USE",
                    now=now,
                )
            assert await lifecycle.close(
                session=s,
                team_id=team,
                poc_id=won,
                outcome=Status.won,
                by="UAE",
                note="",
                verdict="GO",
                now=now,
            )
            key, value = parse("managers", MANAGER)
            await workspace.save_settings(
                session=s, team_id=team, values={key: value}, by=None, now=now
            )
        return [won, running]
    finally:
        await db.dispose()


async def uploaded(spawn: Spawn, slack: SlackStandIn, url: str) -> tuple[bytes, bytes]:  # noqa: F811
    """`/poc export since FIRST until LAST` typed by the manager, answered by a `serve`
    process on `url`: the two files' bytes as the stand-in received them."""
    slack.add_user(MANAGER, "Morgan Manager")
    web = await spawn("serve", "--no-clock", db=url)
    async with aiohttp.ClientSession() as http:
        await web.healthy(http)
    async with SlackClient(
        f"http://127.0.0.1:{web.port}{EVENTS_PATH}", SIGNING_SECRET, slack
    ) as client:
        reply = await client.command(MANAGER, "CDEAL", f"export since {FIRST} until {LAST}")
        assert reply.status == 200, reply.text
        dm = slack.dm_id(MANAGER)
        pocs, criteria = await slack.wait_for(
            lambda: len(found := slack.files.shared(dm)) == 2 and found, within=START_S
        )
    await web.stop()
    return pocs.data or b"", criteria.data or b""


async def cli(slack: SlackStandIn, url: str, *args: str) -> tuple[int, bytes, str]:  # noqa: F811
    """`python -m bot export …`: (exit status, standard output as bytes, standard error)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(_OURS)}
    environ.update(SLACK_BOT_TOKEN=slack.token, SLACK_API_URL=slack.api_url, DATABASE_URL=url)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "export",
        *args,
        env=environ,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), START_S)
    assert proc.returncode is not None
    return proc.returncode, out, err.decode()


async def test_the_command_line_writes_what_slack_received(
    spawn: Spawn,
    slack: SlackStandIn,
    url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    won, running = await seed(url)
    pocs, criteria = await uploaded(spawn, slack, url)
    rows = list(csv.DictReader(io.StringIO(pocs.decode(), newline="")))
    assert [r["poc_id"] for r in rows] == [str(won), str(running)]
    assert rows[1]["prospect"] == "'" + NASTY and rows[0]["status"] == "won"

    out = tmp_path / "pocs.csv"
    period = ("--since", str(FIRST), "--until", str(LAST))
    code, stdout, stderr = await cli(slack, url, *period, "--out", str(out))
    assert code == 0, stderr
    assert out.read_bytes() == pocs
    assert (tmp_path / "pocs-criteria.csv").read_bytes() == criteria
    assert stdout == b"" and f"2 POCs and 2 criteria of {TEAM}" in stderr

    code, stdout, stderr = await cli(slack, url, *period)
    assert code == 0, stderr
    assert stdout == pocs

    elsewhere = tmp_path / "c.csv"
    code, stdout, _ = await cli(slack, url, *period, "--criteria-out", str(elsewhere))
    assert (code, stdout, elsewhere.read_bytes()) == (0, pocs, criteria)


async def test_the_team_is_named_when_the_database_holds_several(
    slack: SlackStandIn,
    url: str,  # noqa: F811
) -> None:
    await seed(url)
    (other, _) = await seed(url, team="T2")
    code, stdout, stderr = await cli(slack, url, "--since", str(FIRST))
    assert code == 2 and stdout == b""
    assert f"several teams ({TEAM}, T2): pass --team" in stderr and "Traceback" not in stderr
    code, stdout, stderr = await cli(slack, url, "--since", str(FIRST), "--team", "T2")
    assert code == 0, stderr
    rows = list(csv.DictReader(io.StringIO(stdout.decode(), newline="")))
    assert len(rows) == 2 and rows[0]["poc_id"] == str(other)


async def test_a_bad_date_is_refused_in_one_line(slack: SlackStandIn, url: str) -> None:  # noqa: F811
    code, stdout, stderr = await cli(slack, url, "--since", "2026-13-01")
    assert code == 2 and stdout == b"" and "not a date like 2026-01-31: '2026-13-01'" in stderr
    code, _, stderr = await cli(slack, url, "--since", "2026-03-01", "--until", "2026-02-01")
    assert code == 2 and "pocbot: --since 2026-03-01 is after 2026-02-01" in stderr
