"""Saying that a POC is over: a short closing line in the deal channel, the outcome internally.

Shared by `/poc close` and its buttons (handlers/lifecycle.py) and by the clock when it closes
a POC nobody has touched for long past its end (scheduler/lifecycle.py).
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Poc, Status
from bot.privacy import ChannelInfo, post_internal
from bot.rules import local_today
from bot.views.lifecycle import closing_line, outcome_blocks, outcome_text
from bot.views.text import section
from storage.db import Database

log = logging.getLogger(__name__)


async def announce_close(
    client: AsyncWebClient,
    poc: Poc,
    outcome: Status,
    *,
    by: str | None,
    note: str,
    now: datetime,
    channels: ChannelInfo,
    db: Database,
) -> None:
    """The deal channel reads a neutral last word (no outcome: the prospect may be there);
    the outcome, the note and what it is worth knowing go where internal content may."""
    line = closing_line(poc)
    try:
        await client.chat_postMessage(channel=poc.channel_id, text=line, blocks=[section(line)])
    except SlackApiError as e:
        log.warning("POC %s: the closing line was not posted: %s", poc.id, e.response.get("error"))
    today = local_today(now, poc.tz)
    await post_internal(
        client,
        poc,
        cache=channels,
        text=outcome_text(poc, outcome),
        blocks=outcome_blocks(poc, outcome, by=by, note=note, today=today),
        db=db,
        now=now,
        what="outcome",
    )
