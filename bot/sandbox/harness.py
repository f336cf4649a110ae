"""The whole bot running against the stand-in: real server, real client, an injectable clock.

Tests, the demo and the benchmarks all start pocbot this way, so they exercise the code a
deployment runs: Bolt's request verification, our listeners, storage, the Web API client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import aiohttp

from bot.app import build_app
from bot.config import Settings
from bot.deps import Deps, close_client, web_client
from bot.sandbox.signing import Reply, SlackClient
from bot.sandbox.slack_api import Message, SlackStandIn
from bot.server import EVENTS_PATH, Server, web_app
from storage.db import Database

SIGNING_SECRET = "sandbox-signing-secret"
STATE_SECRET = "sandbox-state-secret"


@dataclass
class Clock:
    """What time the bot thinks it is; tests and the demo move it, nobody sleeps."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("the clock keeps aware datetimes")
        self.now = when

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def timestamp(self) -> float:
        return self.now.timestamp()


async def open_modal(
    slack: SlackStandIn, client: SlackClient, user_id: str, channel_id: str, text: str
) -> dict[str, Any]:
    """Type a /poc command that opens a modal, against any server `client` signs for."""
    before = len(slack.opened)
    reply = await client.command(user_id, channel_id, text)
    if reply.status != 200:
        raise AssertionError(f"/poc {text} answered {reply.status}: {reply.text}")
    return await slack.wait_for(
        lambda: slack.opened[before] if len(slack.opened) > before else None
    )


async def install_by_oauth(
    base_url: str,
    slack: SlackStandIn,
    *,
    team_id: str | None = None,
    enterprise_id: str | None = None,
    installer: str = "UINSTALLER",
) -> str:
    """One install through the bot's real OAuth pages; returns the bot token it was given."""
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{base_url}/slack/install", allow_redirects=False) as r:
            to_slack = r.headers.get("Location", "")
            if r.status != 302 or "state=" not in to_slack:
                raise AssertionError(f"/slack/install answered {r.status}: {await r.text()}")
            # Bolt's state cookie is Secure: a browser sends it back over https. The loopback
            # is http, so it is carried back by hand, as that browser would.
            jar = SimpleCookie()
            for header in r.headers.getall("Set-Cookie", []):
                jar.load(header)
        state = parse_qs(urlparse(to_slack).query)["state"][0]
        code = slack.install(team_id=team_id, enterprise_id=enterprise_id, installer=installer)
        back = f"{base_url}/slack/oauth_redirect?{urlencode({'code': code, 'state': state})}"
        cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())
        async with browser.get(back, allow_redirects=False, headers={"Cookie": cookie}) as r:
            if r.status != 200:
                raise AssertionError(f"the OAuth redirect answered {r.status}: {await r.text()}")
    return slack.installs.of(team_id=team_id, enterprise_id=enterprise_id)[-1]


class Sandbox:
    """`async with Sandbox(db) as sb:` — sb.slack (the stand-in), sb.client (Slack's side)."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Clock | None = None,
        settings: dict[str, Any] | None = None,
        slack: SlackStandIn | None = None,
        oauth: bool = False,
    ) -> None:
        """`oauth`: installed by OAuth in many workspaces (`install()`), not one token."""
        self.db = db
        self.oauth = oauth
        self.clock = clock or Clock()
        self.slack = slack or SlackStandIn()
        self._extra = settings or {}
        self.server: Server | None = None
        self.client: SlackClient
        self.deps: Deps

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, exc_type: object, *_: object) -> None:
        await self.stop()
        if exc_type is None:  # a scope manifest.yml lacks fails the test that needed it
            self.slack.assert_scopes_sufficed()

    async def start(self) -> None:
        if not self.slack.port:
            await self.slack.start()
        credentials: dict[str, Any] = (
            {
                "slack_client_id": self.slack.installs.client_id,
                "slack_client_secret": self.slack.installs.client_secret,
                "slack_state_secret": STATE_SECRET,
            }
            if self.oauth
            else {"slack_bot_token": self.slack.token}
        )
        settings = Settings(
            **credentials,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=self.slack.api_url,
            database_url=str(self.db.engine.url),
            **self._extra,
        )
        self.deps = Deps(
            settings=settings, db=self.db, clock=self.clock, bot_user_id=self.slack.bot_user_id
        )
        self.app = build_app(self.deps, client=web_client(settings))
        # What the clock would use: no client-side retry of 5xx, the sent-log decides.
        self.sweep_client = web_client(settings, retry_server_errors=False)
        self.server = Server(web_app(self.app, self.db, signing_secret=SIGNING_SECRET))
        port = await self.server.start("127.0.0.1", 0)
        self.base_url = f"http://127.0.0.1:{port}"
        # Signatures carry the real time: Bolt rejects requests older than five minutes by
        # the wall clock, whatever day the bot's own clock says it is.
        self.client = SlackClient(
            f"http://127.0.0.1:{port}{EVENTS_PATH}", SIGNING_SECRET, self.slack
        )

    async def stop(self) -> None:
        await self.client.close()
        if self.server:
            await self.server.stop()
            await close_client(self.app.client)
            await close_client(self.sweep_client)
        await self.slack.stop()

    async def install(
        self,
        *,
        team_id: str | None = None,
        enterprise_id: str | None = None,
        installer: str = "UINSTALLER",
    ) -> str:
        """Someone installs the app from the bot's install link, as a browser does it: the
        link sends them to Slack with a state; they allow; Slack sends them back with a code.
        Returns the new bot token."""
        return await install_by_oauth(
            self.base_url,
            self.slack,
            team_id=team_id,
            enterprise_id=enterprise_id,
            installer=installer,
        )

    def workspace(
        self, team_id: str, *, enterprise_id: str | None = None, org_install: bool = False
    ) -> SlackClient:
        """Slack's side for requests from another workspace (of an org, if `enterprise_id`)."""
        return self.client.as_workspace(
            team_id, enterprise_id=enterprise_id, org_install=org_install
        )

    # ------------------------------------------------------------------ common journeys

    async def open_modal(self, user_id: str, channel_id: str, text: str) -> dict[str, Any]:
        """Type a /poc command that opens a modal; returns the modal as Slack received it."""
        return await open_modal(self.slack, self.client, user_id, channel_id, text)

    async def submit(
        self, user_id: str, view: dict[str, Any], answers: dict[str, Any]
    ) -> dict[str, Any]:
        """Submit a modal; returns the ack's JSON ({} when it closed, errors when not)."""
        reply = await self.client.submit(user_id, view, answers)
        if reply.status != 200:
            raise AssertionError(f"submission answered {reply.status}: {reply.text}")
        return reply.json() or {}

    async def next_post(self, channel: str, *, after: int) -> Message:
        """The first bot message in `channel` after the first `after` ones."""
        return await self.slack.wait_for(
            lambda: posts[after] if len(posts := self.slack.posts(channel)) > after else None
        )

    async def command(self, user_id: str, channel_id: str, text: str) -> Reply:
        return await self.client.command(user_id, channel_id, text)
