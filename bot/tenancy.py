"""Which workspaces the bot speaks for, and with which token: `Workspaces`.

Every row is scoped by the workspace's team id (the tenant). Slack finds an installation by
(enterprise id, team id): a workspace install has both (or no enterprise), an Enterprise Grid
org-wide install has the enterprise id alone and serves every workspace of the org with one
token. The scheduler asks a `Workspaces` for the teams it may serve and a Web API client per
team, and never holds a token of its own:

- `SingleToken`: SLACK_BOT_TOKEN's own team (auth.test), today's one-workspace deployment.
- `Installed` (bot/installations.py): every OAuth installation in the database.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

#: What Slack answers when a token is no longer good for anything: the installation is gone
#: (uninstalled, revoked, the workspace deleted). No further call is made with such a token.
DEAD_TOKEN_ERRORS = frozenset(
    {"token_revoked", "invalid_auth", "account_inactive", "not_authed", "token_expired"}
)


class Workspaces(Protocol):
    async def teams(self) -> list[str]:
        """The teams the bot may speak for now, sorted: installed and not uninstalled."""
        ...

    async def clients(self, teams: Collection[str]) -> dict[str, AsyncWebClient]:
        """A client with each team's own bot token; a team without one (uninstalled since,
        never installed) is left out, and nothing is said to it."""
        ...


class SingleToken:
    """One token from the environment: its team alone is served (auth.test, asked once)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._team: str | None = None

    async def team(self) -> str:
        if self._team is None:
            self._team = str((await self.client.auth_test())["team_id"])
        return self._team

    async def teams(self) -> list[str]:
        return [await self.team()]

    async def clients(self, teams: Collection[str]) -> dict[str, AsyncWebClient]:
        own = await self.team()
        return {own: self.client} if own in teams else {}
