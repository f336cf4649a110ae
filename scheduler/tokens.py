"""Which token the scheduler speaks to each team with, and what a dead one stops.

`workspaces_for(settings, db)` is the one place that decides which workspaces the clock and
`python -m bot sweep` speak for (bot/tenancy.py). `TeamClients` holds one sweep chunk's
clients, one per team: when Slack calls a team's token dead (`DEAD_TOKEN_ERRORS`: revoked,
uninstalled, the workspace gone), that team is stopped at once and no further call is made
with its token in the sweep; the other teams carry on. Until a team's token has had one
answer in the sweep, its calls wait for that first one: a token revoked since the last sweep
costs one refused call, not one per delivery slot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import close_client, web_client
from bot.installations import Installed
from bot.tenancy import DEAD_TOKEN_ERRORS, SingleToken, Workspaces
from storage.db import Database

log = logging.getLogger(__name__)

#: Slack documents account_inactive both for a dead token and for a DM to a deactivated
#: user: only auth.test tells which (see `TeamClients._dead`).
AMBIGUOUS = "account_inactive"


def workspaces_for(settings: Settings, db: Database) -> Workspaces:
    """The workspaces the scheduler speaks for: every OAuth installation in `db` (each with
    its own token), or in single-token mode SLACK_BOT_TOKEN's own team."""
    if settings.oauth:
        return Installed(settings, db)
    # 5xx are not retried by the client: re-posting is the sent-log's decision.
    return SingleToken(web_client(settings, retry_server_errors=False))


async def close_workspaces(workspaces: Workspaces) -> None:
    """Close the connection pools of the clients `workspaces_for` built."""
    if isinstance(workspaces, SingleToken):
        await close_client(workspaces.client)
    elif isinstance(workspaces, Installed):
        await close_client(workspaces.pool)


def as_workspaces(given: Workspaces | AsyncWebClient) -> Workspaces:
    """A single client (tests, the demo, one token) speaks for its own team."""
    return SingleToken(given) if isinstance(given, AsyncWebClient) else given


def slack_error(e: SlackApiError) -> str:
    """Slack's error code; a 5xx often has an HTML body and no code at all."""
    data = e.response.data
    code = data.get("error") if isinstance(data, dict) else None
    return str(code or f"http_{e.response.status_code}")


class TeamStopped(Exception):
    """The team's token is dead (or it has no client): nothing more is said to it."""

    def __init__(self, team: str, error: str) -> None:
        super().__init__(f"{team}: {error}")
        self.team = team
        self.error = error


class TeamClients:
    """One sweep chunk's Web API clients, by team."""

    def __init__(self, clients: Mapping[str, AsyncWebClient]) -> None:
        self._clients = dict(clients)
        #: team -> the error that stopped it
        self.stopped: dict[str, str] = {}
        #: team -> set once its token has had an answer (or its first call ended)
        self._heard: dict[str, asyncio.Event] = {}
        self._alive: set[str] = set()  # auth.test said so, this sweep

    def __contains__(self, team: object) -> bool:
        return team in self._clients and team not in self.stopped

    def serving(self, teams: list[str]) -> list[str]:
        return [t for t in teams if t in self]

    @asynccontextmanager
    async def speaking(self, team: str) -> AsyncIterator[AsyncWebClient]:
        """`async with clients.speaking(team) as client:` one piece of work with the team's
        client. Raises TeamStopped instead of making a call with a dead token; a dead-token
        answer inside stops the team and comes out as TeamStopped."""
        heard = self._heard.get(team)
        if heard is None:
            heard = self._heard[team] = asyncio.Event()
        else:
            await heard.wait()
        try:
            client = self._clients.get(team)
            if client is None or team in self.stopped:
                raise TeamStopped(team, self.stopped.get(team, "not_installed"))
            try:
                yield client
            except SlackApiError as e:
                error = slack_error(e)
                if error in DEAD_TOKEN_ERRORS and await self._dead(team, client, error):
                    raise TeamStopped(team, error) from e
                raise
        finally:
            heard.set()

    async def _dead(self, team: str, client: AsyncWebClient, error: str) -> bool:
        """Is the token dead? For account_inactive, auth.test says (once a sweep): a working
        token means the answer was about a deactivated user, a DM refusal. When auth.test
        cannot answer either, the team is stopped for this sweep: that costs a retry later,
        where taking a working token for a refusal would block a person's DMs for good."""
        if error == AMBIGUOUS and team not in self.stopped:
            if team in self._alive:
                return False
            try:
                await client.auth_test()
            except SlackApiError as e:
                error = slack_error(e)
            except (aiohttp.ClientError, TimeoutError) as e:
                error = f"auth.test:{type(e).__name__}"
            else:
                self._alive.add(team)
                return False
        if team not in self.stopped:
            log.warning("team %s stopped for this sweep: its token is dead (%s)", team, error)
            self.stopped[team] = error
        return True
