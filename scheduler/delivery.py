"""Post claimed nudges exactly once per destination, whatever Slack does.

Every destination of a nudge (the deal channel, the internal channel, each DM) has a sent-log
row of its own, claimed by the sweep. A POC's rows for one destination go out as one message,
or as few as hold them within Slack's 50 blocks; a row is marked sent only when a message
carrying it was accepted. Slack's answers are data:

- `ratelimited`: the client's retry handler waits out Retry-After; still limited → failed.
- 5xx, timeouts, dropped connections: failed, and never re-posted in the same sweep. Slack
  may still show such a message, even seconds later, so a later sweep (once LATE_LANDING has
  passed) first reads the destination's history for our metadata: a message found there is
  recorded as sent, only the rest is posted. The same look follows a sweep that died mid-post.
- a destination that refuses for good (`not_in_channel`, `channel_not_found`, `is_archived`,
  or a DM to a user who cannot receive one): its rows are blocked, the destination is marked
  blocked once, its owner told once by DM, and the POC's other destinations carry on.

Posting paces itself to one message per second per channel and runs POCs concurrently.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.domain import Nudge, Poc
from bot.privacy import ChannelInfo
from bot.rules import owner
from bot.views.nudges import refusal_notice
from scheduler.due import Due
from scheduler.letters import Letter, all_letters, compose
from scheduler.tokens import TeamClients, TeamStopped, slack_error
from storage import sentlog
from storage.db import Database
from storage.sentlog import Claim, NudgeStatus

log = logging.getLogger(__name__)

#: A channel that cannot take messages until a person fixes it: retrying every sweep is noise.
CHANNEL_REFUSALS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
#: A user the app cannot write to: a bot, gone, or deactivated. (Slack documents
#: account_inactive for a dead token too: `TeamClients` asks auth.test which it is, and only
#: with a working token does it reach delivery as a refusal.)
DM_REFUSALS = frozenset(
    {"cannot_dm_bot", "user_not_found", "user_disabled", "account_inactive", "channel_not_found"}
)
#: Message metadata that marks our nudge messages, so a retry can find one already posted.
NUDGE_EVENT = "pocbot_nudge"
#: Messages read back when looking for one that landed after all; the look comes one sweep
#: (15 minutes) after the attempt, and nobody writes 100 messages in a deal channel by then.
HISTORY_DEPTH = 100
#: POCs delivered at once; the per-channel pacing, not this, keeps within Slack's limits.
CONCURRENCY = 32


class Refused(Exception):
    """The destination will not take messages until a person fixes it."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Failed(Exception):
    """Not posted, or not known to be: a later sweep looks at history, then tries again."""


