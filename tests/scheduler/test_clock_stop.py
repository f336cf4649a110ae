"""Stopping the clock while a sweep is under way: the sweep gets its grace, then ends quietly."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.sandbox.slack_api import SlackStandIn
from scheduler import clock as clock_module
from scheduler.clock import Clock
from storage.db import Database
from tests.scheduler.seed import local, new_poc, seed_poc

DAY = date(2026, 10, 21)  # a Wednesday: the kickoff milestone is due at 09:00


async def test_a_sweep_cut_short_by_stop_is_not_logged_as_a_failure(
    db: Database,
    slack: SlackStandIn,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock_module, "STOP_GRACE_S", 0.2)
    await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3)))
    slack.fail_next("chat.postMessage", hold=True)  # Slack takes the post and does not answer
    settings = Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url)
    client = web_client(settings, retry_server_errors=False, timeout=5.0)
    clock = Clock(settings, db=db, client=client, now=lambda: local(DAY, 9, 5))
    with caplog.at_level(logging.INFO):
        await clock.start()
        await slack.wait_for(lambda: slack.held)  # the sweep is posting
        await clock.stop()
    await close_client(client)
    assert not clock.sweeping
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert any("cut short by shutdown" in r.getMessage() for r in caplog.records)
