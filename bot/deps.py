"""What a listener or the clock needs besides Slack's own arguments: `Deps`, the installing
team (`tenant`), a Web API client and the wall clock.

A module of its own so that handlers, the scheduler and the wiring (bot/app.py) can all
import it without importing each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.privacy import ChannelInfo
from storage.db import Database

#: Follow-up work (posting what a submission saved) running at once. A burst of requests is
#: acknowledged first: Slack's 3 s deadline is for the ack; the message may come a beat later.
FOLLOW_UPS = 4
#: Seconds a follow-up waits for the requests before their ack to be answered, at most: under
#: a load that never lets up it then takes its turn anyway.
FOLLOW_UP_PATIENCE_S = 2.0


class FollowUps:
    """Lanes for the work after an ack, which yields to the requests still before theirs.

    A submission's follow-up (reload, render, post) costs ~25 ms of CPU, its ack ~5: with 20
    in flight, follow-ups running beside the acks made each ack wait on them (p99 300-430 ms).
    So a follow-up starts only when no request of this process awaits its ack (the guard
    counts them: `before_ack`/`acked`), or after FOLLOW_UP_PATIENCE_S; at most `lanes` at once.
    """

    def __init__(self, lanes: int = FOLLOW_UPS, patience_s: float = FOLLOW_UP_PATIENCE_S) -> None:
        self._lanes = asyncio.Semaphore(lanes)
        self._patience_s = patience_s
        self._waiting_acks = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    def before_ack(self) -> None:
        """A request has started that Slack waits to see acknowledged."""
        self._waiting_acks += 1
        self._quiet.clear()

    def acked(self) -> None:
        """That request is answered (or given up on)."""
        self._waiting_acks -= 1
        if self._waiting_acks <= 0:
            self._waiting_acks = 0
            self._quiet.set()

    async def __aenter__(self) -> None:
        await self._lanes.acquire()
        try:
            async with asyncio.timeout(self._patience_s):
                await self._quiet.wait()
        except TimeoutError:
            pass  # busy all this time: the follow-up goes ahead beside the acks

    async def __aexit__(self, *_: object) -> None:
        self._lanes.release()


def utc_now() -> datetime:
    """The wall clock. Everything else takes `now` from a `Deps.clock` or a `Clock`."""
    return datetime.now(UTC)


@dataclass
class Deps:
    """What every listener needs besides Slack's own arguments; reached via `context["deps"]`."""

    settings: Settings
    db: Database
    #: the wall clock, injectable so tests and the demo can say what time it is
    clock: Callable[[], datetime] = field(default=utc_now)
    #: Slack user id of this bot (from auth.test), to ignore our own reactions and joins
    bot_user_id: str | None = None
    #: conversations.info, cached: is a channel shared with the prospect, are we in it
    channels: ChannelInfo = field(default_factory=ChannelInfo)
    #: lanes for the work after an ack (posting what a submission saved)
    follow_ups: FollowUps = field(default_factory=FollowUps)
    #: OAuth mode: slack_sdk's installation store (bot/installations.py); None with one token
    installation_store: Any = None
    #: OAuth mode: teams whose tenant row this process has written (bot/app.py)
    tenants_seen: set[str] = field(default_factory=set)


def deps_of(context: AsyncBoltContext) -> Deps:
    """The `Deps` bot/app.py put in every request's context."""
    return context["deps"]


def tenant(context: AsyncBoltContext) -> str:
    """The installing team: every row and query is scoped by it.

    Not the payload's team: in a Slack Connect channel a prospect's click carries the
    prospect's team id, while the installation (authorize_result) is always ours. An org-wide
    install (Enterprise Grid) has one token for every workspace of the org, so its tenant is
    the workspace the request comes from.
    """
    team_id = tenant_or_none(context)
    if not team_id:
        raise LookupError("request without a team")
    return team_id


def tenant_or_none(context: AsyncBoltContext) -> str | None:
    result = context.authorize_result
    if context.is_enterprise_install:
        return context.team_id
    return (result.team_id if result else None) or context.team_id


def web_client(
    settings: Settings, *, retry_server_errors: bool = True, timeout: float = 10.0
) -> AsyncWebClient:
    """A Web API client on SLACK_API_URL with slack_sdk's retry handlers.

    The scheduler passes `retry_server_errors=False`: re-sending chat.postMessage after a 5xx
    or a dropped connection may double-post, so its sent-log and a look at the channel's
    history, not the client, decide what is sent again. Rate limits are always waited out.
    """
    handlers: list[Any] = [AsyncRateLimitErrorRetryHandler(max_retry_count=3)]
    if retry_server_errors:
        handlers += [
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ]
    return AsyncWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=int(timeout),
        retry_handlers=handlers,
        # One connection pool for the process. Without it slack_sdk opens a session, and a
        # TCP (TLS in production) connection, per API call: measured at ~6 ms of CPU per
        # submission, a fifth of its cost. Needs a running loop; close_client() closes it.
        # The session's timeout is the one that counts: slack_sdk applies its own only to
        # the sessions it makes itself.
        session=aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)),
    )


async def close_client(client: AsyncWebClient) -> None:
    """Close the client's connection pool (slack_sdk falls back to a session per call)."""
    if client.session is not None and not client.session.closed:
        await client.session.close()
