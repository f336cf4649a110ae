"""Post claimed nudges exactly once, whatever Slack does.

A POC's nudges of one sweep go out as one message per destination: the deal channel, and its
internal destination for alerts that must not reach the prospect. Slack's answers are data:

- `ratelimited`: the client's retry handler waits out Retry-After; still limited → failed,
  the next sweep takes it again.
- 5xx, timeouts, dropped connections: retried with back-off inside the sweep. Such an error
  may hide a message that was in fact posted, so before any second attempt the channel's
  history is searched for our message metadata: never lost, never posted twice.
- `not_in_channel`, `channel_not_found`, `is_archived`: the POC's delivery is marked blocked,
  its SE is told once by DM, and sweeps skip it until the bot is invited back.

Posting paces itself to one message per second per channel and runs channels concurrently.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import Nudge, Poc, Role
from bot.privacy import ChannelInfo, internal_destinations
from bot.views.nudges import nudge_blocks, nudge_text
from bot.views.text import escape
from storage import repo
from storage.db import Database
from storage.repo import Claim, NudgeStatus

if TYPE_CHECKING:
    from scheduler.sweep import Due

log = logging.getLogger(__name__)

#: The channel cannot take messages until a person fixes it: retrying every sweep is noise.
BLOCKING_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
#: Message metadata that marks our nudge messages, so a retry can find one already posted.
NUDGE_EVENT = "pocbot_nudge"
#: Seconds to wait before the 2nd, 3rd… attempt after a 5xx or a timeout.
BACKOFF = (1.0, 3.0)
#: POCs delivered at once; the per-channel pacing, not this, keeps within Slack's limits.
CONCURRENCY = 32


class Blocked(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Failed(Exception):
    pass


@dataclass
class DeliveryReport:
    sent: int = 0  # nudges
    failed: int = 0
    blocked: int = 0
    messages: int = 0
    owners_told: int = 0
    errors: dict[str, int] = field(default_factory=dict)

    def count_error(self, error: str) -> None:
        self.errors[error] = self.errors.get(error, 0) + 1


class Pacer:
    """At most one message per `interval` seconds in any one channel (Slack's posting limit);
    different channels proceed in parallel."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last: dict[str, float] = {}

    @asynccontextmanager
    async def turn(self, channel: str) -> AsyncIterator[None]:
        async with self._locks[channel]:
            last = self._last.get(channel)
            if last is not None and (wait := last + self.interval - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            try:
                yield
            finally:
                self._last[channel] = time.monotonic()


@dataclass
class Letter:
    """One message to post: some of a POC's nudges, to one destination."""

    poc: Poc
    channel: str
    nudges: list[Nudge]
    claims: list[Claim]


class Delivery:
    def __init__(
        self,
        client: AsyncWebClient,
        db: Database,
        *,
        channels: ChannelInfo | None = None,
        pacer: Pacer | None = None,
        backoff: Sequence[float] = BACKOFF,
    ) -> None:
        self.client = client
        self.db = db
        self.channels = channels or ChannelInfo()
        self.pacer = pacer or Pacer()
        self.backoff = tuple(backoff)

    async def deliver(
        self, due: Sequence[Due], claims: Sequence[Claim], now: datetime
    ) -> DeliveryReport:
        report = DeliveryReport()
        mine: dict[tuple[int, str], Claim] = {(c.poc_id, c.key): c for c in claims}
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(d: Due) -> None:
            claimed = [(n, mine[(d.poc.id, n.key)]) for n in d.nudges if (d.poc.id, n.key) in mine]
            if not claimed:
                return
            async with gate:
                try:
                    await self._deliver_poc(d.poc, claimed, now, report)
                except Exception:
                    # One POC's surprise must not stop the others; its claims stay retakeable.
                    log.exception("delivering nudges for POC %s failed", d.poc.id)
                    await self._finish(
                        [c for _, c in claimed], NudgeStatus.failed, now, error="internal_error"
                    )
                    report.failed += len(claimed)

        await asyncio.gather(*(one(d) for d in due))
        return report

    async def _letters(self, poc: Poc, claimed: list[tuple[Nudge, Claim]]) -> list[Letter]:
        public = [(n, c) for n, c in claimed if not n.internal]
        internal = [(n, c) for n, c in claimed if n.internal]
        letters: list[Letter] = []
        targets = (
            await internal_destinations(
                self.client, poc, deal_channel_allowed=True, cache=self.channels
            )
            if internal
            else []
        )
        if targets == [poc.channel_id]:
            # Nobody outside the company is in the deal channel: one message says it all.
            public, internal = claimed, []
        if public:
            letters.append(
                Letter(poc, poc.channel_id, [n for n, _ in public], [c for _, c in public])
            )
        if internal:
            if not targets:
                log.warning("POC %s has no SE or AE to receive internal nudges", poc.id)
            for i, target in enumerate(targets):
                # The sent-log row follows the first destination; the others are courtesy copies.
                letters.append(
                    Letter(
                        poc,
                        target,
                        [n for n, _ in internal],
                        [c for _, c in internal] if i == 0 else [],
                    )
                )
        return letters

    async def _deliver_poc(
        self, poc: Poc, claimed: list[tuple[Nudge, Claim]], now: datetime, report: DeliveryReport
    ) -> None:
        for letter in await self._letters(poc, claimed):
            try:
                ts, channel = await self._post(letter)
            except Blocked as e:
                report.count_error(e.error)
                if letter.channel == poc.channel_id:
                    report.blocked += len(letter.claims)
                    await self._finish(letter.claims, NudgeStatus.blocked, now, error=e.error)
                    if await self._block(poc, e.error, now):
                        report.owners_told += 1
                else:
                    report.failed += len(letter.claims)
                    await self._finish(letter.claims, NudgeStatus.failed, now, error=e.error)
                continue
            except Failed as e:
                report.count_error(str(e))
                report.failed += len(letter.claims)
                await self._finish(letter.claims, NudgeStatus.failed, now, error=str(e))
                continue
            report.messages += 1
            report.sent += len(letter.claims)
            await self._finish(letter.claims, NudgeStatus.sent, now, ts=ts, channel=channel)

    async def _post(self, letter: Letter) -> tuple[str, str]:
        """Post once; on a transient error look before trying again. Returns (ts, channel)."""
        ids = [c.id for c in letter.claims]
        metadata = {"event_type": NUDGE_EVENT, "event_payload": {"log_ids": ids}}
        last = "unknown_error"
        for attempt in range(len(self.backoff) + 1):
            if attempt:
                await asyncio.sleep(self.backoff[attempt - 1])
            if ids and (attempt or any(c.attempts > 1 for c in letter.claims)):
                found = await self._already_posted(letter.channel, ids)
                if found:
                    return found
            try:
                async with self.pacer.turn(letter.channel):
                    response = await self.client.chat_postMessage(
                        channel=letter.channel,
                        text=nudge_text(letter.poc, letter.nudges),
                        blocks=nudge_blocks(letter.poc, letter.nudges),
                        metadata=metadata,
                        unfurl_links=False,
                    )
                return str(response["ts"]), str(response["channel"])
            except SlackApiError as e:
                last = slack_error(e)
                if last in BLOCKING_ERRORS:
                    raise Blocked(last) from e
                if not _transient(e):
                    raise Failed(last) from e
            except (aiohttp.ClientError, TimeoutError) as e:
                last = type(e).__name__
            log.info(
                "POC %s: post to %s failed (%s), attempt %d",
                letter.poc.id,
                letter.channel,
                last,
                attempt + 1,
            )
        raise Failed(last)

    async def _already_posted(self, channel: str, ids: list[int]) -> tuple[str, str] | None:
        """Our message for these sent-log ids, if an attempt that 'failed' in fact landed."""
        try:
            if channel.startswith(("U", "W")):  # a DM: history is read on the D… channel
                channel = (await self.client.conversations_open(users=channel))["channel"]["id"]
            history = await self.client.conversations_history(
                channel=channel, limit=50, include_all_metadata=True
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            log.info("cannot read %s history before a retry: %s", channel, e)
            return None
        for message in history.get("messages", []):
            meta = message.get("metadata") or {}
            payload = meta.get("event_payload") or {}
            if meta.get("event_type") == NUDGE_EVENT and set(ids) & set(payload.get("log_ids", [])):
                return str(message["ts"]), channel
        return None

    async def _finish(
        self,
        claims: Sequence[Claim],
        status: str,
        now: datetime,
        *,
        ts: str | None = None,
        channel: str | None = None,
        error: str | None = None,
    ) -> None:
        async with self.db.transaction() as s:
            await repo.finish_nudges(
                s,
                ids=[c.id for c in claims],
                status=status,
                now=now,
                message_ts=ts,
                channel_id=channel,
                error=error,
            )

    async def _block(self, poc: Poc, error: str, now: datetime) -> bool:
        """Stop nudging a channel that cannot take them, and tell the SE once."""
        async with self.db.transaction() as s:
            first = await repo.block_delivery(
                s, team_id=poc.team_id, poc_id=poc.id, error=error, now=now
            )
        if not first:
            return False
        owner = poc.person(Role.se)
        if owner is None or owner.user_id is None:
            return False
        why = {
            "not_in_channel": "I'm not a member of it. Type `/invite @pocbot` there",
            "channel_not_found": "I can't find it any more (deleted, or private without me). "
            "Invite me with `/invite @pocbot` there, or start the POC again in its new channel",
            "is_archived": "it is archived. Unarchive it and type `/invite @pocbot`",
        }[error]
        try:
            await self.client.chat_postMessage(
                channel=owner.user_id,
                text=(
                    f"I couldn't post today's reminders for the {escape(poc.prospect)} POC in "
                    f"<#{poc.channel_id}>: {why}. I've paused its nudges until then."
                ),
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            log.warning("could not tell %s that POC %s is blocked: %s", owner.user_id, poc.id, e)
            return False
        return True


#: Errors worth another try in a moment.
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def slack_error(e: SlackApiError) -> str:
    """Slack's error code; a 5xx often has an HTML body and no code at all."""
    data = e.response.data
    code = data.get("error") if isinstance(data, dict) else None
    return str(code or f"http_{e.response.status_code}")


def _transient(e: SlackApiError) -> bool:
    status = e.response.status_code
    return status >= 500 or status == 429 or slack_error(e) in TRANSIENT_ERRORS
