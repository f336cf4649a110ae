"""The stand-in's Socket Mode, driven by slack_sdk's own aiohttp Socket Mode client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.signing import SlackOverSocket
from bot.sandbox.slack_api import SlackStandIn
from bot.sandbox.socket_link import NotAcknowledged


class App:
    """A minimal Socket Mode app: records what it hears, acks with what `answer` says."""

    def __init__(self, slack: SlackStandIn) -> None:
        self.heard: list[dict[str, Any]] = []
        self.requests: list[SocketModeRequest] = []
        self.answer: dict[str, Any] | None = None
        self.silent = False
        self.web = AsyncWebClient(base_url=slack.api_url)
        self.client = SocketModeClient(slack.app_token, web_client=self.web, ping_interval=1)
        self.client.message_listeners.append(self._heard)
        self.client.socket_mode_request_listeners.append(self._request)

    async def _heard(self, _client: object, message: dict[str, Any], _raw: str | None) -> None:
        self.heard.append(message)

    async def _request(self, client: SocketModeClient, request: SocketModeRequest) -> None:
        self.requests.append(request)
        if not self.silent:
            ack = SocketModeResponse(request.envelope_id, payload=self.answer)
            await client.send_socket_mode_response(ack)


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        stand_in.add_user("USE", "Sam SE")
        stand_in.add_channel("CDEAL")
        yield stand_in


@pytest.fixture
async def app(slack: SlackStandIn) -> AsyncIterator[App]:
    app = App(slack)
    await app.client.connect()
    await slack.wait_for(lambda: slack.link.connected)
    yield app
    await app.client.close()


async def test_hello_first_then_envelopes_acked_by_envelope_id(
    slack: SlackStandIn, app: App
) -> None:
    await slack.wait_for(lambda: app.heard)
    hello = app.heard[0]
    assert hello["type"] == "hello"
    assert hello["connection_info"] == {"app_id": "A0POCBOT"}
    assert hello["num_connections"] == 1

    app.answer = {"text": "Usage: /poc new"}
    people = SlackOverSocket(slack)
    reply = await people.command("USE", "CDEAL", "help")
    assert (reply.status, reply.json()) == (200, {"text": "Usage: /poc new"})
    (request,) = app.requests
    assert request.type == "slash_commands" and request.accepts_response_payload
    assert request.payload["command"] == "/poc" and request.payload["text"] == "help"
    (envelope,) = slack.link.envelopes
    assert envelope.envelope_id == request.envelope_id and envelope.ack_seconds is not None

    app.answer = None
    reply = await people.event({"type": "app_home_opened", "user": "USE"}, retry=2)
    assert (reply.status, reply.text) == (200, "")
    event = app.requests[-1]
    assert (event.type, event.retry_attempt, event.retry_reason) == ("events_api", 2, "timeout")
    assert not event.accepts_response_payload
    assert event.payload["event"]["type"] == "app_home_opened"


async def test_a_view_submission_may_answer_in_its_ack(slack: SlackStandIn, app: App) -> None:
    app.answer = {"response_action": "errors", "errors": {"end": "Pick a later date"}}
    people = SlackOverSocket(slack)
    view = {"type": "modal", "callback_id": "poc_new", "blocks": []}
    reply = await people.submit("USE", view, {})
    assert reply.json() == app.answer
    request = app.requests[-1]
    assert (request.type, request.payload["type"]) == ("interactive", "view_submission")
    assert request.accepts_response_payload


async def test_an_envelope_nobody_acks_is_reported(slack: SlackStandIn, app: App) -> None:
    app.silent = True
    with pytest.raises(NotAcknowledged, match=r"slash_commands envelope .* not acknowledged"):
        await slack.link.deliver("slash_commands", {"command": "/poc"}, within=0.3)


async def test_refresh_requested_makes_the_client_reconnect_with_a_new_url(
    slack: SlackStandIn, app: App
) -> None:
    await slack.link.disconnect("refresh_requested")
    await slack.wait_for(lambda: slack.link.opened == 2 and len(slack.link.connected) == 1)
    assert len(slack.calls_to("apps.connections.open")) == 2
    reply = await SlackOverSocket(slack).command("USE", "CDEAL", "help")
    assert reply.status == 200


async def test_a_url_opens_one_connection_and_no_socket_means_no_delivery(
    slack: SlackStandIn,
) -> None:
    with pytest.raises(NotAcknowledged, match="no Socket Mode connection"):
        await slack.link.deliver("events_api", {})
    url = (
        await AsyncWebClient(base_url=slack.api_url).apps_connections_open(
            app_token=slack.app_token
        )
    )["url"]
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            hello = await ws.receive_json()
            assert hello["type"] == "hello"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(url)
    assert refused.value.status == 401
