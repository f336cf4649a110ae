"""Who can read a channel, asked of the Slack stand-in: shared, guests, another team's
members; answers cached, and the users.info calls of one check bounded however big the
channel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.privacy import ChannelInfo, internal_targets, outsider
from bot.sandbox.slack_api import SlackStandIn
from tests.views.factories import AE, SE, make_poc

CHANNEL = "CBIG"


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        yield stand_in


@pytest.fixture
async def client(slack: SlackStandIn) -> AsyncIterator[AsyncWebClient]:
    c = web_client(Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url))
    yield c
    await close_client(c)


def colleagues(slack: SlackStandIn, n: int) -> list[str]:
    ids = [f"UCOL{i:04d}" for i in range(n)]
    for user_id in ids:
        slack.add_user(user_id, user_id.lower())
    return ids


@pytest.mark.parametrize(
    ("user", "readable"),
    [
        ({"team_id": "T1"}, False),
        ({"team_id": "T1", "is_bot": True}, False),
        ({"team_id": "T1", "is_restricted": True}, True),
        ({"team_id": "T1", "is_ultra_restricted": True}, True),
        ({"team_id": "TPROSPECT"}, True),
    ],
)
def test_who_is_an_outsider(user: dict[str, object], readable: bool) -> None:
    assert outsider(user, "T1") is readable


async def test_only_colleagues_means_private(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.add_channel(CHANNEL, members=tuple(colleagues(slack, 5)))
    assert await ChannelInfo().prospect_readable(client, CHANNEL) is False


@pytest.mark.parametrize("how", ["shared", "guest", "single-channel guest", "other team"])
async def test_shared_guests_and_other_teams_make_it_readable(
    slack: SlackStandIn, client: AsyncWebClient, how: str
) -> None:
    members = colleagues(slack, 3)
    if how == "guest":
        members.append(slack.add_guest("UGUEST", "guest").id)
    elif how == "single-channel guest":
        members.append(slack.add_guest("UGUEST", "guest", single_channel=True).id)
    elif how == "other team":
        members.append(slack.add_outsider("UPROSPECT", "prospect").id)
    slack.add_channel(CHANNEL, members=tuple(members), is_ext_shared=how == "shared")
    assert await ChannelInfo().prospect_readable(client, CHANNEL) is True


async def test_a_big_channel_is_read_in_pages_and_looked_up_within_the_bound(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    slack.add_channel(CHANNEL, members=tuple(colleagues(slack, 450)))
    cache = ChannelInfo(max_lookups=200)
    # 451 members (the bot too) and 200 lookups a check: not known after one or two checks…
    assert await cache.prospect_readable(client, CHANNEL) is None
    assert cache.user_lookups == 200
    assert len(slack.calls_to("conversations.members")) == 3  # pages of 200
    assert await cache.prospect_readable(client, CHANNEL) is None
    # …and private on the third, each person having been looked up once.
    assert await cache.prospect_readable(client, CHANNEL) is False
    assert cache.user_lookups == len(slack.calls_to("users.info")) == 451
    # Cached: asking again costs nothing.
    calls = len(slack.calls)
    assert await cache.prospect_readable(client, CHANNEL) is False
    assert len(slack.calls) == calls


async def test_a_guest_already_known_answers_at_once(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    guest = slack.add_guest("UGUEST", "guest").id
    slack.add_channel("CSMALL", members=(guest,))
    cache = ChannelInfo(max_lookups=10)
    assert await cache.prospect_readable(client, "CSMALL") is True
    slack.add_channel(CHANNEL, members=(*colleagues(slack, 300), guest))
    looked = cache.user_lookups
    assert await cache.prospect_readable(client, CHANNEL) is True
    assert cache.user_lookups == looked  # the guest was known: nobody else looked up


async def test_forget_asks_again(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.add_channel(CHANNEL, members=tuple(colleagues(slack, 2)))
    cache = ChannelInfo()
    assert await cache.prospect_readable(client, CHANNEL) is False
    slack.channels[CHANNEL].members.add(slack.add_outsider("UPROSPECT", "p").id)
    assert await cache.prospect_readable(client, CHANNEL) is False  # cached
    cache.forget(CHANNEL)
    assert await cache.prospect_readable(client, CHANNEL) is True


def test_a_blocked_internal_channel_sends_internal_content_by_dm() -> None:
    poc = make_poc(internal_channel_id="CINT", stakeholders=(SE, AE))
    assert internal_targets(poc, shared=False, deal_channel_allowed=True) == ["CINT"]
    targets = internal_targets(poc, shared=False, deal_channel_allowed=True, blocked={"CINT"})
    assert targets == [SE.user_id, AE.user_id]
