"""Socket Mode start-up: connect with SLACK_APP_TOKEN, or stop with one line saying why.

slack_sdk's Socket Mode client asks for a WebSocket URL inside its connect loop and, when Slack
refuses the token, logs a traceback and tries again for ever: a revoked token would leave a
process that looks alive and hears nothing. So the first URL is asked for here, once; a refusal
becomes a ConfigError naming the variable and Slack's error, and the client is handed the URL.
Later reconnections (Slack refreshes connections regularly) go through the same check: a token
refused then stops the process with the same line, instead of a retry every ten seconds.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.config import WHERE_TO_GET, ConfigError

log = logging.getLogger(__name__)

#: Opening the WebSocket once Slack gave its URL; longer means the link is not coming up.
CONNECT_TIMEOUT_S = 15.0
#: apps.connections.open answers that no retry will change: the token itself is refused.
#: Others (ratelimited, 5xx) are waited out and retried by slack_sdk while running.
REFUSALS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "not_allowed_token_type",
        "missing_scope",
        "no_permission",
        "forbidden_team",
        "access_denied",
    }
)


def rejected(error: str, needed: str | None = None) -> ConfigError:
    detail = f"{error}: needs {needed}" if needed else error
    return ConfigError(
        f"Slack rejected SLACK_APP_TOKEN ({detail}); "
        f"create one under {WHERE_TO_GET['SLACK_APP_TOKEN']}"
    )


@dataclass
class SocketMode:
    """Bolt's connected Socket Mode handler, and why Slack stopped taking the token, if it did."""

    handler: AsyncSocketModeHandler
    refused: ConfigError | None = None

    async def close_async(self) -> None:
        await self.handler.close_async()

    def raise_if_refused(self) -> None:
        """After shutting down: exit with the refusal that stopped the process, if any."""
        if self.refused is not None:
            raise self.refused


async def connect(app: AsyncApp, app_token: str, *, stop: asyncio.Event) -> SocketMode:
    """Connected Socket Mode; ConfigError if Slack will not have the token. `stop` is set
    if Slack refuses the token on a later reconnection (see `SocketMode.raise_if_refused`).
    """
    try:
        opened = await app.client.apps_connections_open(app_token=app_token)
    except SlackApiError as e:
        raise rejected(str(e.response.get("error")), e.response.get("needed")) from None
    except (aiohttp.ClientError, TimeoutError) as e:
        raise ConfigError(
            f"cannot reach Slack to open Socket Mode ({type(e).__name__}: {e}); "
            "check the network and SLACK_API_URL"
        ) from None
    socket = SocketMode(AsyncSocketModeHandler(app, app_token))
    _refusal_is_final(socket, stop)
    socket.handler.client.wss_uri = opened["url"]  # connect() asks for one only when it has none
    try:
        await asyncio.wait_for(socket.handler.connect_async(), CONNECT_TIMEOUT_S)
    except TimeoutError:
        await socket.close_async()
        raise ConfigError(
            f"Slack gave a Socket Mode URL but the WebSocket did not open within "
            f"{CONNECT_TIMEOUT_S:.0f} s; check that outbound WebSocket (wss://) traffic is allowed"
        ) from None
    log.info("Socket Mode connected: requests arrive over the WebSocket, not /slack/events")
    return socket


def _refusal_is_final(socket: SocketMode, stop: asyncio.Event) -> None:
    """Reconnections ask Slack for a new URL; when Slack refuses the token, stop the process.

    slack_sdk calls `issue_new_wss_url` from its monitor, its receiver and its disconnect
    handling, and retries whatever it raises. This asks once; a refusal is recorded, `stop`
    is set, and the reconnection is abandoned by cancelling it (the one exception slack_sdk's
    loops let through without logging a traceback), since the process is shutting down.
    """
    client = socket.handler.client
    slack_sdk_way = client.issue_new_wss_url  # waits out ratelimited, re-raises the rest

    async def issue_new_wss_url() -> str:
        try:
            opened = await client.web_client.apps_connections_open(app_token=client.app_token)
        except SlackApiError as e:
            error = str(e.response.get("error"))
            if error not in REFUSALS:
                return await slack_sdk_way()
            socket.refused = rejected(error, e.response.get("needed"))
            stop.set()
            raise asyncio.CancelledError from None
        return str(opened["url"])

    client.issue_new_wss_url = issue_new_wss_url  # type: ignore[method-assign]
