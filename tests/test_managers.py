"""The `managers` setting: user ids and user groups, as typed or as Slack writes them; who the
managers are, asked of Slack (the stand-in) once per group per request or sweep."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.domain import WorkspaceSettings
from bot.managers import is_manager, manager_ids
from bot.sandbox.slack_api import SlackStandIn
from bot.views.settings import read_settings, settings_modal
from bot.workspace import BadValue, parse, settings_from


def test_managers_take_users_and_user_groups_as_typed_or_as_slack_writes_them() -> None:
    assert parse("managers", "U01AB, <@U02CD>, S0123ABC,<!subteam^S0456DEF|@sales-mgrs>") == (
        "managers",
        ["U01AB", "U02CD", "S0123ABC", "S0456DEF"],
    )
    assert settings_from({"managers": '["U01AB", "S0123ABC"]'}).managers == ("U01AB", "S0123ABC")
    with pytest.raises(BadValue, match="user or user group ids"):
        parse("managers", "C0123ABC")  # a channel is no manager
    # admins stay people: a group cannot change the settings
    with pytest.raises(BadValue):
        parse("admins", "S0123ABC")


def test_the_settings_modal_keeps_a_user_group_it_cannot_show() -> None:
    ws = WorkspaceSettings(managers=("U01AB", "S0123ABC"))
    modal = settings_modal(ws, deployment_hour=9)
    block = next(b for b in modal["blocks"] if b.get("block_id") == "managers")
    assert block["element"]["initial_users"] == ["U01AB"]
    assert "S0123ABC" in block["hint"]["text"]
    values = {
        "sponsor_stall_days": {"x": {"type": "number_input", "value": "7"}},
        "champion_silent_days": {"x": {"type": "number_input", "value": "3"}},
        "timeframe_warning_days": {"x": {"type": "number_input", "value": "30"}},
        "managers": {"managers": {"type": "multi_users_select", "selected_users": ["U09ZZ"]}},
    }
    new, errors = read_settings(values, ws, deployment_hour=9)
    assert not errors and new is not None
    assert new.managers == ("U09ZZ", "S0123ABC")


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        stand_in.add_usergroup("S0MGRS", ["UMGR1", "UMGR2"])
        yield stand_in


@pytest.fixture
async def client(slack: SlackStandIn) -> AsyncIterator[AsyncWebClient]:
    c = web_client(Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url))
    yield c
    await close_client(c)


async def test_a_user_group_counts_its_members_asked_once_per_cache(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    ws = WorkspaceSettings(managers=("UBOSS", "S0MGRS"))
    cache: dict[str, frozenset[str]] = {}
    assert await manager_ids(client, ws, cache) == {"UBOSS", "UMGR1", "UMGR2"}
    assert await is_manager(client, ws, "UMGR2", cache)
    assert not await is_manager(client, ws, "USE", cache)
    assert len(slack.calls_to("usergroups.users.list")) == 1, "one call per group per cache"
    # A person named by id is known without asking Slack.
    assert await is_manager(client, WorkspaceSettings(managers=("UBOSS",)), "UBOSS")
    assert not await is_manager(client, WorkspaceSettings(managers=("UBOSS",)), "USE")
    assert len(slack.calls_to("usergroups.users.list")) == 1


async def test_a_group_slack_will_not_list_makes_nobody_a_manager(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    ws = WorkspaceSettings(managers=("S0GONE", "UBOSS"))
    assert await manager_ids(client, ws) == {"UBOSS"}
    asked = [c for c in slack.calls if c.method == "usergroups.users.list"]
    assert [c.error for c in asked] == ["no_such_subteam"]


async def test_without_usergroups_read_nobody_in_a_group_is_a_manager() -> None:
    async with SlackStandIn(scopes={"users:read"}) as slack:
        slack.add_usergroup("S0MGRS", ["UMGR1"])
        client = web_client(Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url))
        try:
            assert not await is_manager(client, WorkspaceSettings(managers=("S0MGRS",)), "UMGR1")
        finally:
            await close_client(client)
        assert [c.needed for c in slack.scope_refusals] == ["usergroups:read"]
        slack.scope_refusals.clear()
