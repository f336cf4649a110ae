"""Scheduler fixtures: the Slack stand-in and a Web API client on it, as the clock builds one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.sandbox.slack_api import SlackStandIn
from scheduler.delivery import Delivery, Pacer
from storage.db import Database
from tests.blockkit import check_everything_sent
from tests.scheduler.seed import AE, CHAMPION, SE


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn(team_id="T0POCBOT") as stand_in:
        for user_id in (SE, AE, CHAMPION):
            stand_in.add_user(user_id, user_id.lower())
        stand_in.add_channel("CDEAL", "deal-globex", members=(SE, AE, CHAMPION))
        yield stand_in
        check_everything_sent(stand_in)


@pytest.fixture
async def client(slack: SlackStandIn) -> AsyncIterator[AsyncWebClient]:
    settings = Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url)
    # A hung Slack is given up on quickly in tests.
    c = web_client(settings, retry_server_errors=False, timeout=0.5)
    yield c
    await close_client(c)


@pytest.fixture
def delivery(db: Database) -> Delivery:
    # No pacing waits in tests: the logic is the same, only the clock differs.
    return Delivery(db, pacer=Pacer(0))
