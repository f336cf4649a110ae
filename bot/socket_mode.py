"""Socket Mode start-up: connect with SLACK_APP_TOKEN, or stop with one line saying why.

slack_sdk's Socket Mode client asks for a WebSocket URL inside its connect loop and, when Slack
refuses the token, logs a traceback and tries again for ever: a revoked token would leave a
process that looks alive and hears nothing. So the first URL is asked for here, once; a refusal
becomes a ConfigError naming the variable and Slack's error, and the client is handed the URL.
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.config import WHERE_TO_GET, ConfigError

log = logging.getLogger(__name__)

#: Opening the WebSocket once Slack gave its URL; longer means the link is not coming up.
CONNECT_TIMEOUT_S = 15.0


def rejected(error: str, needed: str | None = None) -> ConfigError:
    detail = f"{error}: needs {needed}" if needed else error
    return ConfigError(
        f"Slack rejected SLACK_APP_TOKEN ({detail}); "
        f"create one under {WHERE_TO_GET['SLACK_APP_TOKEN']}"
    )


async def connect(app: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    """Bolt's Socket Mode handler, connected; ConfigError if Slack will not have the token."""
    try:
        opened = await app.client.apps_connections_open(app_token=app_token)
    except SlackApiError as e:
        raise rejected(str(e.response.get("error")), e.response.get("needed")) from None
    except (aiohttp.ClientError, TimeoutError) as e:
        raise ConfigError(
            f"cannot reach Slack to open Socket Mode ({type(e).__name__}: {e}); "
            "check the network and SLACK_API_URL"
        ) from None
    handler = AsyncSocketModeHandler(app, app_token)
    handler.client.wss_uri = opened["url"]  # connect() asks for a URL only when it has none
    try:
        await asyncio.wait_for(handler.connect_async(), CONNECT_TIMEOUT_S)
    except TimeoutError:
        await handler.close_async()
        raise ConfigError(
            f"Slack gave a Socket Mode URL but the WebSocket did not open within "
            f"{CONNECT_TIMEOUT_S:.0f} s; check that outbound WebSocket (wss://) traffic is allowed"
        ) from None
    log.info("Socket Mode connected: requests arrive over the WebSocket, not /slack/events")
    return handler
