"""Where internal judgements may be posted (PRODUCT.md, "Privacy in shared channels").

The go/no-go verdict, stalled-sponsor alerts and skin in the game never go into a channel
shared with another organisation: they go to the POC's internal channel, else to the SE and
AE by direct message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
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


def internal_targets(
    poc: Poc,
    *,
    shared: bool | None,
    deal_channel_allowed: bool,
    blocked: Collection[str] = (),
) -> list[str]:
    """Channels (or user ids, for DMs) that may receive internal content about this POC.

    `shared`: is the deal channel shared with another organisation (None: Slack would not
    say, so it is treated as shared). `deal_channel_allowed`: alerts may use the deal channel
    when nobody outside the company is in it; the verdict never does. `blocked`: destinations
    that refuse this POC's messages; the DMs take their place.
    """
    if poc.internal_channel_id and poc.internal_channel_id not in blocked:
        return [poc.internal_channel_id]
    # A POC with an internal channel keeps its alerts out of the deal channel even when that
    # channel refuses them: the people who chose it get them by DM meanwhile.
    if (
        deal_channel_allowed
        and shared is False
        and not poc.internal_channel_id
        and poc.channel_id not in blocked
    ):
        return [poc.channel_id]
    # chat.postMessage to a user id posts in the app's DM with that user.
    owners = [p.user_id for p in (*poc.people(Role.se), *poc.people(Role.ae)) if p.user_id]
    return [u for u in dict.fromkeys(owners) if u not in blocked]


async def is_shared(client: AsyncWebClient, channel_id: str, cache: ChannelInfo) -> bool | None:
    """Is the channel shared with another organisation? None when Slack will not tell."""
    try:
        return shared_externally(await cache.get(client, channel_id))
    except SlackApiError as e:
        log.warning("conversations.info %s failed: %s", channel_id, e.response.get("error"))
        return None


async def internal_destinations(
    client: AsyncWebClient, poc: Poc, *, deal_channel_allowed: bool, cache: ChannelInfo
) -> list[str]:
    """`internal_targets`, asking Slack whether the deal channel is shared when it matters.

    When in doubt (Slack will not tell), stay private.
    """
    shared: bool | None = None
    if deal_channel_allowed and not poc.internal_channel_id:
        shared = await is_shared(client, poc.channel_id, cache)
    return internal_targets(poc, shared=shared, deal_channel_allowed=deal_channel_allowed)


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
