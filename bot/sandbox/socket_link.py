"""Slack's end of Socket Mode: connection tickets, the WebSocket, envelopes and their acks.

What Slack does, and so what this does (https://docs.slack.dev/apis/events-api/using-socket-mode,
checked against slack_sdk.socket_mode and bolt-python's Socket Mode adapter):

- `apps.connections.open`, called with the app-level token, answers a one-use URL
  `wss://…/link/?ticket=…&app_id=…` (here `ws://127.0.0.1:<port>/link/?…`).
- On connecting, the app first receives `{"type": "hello", "num_connections", "connection_info":
  {"app_id"}, "debug_info": {…}}`.
- Each request is an envelope `{"envelope_id", "type", "payload", "accepts_response_payload"}`
  with type `slash_commands`, `interactive` or `events_api` (which adds `retry_attempt` and
  `retry_reason`); `payload` is what HTTP would have carried, as a JSON object.
- The app acknowledges with `{"envelope_id", "payload"?}`; the payload is what the HTTP answer's
  body would have been (a command's reply, a view submission's `response_action`).
- `{"type": "disconnect", "reason": "warning" | "refresh_requested" | "link_disabled"}` tells the
  app to open a new connection (or, for `link_disabled`, that Socket Mode was turned off).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

LINK_PATH = "/link/"
#: How long `deliver` waits for the app's ack. Slack's own deadline is 3 s; tests assert on
#: the measured time where it matters instead of failing a busy machine's run here.
ACK_WAIT_S = 10.0


class NotAcknowledged(AssertionError):
    """The app did not acknowledge an envelope: Slack would show the user an error."""


@dataclass
class Envelope:
    """One request sent over the socket, and the app's answer to it."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    sent_at: float  # time.monotonic()
    ack: dict[str, Any] | None = None
    acked_at: float | None = None

    @property
    def ack_payload(self) -> dict[str, Any] | None:
        return (self.ack or {}).get("payload")

    @property
    def ack_seconds(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.sent_at


def accepts_response_payload(kind: str, payload: dict[str, Any]) -> bool:
    """Whether Slack reads a payload in the ack: a command's reply, a submission's errors…"""
    if kind == "slash_commands":
        return True
    return kind == "interactive" and payload.get("type") in ("view_submission", "block_suggestion")


class SocketLink:
    """The WebSocket side of the stand-in; `SlackStandIn.link` is one of these."""

    def __init__(self, *, app_id: str, notify: Callable[[], Awaitable[None]]) -> None:
        self.app_id = app_id
        self._notify = notify
        self.connected: list[web.WebSocketResponse] = []
        self.opened = 0  # connections ever opened
        self.envelopes: list[Envelope] = []
        #: text frames from the app that were neither an ack nor JSON
        self.unexpected: list[str] = []
        self._tickets: set[str] = set()
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._numbers = itertools.count(1)

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(LINK_PATH, self._connect)

    def issue_url(self, port: int) -> str:
        """A one-use WebSocket URL, as `apps.connections.open` returns it."""
        ticket = uuid.uuid4().hex
        self._tickets.add(ticket)
        return f"ws://127.0.0.1:{port}{LINK_PATH}?ticket={ticket}&app_id={self.app_id}"

    # ------------------------------------------------------------------ Slack → app

    async def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        within: float = ACK_WAIT_S,
    ) -> Envelope:
        """Send one envelope on the newest connection; return it once the app acked it."""
        if not self.connected:
            raise NotAcknowledged(f"no Socket Mode connection to deliver a {kind} envelope on")
        envelope = Envelope(str(uuid.uuid4()), kind, payload, time.monotonic())
        message: dict[str, Any] = {
            "envelope_id": envelope.envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload(kind, payload),
        }
        if kind == "events_api":
            message["retry_attempt"] = retry_attempt
            message["retry_reason"] = retry_reason
        answered = asyncio.get_running_loop().create_future()
        self._waiting[envelope.envelope_id] = answered
        self.envelopes.append(envelope)
        try:
            await self.connected[-1].send_str(json.dumps(message))
            envelope.ack = await asyncio.wait_for(answered, within)
        except TimeoutError:
            raise NotAcknowledged(
                f"{kind} envelope {envelope.envelope_id} not acknowledged within {within} s"
            ) from None
        finally:
            self._waiting.pop(envelope.envelope_id, None)
        envelope.acked_at = time.monotonic()
        return envelope

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every connected app to reconnect (`warning`, `refresh_requested`) or stop."""
        message = json.dumps(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "sandbox-link"}}
        )
        for ws in list(self.connected):
            await ws.send_str(message)

    async def close(self) -> None:
        for ws in list(self.connected):
            await ws.close(code=1001, message=b"stand-in stopping")

    # ------------------------------------------------------------------ the WebSocket

    async def _connect(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self._tickets:
            return web.Response(status=401, text="invalid_ticket")
        self._tickets.discard(ticket)  # a URL opens one connection
        ws = web.WebSocketResponse()  # autoping: Slack answers the SDK's pings
        await ws.prepare(request)
        self.connected.append(ws)
        self.opened += 1
        await ws.send_str(json.dumps(self._hello()))
        await self._notify()
        try:
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    self._receive(frame.data)
        finally:
            self.connected.remove(ws)
            await self._notify()
        return ws

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": len(self.connected),
            "debug_info": {
                "host": "sandbox-link",
                "build_number": next(self._numbers),
                "approximate_connection_time": 3600,
            },
            "connection_info": {"app_id": self.app_id},
        }

    def _receive(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            self.unexpected.append(text)
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        answered = self._waiting.get(envelope_id) if isinstance(envelope_id, str) else None
        if answered is None or answered.done():
            self.unexpected.append(text)
            return
        answered.set_result(message)
