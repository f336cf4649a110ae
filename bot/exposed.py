"""When the prospect can read a channel that held internal content: a `channel_shared` event,
or a check that finds a guest or another team's member in it (bot/privacy.py).

The POCs that used it as their internal channel send their internal content by DM from then
on (it is blocked for them, and each SE is told once), and every internal message of ours
still there is deleted with chat.delete (the sent-log says where nudges landed; verdicts and
sponsor notes are recorded when posted), so the history the prospect can now scroll holds
none. Each message is deleted once: what is gone is recorded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Poc, Role
from bot.views.privacy import exposed_text
from storage import exposure, snapshots
from storage.db import Database

log = logging.getLogger(__name__)

#: chat.delete answers that mean the message is not there any more: nothing left to do.
ALREADY_GONE = frozenset({"message_not_found", "channel_not_found", "is_archived"})


@dataclass
class Exposure:
    blocked: int = 0  # POCs whose internal channel was retired just now
    deleted: int = 0  # messages deleted (or found gone)
    failed: int = 0  # messages still there: the next look tries again


async def channels_exposed(
    client: AsyncWebClient,
    db: Database,
    *,
    team_id: str,
    channel_ids: Iterable[str],
    now: datetime,
) -> Exposure:
    """The prospect can read these channels now: retire them as internal channels and delete
    our internal messages in them. Three queries when there is nothing to do."""
    channels = sorted(set(channel_ids))
    done = Exposure()
    if not channels:
        return done
    async with db.transaction() as s:
        using = await exposure.internal_channel_pocs(
            session=s, team_id=team_id, channel_ids=channels
        )
        newly = await exposure.block_readable(session=s, team_id=team_id, pocs=using, now=now)
        messages = await exposure.to_delete(session=s, team_id=team_id, channel_ids=channels)
        told = (
            await snapshots.load_pocs(session=s, team_id=team_id, poc_ids=newly, statuses=None)
            if newly
            else []
        )
    deleted = []
    for m in messages:
        try:
            await client.chat_delete(channel=m.channel_id, ts=m.message_ts)
            deleted.append(m)
        except SlackApiError as e:
            if e.response.get("error") in ALREADY_GONE:
                deleted.append(m)
            else:
                log.warning("could not delete %s in %s: %s", m.message_ts, m.channel_id, e)
        except (aiohttp.ClientError, TimeoutError) as e:
            log.warning("could not delete %s in %s: %r", m.message_ts, m.channel_id, e)
    if deleted:
        async with db.transaction() as s:
            await exposure.mark_deleted(session=s, team_id=team_id, deleted=deleted, now=now)
    done.blocked, done.deleted, done.failed = len(newly), len(deleted), len(messages) - len(deleted)
    for poc in told:
        gone = sum(1 for m in deleted if m.channel_id == poc.internal_channel_id)
        await _tell_owner(client, poc, gone)
    if messages or newly:
        log.info("prospect can read %s: %s", ", ".join(channels), done)
    return done


async def _tell_owner(client: AsyncWebClient, poc: Poc, deleted: int) -> None:
    owner = next(
        (p.user_id for p in (*poc.people(Role.se), *poc.people(Role.ae)) if p.user_id), None
    )
    if owner is None or not poc.internal_channel_id:
        return
    try:
        await client.chat_postMessage(
            channel=owner, text=exposed_text(poc, poc.internal_channel_id, deleted=deleted)
        )
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
        log.warning("could not tell %s that %s is readable: %r", owner, poc.internal_channel_id, e)
