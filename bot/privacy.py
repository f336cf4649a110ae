"""Where internal judgements may be posted (PRODUCT.md, "Privacy in shared channels").

The go/no-go verdict, stalled-sponsor alerts and skin in the game never go into a channel
shared with another organisation: they go to the POC's internal channel, else to the SE and
AE by direct message.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Poc, Role

log = logging.getLogger(__name__)

#: conversations.info answers are reused this long: sharing a channel is rare, posting is not.
SHARED_TTL_SECONDS = 300.0


class ChannelInfo:
    """A small TTL cache of conversations.info, per process."""

    def __init__(self, ttl: float = SHARED_TTL_SECONDS) -> None:
        self._ttl = ttl
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}

    async def get(self, client: AsyncWebClient, channel_id: str) -> dict[str, Any]:
        hit = self._cache.get(channel_id)
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        info = (await client.conversations_info(channel=channel_id))["channel"]
        self._cache[channel_id] = (time.monotonic(), info)
        return info

    def forget(self, channel_id: str) -> None:
        self._cache.pop(channel_id, None)


def shared_externally(info: dict[str, Any]) -> bool:
    return bool(info.get("is_ext_shared") or info.get("is_pending_ext_shared"))


async def internal_destinations(
    client: AsyncWebClient, poc: Poc, *, deal_channel_allowed: bool, cache: ChannelInfo
) -> list[str]:
    """Channels (or user ids, for DMs) that may receive internal content about this POC.

    `deal_channel_allowed`: alerts may use the deal channel when nobody outside the company
    is in it; the verdict never does. When in doubt (Slack will not tell), stay private.
    """
    if poc.internal_channel_id:
        return [poc.internal_channel_id]
    if deal_channel_allowed:
        try:
            if not shared_externally(await cache.get(client, poc.channel_id)):
                return [poc.channel_id]
        except SlackApiError as e:
            log.warning("conversations.info %s failed: %s", poc.channel_id, e.response.get("error"))
    # chat.postMessage to a user id posts in the app's DM with that user.
    owners = [p.user_id for p in (*poc.people(Role.se), *poc.people(Role.ae)) if p.user_id]
    return list(dict.fromkeys(owners))


async def post_internal(
    client: AsyncWebClient,
    poc: Poc,
    *,
    text: str,
    blocks: list[dict[str, Any]],
    cache: ChannelInfo,
    deal_channel_allowed: bool = False,
) -> list[str]:
    """Post internal content where it may go; returns the message ts of each post made."""
    posted: list[str] = []
    for target in await internal_destinations(
        client, poc, deal_channel_allowed=deal_channel_allowed, cache=cache
    ):
        try:
            response = await client.chat_postMessage(channel=target, text=text, blocks=blocks)
            posted.append(response["ts"])
        except SlackApiError as e:
            log.warning("internal post to %s failed: %s", target, e.response.get("error"))
    return posted
