"""The stand-in enforces OAuth scopes as Slack does, from manifest.yml, so a missing scope fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.sandbox.scopes import APP_TOKEN_SCOPES, MANIFEST, METHOD_SCOPES, bot_scopes
from bot.sandbox.slack_api import SlackStandIn
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import sweep
from storage.db import Database
from tests.queries import sent_rows
from tests.scheduler.seed import AE, CHAMPION, SE, TEAM, local, new_poc, seed_poc

#: Wed 21 Oct 2026: the kickoff milestone (for the channel) and the unbriefed executive (an
#: internal alert: by DM to the SE when the deal channel is shared with the prospect) are due.
DAY = date(2026, 10, 21)


def manifest_without(tmp_path: Path, scope: str) -> Path:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    data["oauth_config"]["scopes"]["bot"].remove(scope)
    path = tmp_path / "manifest.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


async def refusal(call: object) -> dict[str, object]:
    with pytest.raises(SlackApiError) as caught:
        await call  # type: ignore[misc]
    return dict(caught.value.response.data)  # type: ignore[arg-type]


@pytest.fixture
async def slack(request: pytest.FixtureRequest) -> AsyncIterator[SlackStandIn]:
    stand_in = SlackStandIn(**getattr(request, "param", {}))
    await stand_in.start()
    stand_in.add_user(SE, "Sam SE")
    stand_in.add_channel("CDEAL", "deal-globex", members=(SE, AE, CHAMPION))
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def client(slack: SlackStandIn) -> AsyncIterator[AsyncWebClient]:
    c = web_client(Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url))
    yield c
    await close_client(c)


def test_every_method_the_stand_in_implements_has_a_scope_entry() -> None:
    implemented = SlackStandIn.implemented_methods()
    assert {"chat.postMessage", "conversations.history", "apps.connections.open"} <= implemented
    missing = implemented - METHOD_SCOPES.keys() - APP_TOKEN_SCOPES.keys()
    assert not missing, f"add these to bot/sandbox/scopes.py from Slack's method pages: {missing}"


def test_the_stand_in_grants_exactly_what_manifest_yml_grants() -> None:
    granted = SlackStandIn().granted
    assert granted == bot_scopes(MANIFEST)
    assert "im:history" in granted, "the DM history check before a re-post reads a DM"


async def test_a_scope_left_out_of_the_manifest_is_refused_as_slack_refuses_it(
    tmp_path: Path,
) -> None:
    slack = SlackStandIn(manifest=manifest_without(tmp_path, "users:read"))
    await slack.start()
    slack.add_user(SE, "Sam SE")
    client = web_client(Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url))
    try:
        answer = await refusal(client.users_info(user=SE))
        assert answer["error"] == "missing_scope"
        assert answer["needed"] == "users:read"
        provided = str(answer["provided"]).split(",")
        assert "users:read" not in provided and "chat:write" in provided
        assert (await client.auth_test())["ok"], "methods needing no scope still work"
        with pytest.raises(AssertionError, match=r"users\.info needs users:read"):
            slack.assert_scopes_sufficed()
    finally:
        await close_client(client)
        await slack.stop()


@pytest.mark.parametrize("slack", [{"scopes": {"channels:history", "im:write"}}], indirect=True)
async def test_a_conversations_method_needs_the_scope_of_that_kind_of_conversation(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    assert (await client.conversations_history(channel="CDEAL"))["ok"]
    dm = (await client.conversations_open(users=SE))["channel"]["id"]
    answer = await refusal(client.conversations_history(channel=dm))
    assert (answer["error"], answer["needed"]) == ("missing_scope", "im:history")
    slack.add_channel("GPRIVATE", is_private=True)
    answer = await refusal(client.conversations_history(channel="GPRIVATE"))
    assert answer["needed"] == "groups:history"
    slack.scope_refusals.clear()


@pytest.mark.parametrize("slack", [{"scopes": {"chat:write"}}], indirect=True)
async def test_without_chat_write_public_a_channel_the_bot_is_not_in_is_refused(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    slack.add_channel("COTHER", bot_member=False)
    answer = await refusal(client.chat_postMessage(channel="COTHER", text="hi"))
    assert answer["error"] == "not_in_channel"
    assert (await client.chat_postMessage(channel="CDEAL", text="hi"))["ok"]


@pytest.mark.parametrize("scopes", ["manifest.yml", "without im:history"])
async def test_a_dm_alert_that_landed_behind_a_5xx_is_found_in_the_dm_not_posted_twice(
    db: Database, tmp_path: Path, scopes: str
) -> None:
    """The next sweep reads the DM's history before re-sending: that needs im:history."""
    manifest = MANIFEST if scopes == "manifest.yml" else manifest_without(tmp_path, "im:history")
    slack = SlackStandIn(manifest=manifest)
    await slack.start()
    for user_id in (SE, AE, CHAMPION):
        slack.add_user(user_id, user_id.lower())
    slack.add_channel("CDEAL", "deal-globex", members=(SE, AE, CHAMPION), is_ext_shared=True)
    client = web_client(
        Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url),
        retry_server_errors=False,
    )
    try:
        await seed_poc(db, new_poc(start=DAY, end=date(2026, 11, 3), exec_briefed=False))
        slack.fail_next("chat.postMessage", status=503, land=True, channel=SE)
        delivery = Delivery(db, pacer=Pacer(0))
        for minute in (5, 20):  # the clock's sweeps, 15 minutes apart
            await sweep(db, client, local(DAY, 9, minute), delivery=delivery)
        alerts = [m for m in slack.posts(SE) if m.metadata]
        # Never posted twice: a history that cannot be read means "maybe landed", not "resend".
        assert len(alerts) == 1
        rows = await sent_rows(db, team_id=TEAM)
        to_se = {r.status for r in rows if r.destination == SE}
        if scopes == "manifest.yml":
            assert to_se == {"sent"}, "found in the DM's history and recorded as sent"
            slack.assert_scopes_sufficed()
        else:
            assert to_se == {"failed"}, "without im:history the check is blind: left undecided"
            assert [c.needed for c in slack.scope_refusals] == ["im:history"]
    finally:
        await close_client(client)
        await slack.stop()


async def test_app_level_and_bot_tokens_are_not_interchangeable(slack: SlackStandIn) -> None:
    api = AsyncWebClient(base_url=slack.api_url)
    opened = await api.apps_connections_open(app_token=slack.app_token)
    assert opened["url"].startswith(f"ws://127.0.0.1:{slack.port}/link/?ticket=")
    answer = await refusal(api.apps_connections_open(app_token=slack.token))
    assert answer["error"] == "not_allowed_token_type"
    answer = await refusal(AsyncWebClient(slack.app_token, base_url=slack.api_url).auth_test())
    assert answer["error"] == "not_allowed_token_type"
    answer = await refusal(api.apps_connections_open(app_token="xapp-1-A0POCBOT-forged"))
    assert answer["error"] == "invalid_auth"
    slack.revoke(slack.app_token, "token_expired")
    answer = await refusal(api.apps_connections_open(app_token=slack.app_token))
    assert answer["error"] == "token_expired"


async def test_an_app_token_without_connections_write_is_refused(slack: SlackStandIn) -> None:
    slack.app_token_scopes = frozenset()
    api = AsyncWebClient(base_url=slack.api_url)
    answer = await refusal(api.apps_connections_open(app_token=slack.app_token))
    assert (answer["error"], answer["needed"]) == ("missing_scope", "connections:write")