@dataclass
class DeliveryReport:
    sent: int = 0  # sent-log rows (a nudge to one destination) now sent
    found: int = 0  # of which found in history: posted by an attempt that looked failed
    failed: int = 0
    blocked: int = 0
    messages: int = 0  # messages posted
    owners_told: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    #: rows left unsent (failed, retakeable) because their team's token died
    stopped: int = 0
    #: team -> the dead-token error that stopped it for the rest of the sweep
    teams_stopped: dict[str, str] = field(default_factory=dict)

    def count_error(self, error: str) -> None:
        self.errors[error] = self.errors.get(error, 0) + 1

    def add(self, other: DeliveryReport) -> None:
        """Take in another sweep chunk's figures."""
        for name in ("sent", "found", "failed", "blocked", "messages", "owners_told", "stopped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for error, n in other.errors.items():
            self.errors[error] = self.errors.get(error, 0) + n
        self.teams_stopped.update(other.teams_stopped)


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

    def forget_idle(self) -> None:
        """Drop the channels whose last post is older than the interval: a post there need
        not wait, and a sweep over 50,000 channels would otherwise keep a lock for each."""
        now = time.monotonic()
        for channel in [c for c, at in self._last.items() if now - at >= self.interval]:
            lock = self._locks.get(channel)
            if lock is None or not lock.locked():
                del self._last[channel]
                self._locks.pop(channel, None)


class Delivery:
    """Held for a sweep (the clock's for its life): the channel cache and the pacing are
    shared by every team; each letter goes with its own team's client."""

    def __init__(
        self,
        db: Database,
        *,
        channels: ChannelInfo | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self.db = db
        self.channels = channels or ChannelInfo()
        self.pacer = pacer or Pacer()

    async def deliver(
        self, due: Sequence[Due], claims: Sequence[Claim], now: datetime, clients: TeamClients
    ) -> DeliveryReport:
        report = DeliveryReport()
        gate = asyncio.Semaphore(CONCURRENCY)
        # The sweep's `now`, moved on by the time delivery has taken: when each attempt was.
        started = time.monotonic()

        def at() -> datetime:
            return now + timedelta(seconds=time.monotonic() - started)

        async def one(letter: Letter) -> None:
            async with gate:
                try:
                    await self._deliver_letter(letter, clients, at, report)
                except TeamStopped as e:
                    # Not refused, not failed: the token is. What is left stays retakeable,
                    # so a reinstall the same day delivers it.
                    left = await self._finish(
                        letter.claims, NudgeStatus.failed, at(), error=e.error
                    )
                    report.stopped += left
                except Exception:
                    # One surprise must not stop the rest; its unfinished rows stay
                    # retakeable (and are looked for in history before a retry).
                    log.exception("delivering to %s failed", letter.destination)
                    failed = await self._finish(
                        letter.claims, NudgeStatus.failed, at(), error="internal"
                    )
                    report.failed += failed

        await asyncio.gather(*(one(x) for x in all_letters(due, claims)))
        self.pacer.forget_idle()  # memory holds one chunk's channels, not the sweep's
        report.teams_stopped.update(clients.stopped)
        return report

    async def _deliver_letter(
        self,
        letter: Letter,
        clients: TeamClients,
        at: Callable[[], datetime],
        report: DeliveryReport,
    ) -> None:
        if any(c.attempts > 1 for c in letter.claims):
            # Tried before: whatever that attempt posted is in the destination's history.
            try:
                landed = await self._landed(letter, clients, [c.id for c in letter.claims])
            except Failed as e:
                # Unable to look, so unable to know: posting again could post twice.
                report.count_error(str(e))
                # (Awaited first: `x += await …` would read x before other letters moved it.)
                failed = await self._finish(letter.claims, NudgeStatus.failed, at(), error=str(e))
                report.failed += failed
                return
            for (ts, channel), ids in _by_message(landed).items():
                await self._finish(ids, NudgeStatus.sent, at(), ts=ts, channel=channel)
                report.sent += len(ids)
                report.found += len(ids)
            letter = Letter(
                letter.destination,
                [i for i in letter.items if i[2].id not in landed],
                digest=letter.digest,
            )
        batches = letter.batches()
        for i, batch in enumerate(batches):
            claims = [c for _, _, c in batch]
            try:
                ts, channel = await self._post(letter, clients, batch, part=(i + 1, len(batches)))
            except Refused as e:
                report.count_error(e.error)
                # The rest of this destination's messages would be refused the same way.
                rest = [c for b in batches[i:] for _, _, c in b]
                blocked = await self._finish(rest, NudgeStatus.blocked, at(), error=e.error)
                report.blocked += blocked
                if await self._block(letter, clients, e.error, at()):
                    report.owners_told += 1
                return
            except Failed as e:
                report.count_error(str(e))
                failed = await self._finish(claims, NudgeStatus.failed, at(), error=str(e))
                report.failed += failed
                continue
            report.messages += 1
            report.sent += len(claims)
            await self._finish(claims, NudgeStatus.sent, at(), ts=ts, channel=channel)

    async def _post(
        self,
        letter: Letter,
        clients: TeamClients,
        batch: list[tuple[Poc, Nudge, Claim]],
        *,
        part: tuple[int, int],
    ) -> tuple[str, str]:
        """One attempt, never two: a failure may yet land. Returns (ts, channel)."""
        metadata = {
            "event_type": NUDGE_EVENT,
            "event_payload": {"log_ids": [c.id for _, _, c in batch]},
        }
        text, blocks = compose(letter, batch, part)
        try:
            async with (
                clients.speaking(letter.poc.team_id) as client,
                self.pacer.turn(letter.destination),
            ):
                response = await client.chat_postMessage(
                    channel=letter.destination,
                    text=text,
                    blocks=blocks,
                    metadata=metadata,
                    unfurl_links=False,
                )
            return str(response["ts"]), str(response["channel"])
        except SlackApiError as e:
            error = slack_error(e)
            if error in (DM_REFUSALS if letter.is_dm else CHANNEL_REFUSALS):
                raise Refused(error) from e
            log.info("POC %s: post to %s failed: %s", letter.poc.id, letter.destination, error)
            raise Failed(error) from e
        except (aiohttp.ClientError, TimeoutError) as e:
            error = type(e).__name__
            log.info("POC %s: post to %s failed: %s", letter.poc.id, letter.destination, error)
            raise Failed(error) from e

    async def _landed(
        self, letter: Letter, clients: TeamClients, ids: list[int]
    ) -> dict[int, tuple[str, str]]:
        """Sent-log id -> (ts, channel) of our messages in the destination that carry it."""
        try:
            async with clients.speaking(letter.poc.team_id) as client:
                channel = letter.destination
                if letter.is_dm:  # a DM's history is read on its D… channel (im:history)
                    opened = await client.conversations_open(users=channel)
                    channel = opened["channel"]["id"]
                history = await client.conversations_history(
                    channel=channel, limit=HISTORY_DEPTH, include_all_metadata=True
                )
        except SlackApiError as e:
            raise Failed(f"history:{slack_error(e)}") from e
        except (aiohttp.ClientError, TimeoutError) as e:
            raise Failed(f"history:{type(e).__name__}") from e
        wanted = set(ids)
        found: dict[int, tuple[str, str]] = {}
        for message in history.get("messages", []):
            meta = message.get("metadata") or {}
            if meta.get("event_type") != NUDGE_EVENT:
                continue
            for row_id in (meta.get("event_payload") or {}).get("log_ids", []):
                if row_id in wanted:
                    found[row_id] = (str(message["ts"]), channel)
        return found

    async def _finish(
        self,
        rows: Sequence[Claim] | Sequence[int],
        status: str,
        at: datetime,
        *,
        ts: str | None = None,
        channel: str | None = None,
        error: str | None = None,
    ) -> int:
        """Record how the attempt at these sent-log rows (claims or their ids) ended."""
        ids = [r if isinstance(r, int) else r.id for r in rows]
        async with self.db.transaction() as s:
            return await sentlog.finish_nudges(
                session=s,
                ids=ids,
                status=status,
                now=at,
                message_ts=ts,
                channel_id=channel,
                error=error,
            )

    async def _block(self, letter: Letter, clients: TeamClients, error: str, at: datetime) -> bool:
        """Mark the destination blocked for each POC of the letter (the first time only) and
        tell each owner once."""
        told, owners = False, set()
        for poc in letter.pocs:
            if not await self._mark_blocked(poc, letter.destination, error, at):
                continue
            told_to = owner(poc, besides=letter.destination)
            if told_to is None:
                log.warning(
                    "POC %s: %s refuses (%s) and nobody can be told",
                    poc.id,
                    letter.destination,
                    error,
                )
                continue
            if told_to in owners:
                continue
            owners.add(told_to)
            try:
                text = refusal_notice(poc, letter.destination, is_dm=letter.is_dm, error=error)
                async with clients.speaking(poc.team_id) as client:
                    await client.chat_postMessage(channel=told_to, text=text)
                told = True
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
                log.warning("could not tell %s that %s refuses: %s", told_to, letter.destination, e)
        return told

    async def _mark_blocked(self, poc: Poc, destination: str, error: str, at: datetime) -> bool:
        async with self.db.transaction() as s:
            if destination == poc.channel_id:
                return await sentlog.block_delivery(
                    session=s, team_id=poc.team_id, poc_id=poc.id, error=error, now=at
                )
            return await sentlog.block_destination(
                session=s,
                team_id=poc.team_id,
                poc_id=poc.id,
                destination=destination,
                error=error,
                now=at,
            )


def _by_message(landed: dict[int, tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    grouped: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row_id, where in landed.items():
        grouped[where].append(row_id)
    return grouped
