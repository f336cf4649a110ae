"""Warnings caused by what someone just did, said at once in a thread under what caused it.

A criterion added after kickoff is a new request: the question about it ("New request: … —
shall we add it to Phase 2?") goes as a reply to the criterion's own message, not as a
second top-level message in the deal channel that day (bot/rules/policy.py counts those).
It is claimed in the sent-log first, like every nudge, so the sweep never says it again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.domain import Nudge, Poc
from bot.rules import owner
from bot.views.nudges import nudge_blocks, nudge_text
from storage import sentlog
from storage.sentlog import NewClaim, NudgeStatus

log = logging.getLogger(__name__)


async def reply_in_thread(
    client: AsyncWebClient,
    deps: Deps,
    *,
    poc: Poc,
    nudges: list[Nudge],
    thread_ts: str,
    now: datetime,
) -> None:
    """Claim, post under `thread_ts`, record: each nudge once, whoever else is sweeping."""
    if not nudges:
        return
    wanted = [
        NewClaim(
            poc.team_id,
            poc.id,
            n.key,
            n.kind.value,
            n.local_date,
            poc.channel_id,
            in_thread=True,
        )
        for n in nudges
    ]
    async with deps.db.transaction() as s:
        claims = await sentlog.claim_nudges(session=s, wanted=wanted, retake=(), now=now)
    mine = {c.key for c in claims}
    nudges = [n for n in nudges if n.key in mine]
    if not nudges:
        return  # a sweep said them first
    ids = [c.id for c in claims]
    status, ts, error = NudgeStatus.sent, None, None
    try:
        response = await client.chat_postMessage(
            channel=poc.channel_id,
            thread_ts=thread_ts,
            text=nudge_text(poc, nudges),
            blocks=nudge_blocks(poc, nudges, owner=owner(poc)),
            unfurl_links=False,
        )
        ts = str(response["ts"])
    except SlackApiError as e:
        status, error = NudgeStatus.failed, str(e.response.get("error"))
        log.warning("POC %s: reply in thread %s failed: %s", poc.id, thread_ts, error)
    async with deps.db.transaction() as s:
        await sentlog.finish_nudges(
            session=s,
            ids=ids,
            status=status,
            now=now,
            message_ts=ts,
            channel_id=poc.channel_id,
            error=error,
        )
