"""Answering the person who acted, whatever the request: a note only they see, their time
zone, the nudge they acted on marked as done."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.views.nudges import acted_blocks
from handlers.payloads import body_channel_id

log = logging.getLogger(__name__)


async def tell_user(
    client: AsyncWebClient, *, user_id: str, channel_id: str | None, text: str, blocks: Any = None
) -> None:
    """An ephemeral note in the channel if possible, else a DM: the user must hear back."""
    if channel_id:
        try:
            await client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=text, blocks=blocks
            )
            return
        except SlackApiError as e:
            log.info("ephemeral to %s in %s failed (%s); sending a DM", user_id, channel_id, e)
    try:
        await client.chat_postMessage(channel=user_id, text=text, blocks=blocks)
    except SlackApiError as e:
        log.warning("could not reach %s: %s", user_id, e.response.get("error"))


async def user_tz(client: AsyncWebClient, user_id: str, default: str) -> str:
    """The user's timezone from their Slack profile: dates they type mean their local days."""
    try:
        info = await client.users_info(user=user_id)
        return (info.get("user") or {}).get("tz") or default
    except SlackApiError:
        return default


async def show_acted(client: AsyncWebClient, body: dict[str, Any], *, key: str, note: str) -> None:
    """Replace the acted-on nudge's buttons with what was done, for everyone in the channel."""
    message = body.get("message")
    channel_id = body_channel_id(body)
    if not isinstance(message, dict) or not message.get("ts") or not channel_id:
        return
    try:
        await client.chat_update(
            channel=channel_id,
            ts=message["ts"],
            text=message.get("text") or note,
            blocks=acted_blocks(message.get("blocks") or [], key=key, note=note),
        )
    except SlackApiError as e:
        log.info("could not update the nudge message: %s", e.response.get("error"))
