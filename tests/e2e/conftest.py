"""End-to-end fixtures: the real server on a loopback port, its client on the Slack stand-in.

Every test here talks to pocbot over HTTP with requests signed as Slack signs them, on
SQLite and on PostgreSQL, and every payload the bot sent is validated when the test ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from bot.sandbox.harness import Clock, Sandbox
from bot.sandbox.slack_api import SlackStandIn
from storage.db import Database
from tests.blockkit import check_everything_sent

DEAL = "CDEAL"
SE, AE, CHAMPION, BIZ, EXEC, OUTSIDER = "USE", "UAE", "UCHAMP", "UBIZ", "UEXEC", "UOUTSIDER"
#: Monday 23 November 2026, 09:00 in New York
MONDAY_9AM_NY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def deal_team(slack: SlackStandIn) -> None:
    """The people and the deal channel every end-to-end test starts with."""
    for user_id, name in [
        (SE, "Sam SE"),
        (AE, "Alex AE"),
        (CHAMPION, "Chris Champion"),
        (BIZ, "Bea Business"),
        (EXEC, "Erin Exec"),
        (OUTSIDER, "Olly Outsider"),
    ]:
        slack.add_user(user_id, name, tz="America/New_York")
    slack.add_channel(DEAL, "deal-globex", members=(SE, AE, CHAMPION), bot_member=False)


@pytest.fixture
async def sb(db: Database) -> AsyncIterator[Sandbox]:
    async with deal_sandbox(db) as sandbox:
        yield sandbox


@asynccontextmanager
async def deal_sandbox(db: Database) -> AsyncIterator[Sandbox]:
    """The bot on `db`, a deal channel with the SE, AE and champion, and everyone's names;
    every payload sent is validated when it ends."""
    sandbox = Sandbox(db, clock=Clock(MONDAY_9AM_NY))
    deal_team(sandbox.slack)
    async with sandbox:
        yield sandbox
        check_everything_sent(sandbox.slack)
