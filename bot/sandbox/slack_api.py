"""A local stand-in for the Slack Web API: the methods pocbot calls, answered as Slack answers.

It is a real HTTP server (aiohttp on a loopback port), so the bot's own `AsyncWebClient`,
its retry handlers and its error handling run unchanged against it. It keeps a small world
(channels, users, messages, views), records every call, and can be told to misbehave the way
Slack does: a channel shared with another organisation, archived or gone; `ratelimited` with
Retry-After; 5xx; slow answers; a post held back and shown later, when the test says. Tests
and `python -m bot demo` use it; it is not a mock of ours.

It checks what Slack checks before a method runs: the token (a bot token for the Web API, the
app-level token for `apps.connections.open`; revoked or expired ones as Slack reports them) and
the OAuth scope, against the bot scopes of manifest.yml (`missing_scope`, with `needed` and
`provided`). It also speaks Socket Mode (`link`, see socket_link.py).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web

from bot.sandbox.files import FileRefused, Files, UploadedFile
from bot.sandbox.installs import Installation, Installs, OAuthRefused
from bot.sandbox.scopes import (
    APP_TOKEN_SCOPES,
    MANIFEST,
    METHOD_SCOPES,
    PerConversation,
    bot_scopes,
)
from bot.sandbox.socket_link import SocketLink

T = TypeVar("T")

#: Methods that post a message somewhere; `posts()` reads what they left.
POSTING = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
#: Web API method families (https://docs.slack.dev/reference/methods): `_chat_postMessage`
#: answers chat.postMessage; other underscore names are the stand-in's own helpers.
FAMILIES = (
    "admin|api|apps|assistant|auth|bookmarks|bots|calls|canvases|chat|conversations|dialog|dnd"
    "|emoji|files|functions|migration|oauth|openid|pins|reactions|reminders|search|stars|team"
    "|tooling|usergroups|users|views|workflows"
)
_HANDLER = re.compile(rf"_({FAMILIES})_([A-Za-z_]+)")


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_ext_shared: bool = False
    is_archived: bool = False
    is_im: bool = False
    members: set[str] = field(default_factory=set)

    def info(self, bot_user_id: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private and not self.is_im,
            "is_group": self.is_private,
            "is_im": self.is_im,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_ext_shared": self.is_ext_shared,
            "is_shared": self.is_ext_shared,
            "is_pending_ext_shared": False,
            "is_member": bot_user_id in self.members,
            "num_members": len(self.members),
        }


@dataclass
class User:
    id: str
    name: str
    tz: str = "America/New_York"
    is_bot: bool = False
    team_id: str = ""
    #: a multi-channel guest (restricted) or single-channel guest (ultra restricted)
    is_restricted: bool = False
    is_ultra_restricted: bool = False
    #: a workspace admin or owner (may change the workspace settings)
    is_admin: bool = False
    is_owner: bool = False


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    thread_ts: str | None = None
    ephemeral_to: str | None = None  # set for chat.postEphemeral
    reactions: dict[str, list[str]] = field(default_factory=dict)
    edited: int = 0
    files: list[str] = field(default_factory=list)  # ids of the files it shares

    def as_slack(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "message",
            "ts": self.ts,
            "user": self.user,
            "text": self.text,
            "blocks": self.blocks,
        }
        if self.thread_ts:
            out["thread_ts"] = self.thread_ts
        if self.metadata:
            out["metadata"] = self.metadata
        if self.reactions:
            out["reactions"] = [
                {"name": n, "users": u, "count": len(u)} for n, u in self.reactions.items() if u
            ]
        return out


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float  # time.monotonic()
    error: str | None = None
    #: the scope Slack asked for, when it answered missing_scope
    needed: str | None = None
    #: the token the call came with (whose installation spoke)
    token: str | None = None


@dataclass
class Fault:
    """What the next matching call(s) get instead of a normal answer."""

    method: str
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    delay: float = 0.0
    channel: str | None = None
    times: int = 1
    #: matching calls let through before this fault starts (fail the 2nd post, not the 1st)
    after: int = 0
    #: do the work, then answer with the error anyway (a 5xx after the message was posted)
    land: bool = False
    #: take the message but show it nowhere and answer nothing until `land_held()`: a post
    #: the client gives up on (a timeout, a killed process) that appears in history later
    hold: bool = False


class SlackError(Exception):
    def __init__(self, error: str, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.extra = extra  # e.g. missing_scope's `needed` and `provided`


class SlackStandIn:
    """`async with SlackStandIn() as slack:` then point SLACK_API_URL at `slack.api_url`."""

    def __init__(
        self,
        *,
        token: str = "xoxb-sandbox",
        team_id: str = "T0POCBOT",
        team_name: str = "Acme Sales",
        bot_user_id: str = "UPOCBOT",
        seed: int = 7,
        app_token: str = "xapp-1-A0POCBOT-sandbox",
        app_id: str = "A0POCBOT",
        manifest: Path | str | None = MANIFEST,
        scopes: Iterable[str] | None = None,
    ) -> None:
        """`scopes` (bot scopes granted) wins over `manifest`; `manifest=None` grants every
        scope. By default the repository's manifest.yml decides, as it does in a workspace.
        """
        self.token = token
        self.app_token = app_token
        #: bot scopes the installation granted; None: every scope (nothing is enforced)
        self.granted: frozenset[str] | None = _granted(manifest, scopes)
        self.app_token_scopes: frozenset[str] = frozenset({"connections:write"})
        #: tokens Slack no longer accepts, and what it answers: token_revoked, token_expired…
        self.token_errors: dict[str, str] = {}
        #: every call refused with missing_scope (the test fails at the end unless cleared)
        self.scope_refusals: list[Call] = []
        self.team_id = team_id
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, User] = {bot_user_id: User(bot_user_id, "pocbot", is_bot=True)}
        #: user groups (S…) -> their members' ids (usergroups.users.list)
        self.usergroups: dict[str, list[str]] = {}
        self.messages: list[Message] = []
        self.views: dict[str, dict[str, Any]] = {}  # view id -> view as last opened/updated
        self.opened: list[dict[str, Any]] = []  # every views.open / push / update, in order
        self.home: dict[str, dict[str, Any]] = {}  # user id -> published App Home view
        self.responses: list[dict[str, Any]] = []  # what came to response_url
        self.files = Files()  # uploads: files.getUploadURLExternal … completeUploadExternal
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        #: at most one post per channel this often (seconds); faster posts get 429
        self.post_interval: float | None = None
        #: share of chat.postMessage calls answered 429 at random (seeded)
        self.random_429: float = 0.0
        self.retry_after = 1
        self._random = random.Random(seed)
        self._last_post: dict[str, float] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        #: posts taken by a `hold` fault, not yet in history; `land_held()` shows them
        self.held: list[Message] = []
        self._landed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0
        #: Slack's end of Socket Mode
        self.link = SocketLink(app_id=app_id, notify=self._notify)
        #: OAuth installs: workspaces and orgs with bot tokens of their own (installs.py)
        self.installs = Installs(
            app_id=app_id,
            bot_user_id=bot_user_id,
            scopes=",".join(sorted(self.granted or bot_scopes(MANIFEST))),
        )
        #: the installation whose token the call being answered came with
        self._caller: Installation | None = None

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{token}", self._respond)
        app.router.add_post("/upload/{file_id}", self._upload)
        self.link.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.api_url

    async def stop(self) -> None:
        self._landed.set()  # held requests answer now, or the server would wait on them
        if self._runner:
            await self.link.close()
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackStandIn:
        await self.start()
        return self

    async def __aexit__(self, exc_type: object, *_: object) -> None:
        await self.stop()
        if exc_type is None:
            self.assert_scopes_sufficed()

    @classmethod
    @functools.cache
    def implemented_methods(cls) -> frozenset[str]:
        """The Web API methods the stand-in answers (every `_<family>_<method>` it defines)."""
        found = (_HANDLER.fullmatch(name) for name in dir(cls))
        return frozenset(f"{m[1]}.{m[2].replace('_', '.')}" for m in found if m)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, key: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{key or next(self._ids)}"

    # ------------------------------------------------------------------ the world

    def add_channel(
        self,
        channel_id: str,
        name: str | None = None,
        *,
        members: tuple[str, ...] = (),
        bot_member: bool = True,
        **flags: bool,
    ) -> Channel:
        channel = Channel(channel_id, name or channel_id.lower(), **flags)
        channel.members.update(members)
        if bot_member:
            channel.members.add(self.bot_user_id)
        self.channels[channel_id] = channel
        return channel

    def set_channel(self, channel_id: str, **flags: bool) -> None:
        """E.g. `set_channel("C1", is_ext_shared=True)`; `missing=True` deletes it."""
        if flags.pop("missing", False):
            self.channels.pop(channel_id, None)
            return
        for k, v in flags.items():
            setattr(self.channels[channel_id], k, v)

    def add_user(
        self, user_id: str, name: str, *, tz: str = "America/New_York", **flags: Any
    ) -> User:
        """A person of this workspace; `flags`: is_admin, is_owner, is_restricted (a guest),
        is_ultra_restricted (a single-channel guest), team_id (another organisation's)."""
        self.users[user_id] = User(user_id, name, tz=tz, **{"team_id": self.team_id, **flags})
        return self.users[user_id]

    def add_guest(self, user_id: str, name: str, *, single_channel: bool = False) -> User:
        """A guest account of this workspace (users.info is_restricted / is_ultra_restricted)."""
        if single_channel:
            return self.add_user(user_id, name, is_ultra_restricted=True)
        return self.add_user(user_id, name, is_restricted=True)

    def add_outsider(self, user_id: str, name: str, *, team_id: str = "TPROSPECT") -> User:
        """A member of another organisation (a Slack Connect member): users.info says their
        own team_id."""
        return self.add_user(user_id, name, team_id=team_id)

    def add_usergroup(self, group_id: str, members: Iterable[str]) -> None:
        """A user group (`@sales-managers`) of this workspace, with these members."""
        self.usergroups[group_id] = list(members)

    def dm_id(self, user_id: str) -> str:
        """The id of the app's DM with a user ('D' + the user id's tail), created on demand."""
        dm = "D" + user_id[1:]
        if dm not in self.channels:
            self.channels[dm] = Channel(dm, dm, is_im=True, members={user_id, self.bot_user_id})
        return dm

    def install(
        self,
        *,
        team_id: str | None = None,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        installer: str = "UINSTALLER",
    ) -> str:
        """An installer approves the app (a workspace, or with only `enterprise_id` a whole
        org): the one-time code Slack sends to the redirect URL."""
        return self.installs.approve(
            team_id=team_id, team_name=team_name, enterprise_id=enterprise_id, installer=installer
        )

    def uninstall(self, *, team_id: str | None = None, enterprise_id: str | None = None) -> None:
        """The app is removed: Slack stops taking every token the installation was given."""
        for token in self.installs.of(team_id=team_id, enterprise_id=enterprise_id):
            self.revoke(token)

    def calls_with(self, token: str) -> list[Call]:
        """Every call made with `token` (refused ones included)."""
        return [c for c in self.calls if c.token == token]

    def revoke(self, token: str, error: str = "token_revoked") -> None:
        """Slack stops accepting `token`: token_revoked, token_expired, account_inactive…"""
        self.token_errors[token] = error

    def fail_next(self, method: str, **how: Any) -> Fault:
        """The next call(s) to `method` fail: status=500, error='ratelimited', retry_after=…"""
        fault = Fault(method, **how)
        if fault.error == "ratelimited" and fault.status == 200:
            fault.status = 429
        self.faults.append(fault)
        return fault

    async def land_held(self) -> list[Message]:
        """The held posts appear in their channels' history, as Slack shows a post that
        timed out on the client's side a few seconds later; their requests answer now."""
        landed, self.held = self.held, []
        self.messages.extend(landed)
        self._landed.set()
        self._landed = asyncio.Event()
        await self._notify()
        return landed

    def react(self, channel: str, ts: str, user_id: str, name: str, *, added: bool = True) -> None:
        """A person's reaction, as the world sees it (the event is sent separately)."""
        message = self.message(channel, ts)
        users = message.reactions.setdefault(name, [])
        if added and user_id not in users:
            users.append(user_id)
        elif not added and user_id in users:
            users.remove(user_id)

    def say(self, channel: str, user_id: str, text: str) -> Message:
        """A person's message in a channel (the event is sent separately)."""
        message = Message(channel, self._next_ts(), user_id, text)
        self.messages.append(message)
        return message

    # ------------------------------------------------------------------ reading it back

    def message(self, channel: str, ts: str) -> Message:
        for m in self.messages:
            if m.channel == channel and m.ts == ts:
                return m
        raise KeyError(f"no message {ts} in {channel}")

    def posts(
        self, channel: str | None = None, *, by_bot: bool = True, ephemeral: bool | None = False
    ) -> list[Message]:
        """Messages in a channel (a user id means the DM with them), oldest first."""
        if channel and channel.startswith(("U", "W")):
            channel = self.dm_id(channel)
        return [
            m
            for m in self.messages
            if (channel is None or m.channel == channel)
            and (not by_bot or m.user == self.bot_user_id)
            and (ephemeral is None or (m.ephemeral_to is not None) == ephemeral)
        ]

    def ephemerals(self, user_id: str | None = None) -> list[Message]:
        return [
            m for m in self.posts(ephemeral=True) if user_id is None or m.ephemeral_to == user_id
        ]

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.error is None]

    def assert_scopes_sufficed(self) -> None:
        """Fail if any call was refused for a scope manifest.yml does not grant."""
        if self.scope_refusals:
            missing = sorted({f"{c.method} needs {c.needed}" for c in self.scope_refusals})
            raise AssertionError(
                "Slack answered missing_scope: "
                + "; ".join(missing)
                + " (add the scope to oauth_config.scopes.bot in manifest.yml)"
            )

    async def wait_for(self, probe: Callable[[], T], *, within: float = 5.0) -> T:
        """Wait until `probe()` is truthy (re-checked after every call the bot makes).

        The bot acks first and works after, so tests wait for the work's visible effect
        instead of sleeping.
        """

        async def until() -> T:
            async with self._changed:
                while not (value := probe()):
                    await self._changed.wait()
                return value

        try:
            return await asyncio.wait_for(until(), within)
        except TimeoutError:
            raise AssertionError(
                f"not seen within {within}s; last calls: "
                + ", ".join(c.method for c in self.calls[-8:])
            ) from None

    # ------------------------------------------------------------------ HTTP

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _respond(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.responses.append({"key": request.match_info["token"], **body})
        await self._notify()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """An upload URL (files.getUploadURLExternal's): the bytes, raw or multipart."""
        if request.content_type.startswith("multipart/"):
            parts = [v for v in (await request.post()).values() if isinstance(v, web.FileField)]
            data = parts[0].file.read() if parts else b""
        else:
            data = await request.read()
        status, text = self.files.receive(request.match_info["file_id"], data)
        await self._notify()
        return web.Response(status=status, text=text)

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        call = Call(method, args, time.monotonic())
        self.calls.append(call)
        await self._notify()  # a test may wait for the call itself, not its answer (a slow one)
        try:
            authorization = request.headers.get("Authorization", "")
            if method == "oauth.v2.access":  # the client id and secret, not a token
                return web.json_response({"ok": True, **self.installs.access(args, authorization)})
            token = authorization.removeprefix("Bearer ").strip()
            token = call.token = token or str(args.pop("token", ""))
            self._authenticate(method, token)
            self._caller = self.installs.by_token.get(token)
            self._authorize(method, args, call)
            if (fault := self._fault_for(method, args)) is not None:
                if fault.hold and method == "chat.postMessage":
                    return await self._hold(args, call)
                if fault.land and (handler := getattr(self, "_" + method.replace(".", "_"))):
                    handler(args)
                return await self._misbehave(fault, call)
            if method == "chat.postMessage" and (throttled := self._throttled(args)):
                call.error = "ratelimited"
                return throttled
            if method not in self.implemented_methods():
                raise SlackError("unknown_method")
            handler = getattr(self, "_" + method.replace(".", "_"))
            answer = handler(args)
            return web.json_response({"ok": True, **answer})
        except (FileRefused, OAuthRefused) as e:
            call.error = e.error
            return web.json_response({"ok": False, "error": e.error})
        except SlackError as e:
            call.error = e.error
            return web.json_response({"ok": False, "error": e.error, **e.extra}, status=e.status)
        finally:
            await self._notify()

    def _authenticate(self, method: str, token: str) -> None:
        """The token must be one Slack accepts, and of the kind the method takes."""
        if not token:
            raise SlackError("not_authed")
        if token in self.token_errors:
            raise SlackError(self.token_errors[token])
        wanted, other = (
            (self.app_token, self.token)
            if method in APP_TOKEN_SCOPES
            else (self.token, self.app_token)
        )
        if token == other:
            raise SlackError("not_allowed_token_type")
        if token != wanted and (wanted == self.app_token or token not in self.installs.by_token):
            raise SlackError("invalid_auth")

    def _authorize(self, method: str, args: dict[str, Any], call: Call) -> None:
        """missing_scope, as Slack answers it, when the installation lacks the method's scope."""
        app_level = method in APP_TOKEN_SCOPES
        if app_level:
            needed: str | None = APP_TOKEN_SCOPES[method]
            granted: frozenset[str] | None = self.app_token_scopes
        else:
            needed, granted = self._needed_scope(method, args), self.granted
        if needed is None or granted is None or needed in granted:
            return
        call.needed = needed
        if not app_level:  # an app-level token's scopes are not manifest.yml's to grant
            self.scope_refusals.append(call)
        raise SlackError("missing_scope", needed=needed, provided=",".join(sorted(granted)))

    def _needed_scope(self, method: str, args: dict[str, Any]) -> str | None:
        rule = METHOD_SCOPES.get(method)
        if isinstance(rule, PerConversation):
            try:
                channel = self._channel(args.get("channel"))
            except SlackError:
                return None  # channel_not_found comes first
            return rule.scope(is_private=channel.is_private, is_im=channel.is_im)
        if method == "conversations.open" and len(str(args.get("users", "")).split(",")) > 1:
            return "mpim:write"
        return rule

    def grants(self, scope: str) -> bool:
        return self.granted is None or scope in self.granted

    def _fault_for(self, method: str, args: dict[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.channel in (None, args.get("channel")):
                if fault.after > 0:
                    fault.after -= 1
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def _misbehave(self, fault: Fault, call: Call) -> web.Response:
        if fault.delay:
            await asyncio.sleep(fault.delay)  # a slow Slack: the client's timeout decides
        call.error = fault.error or f"http_{fault.status}"
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        if fault.status >= 500:
            return web.Response(
                status=fault.status,
                text="<html>upstream error</html>",
                content_type="text/html",
                headers=headers,
            )
        return web.json_response(
            {"ok": False, "error": fault.error or "fatal_error"},
            status=fault.status,
            headers=headers,
        )

    async def _hold(self, args: dict[str, Any], call: Call) -> web.Response:
        answer = self._chat_postMessage(args)
        message = self.messages.pop()  # taken, but not in history yet
        self.held.append(message)
        call.error = "held"
        landed = self._landed
        await self._notify()
        await landed.wait()
        return web.json_response({"ok": True, **answer})

    def _throttled(self, args: dict[str, Any]) -> web.Response | None:
        channel = str(args.get("channel", ""))
        now = time.monotonic()
        limited = self.random_429 and self._random.random() < self.random_429
        last = self._last_post.get(channel)
        if self.post_interval and last is not None and now - last < self.post_interval:
            limited = True
        if limited:
            self.calls[-1].error = "ratelimited"
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        self._last_post[channel] = now
        return None

    # ------------------------------------------------------------------ the methods

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _channel(self, channel_id: Any) -> Channel:
        channel_id = str(channel_id or "")
        if channel_id.startswith(("U", "W")) and channel_id in self.users:
            return self.channels[self.dm_id(channel_id)]
        channel = self.channels.get(channel_id)
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def _writable(self, channel_id: Any) -> Channel:
        channel = self._channel(channel_id)
        if channel.is_archived:
            raise SlackError("is_archived")
        # chat:write.public covers public channels; private ones need an invitation.
        if self.bot_user_id not in channel.members and (
            channel.is_private or (not channel.is_im and not self.grants("chat:write.public"))
        ):
            raise SlackError("not_in_channel")
        return channel

    def _auth_test(self, _args: dict[str, Any]) -> dict[str, Any]:
        if self._caller is not None:  # an OAuth installation's token
            return self._caller.auth_test()
        return {
            "url": "https://sandbox.slack.test/",
            "team": self.team_name,
            "user": "pocbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": "B" + self.bot_user_id[1:],
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.link.issue_url(self.port)}

    def _team_info(self, _args: dict[str, Any]) -> dict[str, Any]:
        return {"team": {"id": self.team_id, "name": self.team_name, "domain": "sandbox"}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        u = self.users.get(str(args.get("user")))
        if u is None:
            raise SlackError("user_not_found")
        return {
            "user": {
                "id": u.id,
                "team_id": u.team_id or self.team_id,
                "name": u.name,
                "real_name": u.name,
                "tz": u.tz,
                "is_bot": u.is_bot,
                "is_restricted": u.is_restricted,
                "is_ultra_restricted": u.is_ultra_restricted,
                "is_admin": u.is_admin or u.is_owner,
                "is_owner": u.is_owner,
                "profile": {"real_name": u.name, "display_name": u.name},
            }
        }

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        if self._caller is not None and self._caller.org_wide and not args.get("team_id"):
            # An org-wide token spans workspaces: Slack wants to be told which one.
            raise SlackError("missing_argument")
        members = self.usergroups.get(str(args.get("usergroup") or ""))
        if members is None:
            raise SlackError("no_such_subteam")
        return {"users": list(members)}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": self._channel(args.get("channel")).info(self.bot_user_id)}

    def _conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        if channel.is_archived:
            raise SlackError("is_archived")
        if channel.is_private or channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        channel.members.add(self.bot_user_id)
        return {"channel": channel.info(self.bot_user_id)}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", "")).split(",")
        return {"channel": {"id": self.dm_id(users[0])}}

    def _conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        """Paged as Slack pages it: `limit` (default 100) members from `cursor` on."""
        members = sorted(self._channel(args.get("channel")).members)
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        page = members[start : start + limit]
        more = start + limit < len(members)
        return {
            "members": page,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        found = [
            m.as_slack()
            for m in reversed(self.messages)
            if m.channel == channel.id and m.ephemeral_to is None and float(m.ts) >= oldest
        ]
        return {"messages": found[:limit], "has_more": len(found) > limit}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable(args.get("channel"))
        message = Message(
            channel.id,
            self._next_ts(),
            self.bot_user_id,
            str(args.get("text") or ""),
            _blocks(args.get("blocks")),
            _json(args.get("metadata")),
            args.get("thread_ts"),
        )
        self.messages.append(message)
        return {"channel": channel.id, "ts": message.ts, "message": message.as_slack()}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable(args.get("channel"))
        user_id = str(args.get("user"))
        if user_id not in self.users:
            raise SlackError("user_not_found")
        message = Message(
            channel.id,
            self._next_ts(),
            self.bot_user_id,
            str(args.get("text") or ""),
            _blocks(args.get("blocks")),
            ephemeral_to=user_id,
        )
        self.messages.append(message)
        return {"message_ts": message.ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._writable(args.get("channel"))
        try:
            message = self.message(channel.id, str(args.get("ts")))
        except KeyError:
            raise SlackError("message_not_found") from None
        if message.user != self.bot_user_id:
            raise SlackError("cant_update_message")
        if "text" in args:
            message.text = str(args["text"] or "")
        if "blocks" in args:
            message.blocks = _blocks(args["blocks"])
        if "metadata" in args:
            message.metadata = _json(args["metadata"])
        message.edited += 1
        return {"channel": channel.id, "ts": message.ts, "text": message.text}

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        try:
            message = self.message(channel.id, str(args.get("ts")))
        except KeyError:
            raise SlackError("message_not_found") from None
        if message.user != self.bot_user_id:
            raise SlackError("cant_delete_message")
        self.messages.remove(message)
        return {"channel": channel.id, "ts": message.ts}

    def _chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        ts = str(args.get("message_ts", "")).replace(".", "")
        return {
            "channel": channel.id,
            "permalink": f"https://sandbox.slack.test/archives/{channel.id}/p{ts}",
        }

    def _reactions_add(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args.get("channel"))
        self.react(channel.id, str(args.get("timestamp")), self.bot_user_id, str(args.get("name")))
        return {}

    def _reactions_get(self, args: dict[str, Any]) -> dict[str, Any]:
        """A message with its reactions, every user listed (as with `full=true`)."""
        channel = self._channel(args.get("channel"))
        try:
            message = self.message(channel.id, str(args.get("timestamp")))
        except KeyError:
            raise SlackError("message_not_found") from None
        return {"type": "message", "channel": channel.id, "message": message.as_slack()}

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        upload = self.files.reserve(args)
        url = f"http://127.0.0.1:{self.port}/upload/{upload.id}"
        return {"upload_url": url, "file_id": upload.id}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        """Shared in `channel_id` (or the first of `channels`), `initial_comment` the message
        that shows them (`Message.files`); without a channel the files stay private."""
        where = args.get("channel_id") or str(args.get("channels") or "").split(",")[0]
        channel = self._writable(where) if where else None
        done: list[UploadedFile] = self.files.complete(
            args.get("files"), channel.id if channel else None
        )
        if channel is not None and args.get("initial_comment"):
            message = Message(
                channel.id,
                self._next_ts(),
                self.bot_user_id,
                str(args.get("initial_comment") or ""),
            )
            message.files = [f.id for f in done]
            self.messages.append(message)
        return {"files": [f.as_slack() for f in done]}

    def _open_view(self, args: dict[str, Any], *, how: str) -> dict[str, Any]:
        view = _json(args.get("view"))
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        view_id = f"V{next(self._ids):08d}"
        stored = {**view, "id": view_id, "hash": f"h{view_id}", "how": how}
        stored.setdefault("state", {"values": {}})
        self.views[view_id] = stored
        self.opened.append(stored)
        return {"view": stored}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            raise SlackError("invalid_trigger_id")
        return self._open_view(args, how="open")

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("trigger_id"):
            raise SlackError("invalid_trigger_id")
        return self._open_view(args, how="push")

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id = str(args.get("view_id") or "")
        if view_id not in self.views:
            raise SlackError("not_found")
        view = _json(args.get("view"))
        stored = {**view, "id": view_id, "hash": f"h{view_id}", "how": "update"}
        stored.setdefault("state", {"values": {}})
        self.views[view_id] = stored
        self.opened.append(stored)
        return {"view": stored}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user_id") or "")
        if user_id not in self.users:
            raise SlackError("user_not_found")
        view = _json(args.get("view"))
        self.home[user_id] = view
        return {"view": {**view, "id": f"VHOME{user_id}"}}


def _granted(manifest: Path | str | None, scopes: Iterable[str] | None) -> frozenset[str] | None:
    if scopes is not None:
        return frozenset(scopes)
    if manifest is None or (manifest == MANIFEST and not MANIFEST.exists()):
        return None  # no manifest (an installed package runs the demo): nothing to enforce
    return bot_scopes(manifest)


async def _arguments(request: web.Request) -> dict[str, Any]:
    """Slack accepts query strings, form bodies and JSON bodies alike; so does the stand-in."""
    args: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            args.update(await request.json())
        else:
            args.update(dict(await request.post()))
    return args


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError("invalid_arguments") from None
    return value


def _blocks(value: Any) -> list[dict[str, Any]]:
    blocks = _json(value) or []
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks")
    if len(blocks) > 50:
        raise SlackError("invalid_blocks")  # Slack refuses more than 50 blocks in a message
    return blocks
