"""The OAuth mode's settings and scopes: what turns it on, what it asks for, what it refuses."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings
from bot.installations import BOT_SCOPES, SignedStates
from bot.sandbox.scopes import MANIFEST, bot_scopes
from storage.db import Database

OAUTH = {"slack_client_id": "1.2", "slack_client_secret": "s", "slack_state_secret": "x"}


def test_an_oauth_install_asks_for_exactly_the_manifest_s_scopes() -> None:
    assert sorted(BOT_SCOPES) == sorted(bot_scopes(MANIFEST))
    assert len(set(BOT_SCOPES)) == len(BOT_SCOPES)


def test_oauth_mode_needs_its_three_variables_and_the_signing_secret() -> None:
    assert not Settings(slack_bot_token="xoxb-1").oauth
    with pytest.raises(ConfigError) as e:
        Settings(slack_client_id="1.2").require_slack()
    message = str(e.value.code)
    for missing in ("SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET", "SLACK_SIGNING_SECRET"):
        assert missing in message
    assert "SLACK_BOT_TOKEN" not in message  # no token in this mode
    Settings(**OAUTH, slack_signing_secret="sig").require_slack()


def test_oauth_mode_refuses_socket_mode_in_one_line() -> None:
    with pytest.raises(ConfigError, match="served over HTTP"):
        Settings(**OAUTH, slack_signing_secret="sig", slack_app_token="xapp-1").require_slack()


async def test_a_state_not_signed_with_our_secret_is_refused(db: Database) -> None:
    ours = SignedStates(secret="ours", db=db)
    theirs = SignedStates(secret="theirs", db=db)
    state = await ours.async_issue()
    assert not await theirs.async_consume(state)  # signed with another secret
    assert not await ours.async_consume(state.rpartition(".")[0] + ".0000")  # tampered
    assert not await ours.async_consume("no-signature")
    assert await ours.async_consume(state)  # ours, once
    assert not await ours.async_consume(state)  # and never again
