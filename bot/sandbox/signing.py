"""Requests to the bot, formed and signed exactly as Slack forms and signs them.

Slash commands are form-encoded, interactivity is a form with one `payload=` JSON field,
events are JSON with an `event_id`; each carries `X-Slack-Request-Timestamp` and
`X-Slack-Signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}")`
(https://api.slack.com/authentication/verifying-requests-from-slack).

In Socket Mode the same payloads travel as envelopes on the app's WebSocket instead
(`SlackOverSocket`); what a person does is written once, in `SlackClient`, for both.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.sandbox.slack_api import SlackStandIn

FORM = "application/x-www-form-urlencoded"


def signature(secret: str, timestamp: int | str, body: str | bytes) -> str:
    """Slack's v0 signature; over bytes too, so a test can sign a body that is not UTF-8."""
    raw = body if isinstance(body, bytes) else body.encode()
    base = f"v0:{timestamp}:".encode() + raw
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: str | bytes, *, content_type: str | None, timestamp: int | None = None
) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    headers = {
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": signature(secret, ts, body),
    }
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


@dataclass
class Reply:
    """The bot's HTTP answer to one request."""

    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


def state_values(view: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """`view.state.values` as Slack builds it from what a person entered in the modal.

    `answers` maps block_id to a value: text for text inputs, an option value for selects and
    radios, a list of option values for checkboxes, user id(s) for user pickers, a channel id
    for conversation pickers. Blocks left out are sent empty, as Slack sends them.
    """
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        answer = answers.get(block["block_id"])
        state: dict[str, Any] = {"type": kind}
        if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
            state["value"] = answer
        elif kind in ("static_select", "radio_buttons"):
            option = _option(element, answer)
            state["selected_option"] = option
        elif kind == "checkboxes":
            state["selected_options"] = [_option(element, a) for a in answer or []]
        elif kind == "users_select":
            state["selected_user"] = answer
        elif kind == "multi_users_select":
            state["selected_users"] = list(answer or [])
        elif kind == "conversations_select":
            state["selected_conversation"] = answer
        elif kind == "multi_conversations_select":
            state["selected_conversations"] = list(answer or [])
        elif kind == "channels_select":
            state["selected_channel"] = answer
        elif kind == "datepicker":
            state["selected_date"] = answer
        else:
            state["value"] = answer
        values[block["block_id"]] = {element["action_id"]: state}
    return values


def _option(element: Mapping[str, Any], value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    for option in element.get("options", []):
        if option["value"] == value:
            return dict(option)
    raise ValueError(f"{value!r} is not an option of {element.get('action_id')}")


class SlackClient:
    """Plays Slack's part towards the bot: commands, clicks, submissions and events."""

    def __init__(
        self,
        url: str,
        signing_secret: str,
        slack: SlackStandIn,
        *,
        clock: Callable[[], float] = time.time,
        team_id: str | None = None,
        enterprise_id: str | None = None,
        org_install: bool = False,
    ) -> None:
        """`team_id` (default: the stand-in's own team) is the workspace the requests come
        from; `enterprise_id` its Enterprise Grid org, `org_install` if the app is installed
        org-wide there (one token for every workspace of the org)."""
        self.url = url
        self.secret = signing_secret
        self.slack = slack
        self.clock = clock
        self.team_id = team_id or slack.team_id
        self.enterprise_id = enterprise_id
        self.org_install = org_install
        self._ids = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SlackClient:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------------ sending

    async def send(
        self,
        body: str | bytes,
        *,
        content_type: str | None,
        timestamp: int | None = None,
        secret: str | None = None,
        headers: Mapping[str, str] | None = None,
        signed: bool = True,
    ) -> Reply:
        """POST a body signed with `secret` (default: the real one) at `timestamp`.

        `content_type=None` sends no Content-Type at all; `signed=False` no signature headers.
        """
        if self._session is None:
            self._session = aiohttp.ClientSession()
        ts = int(self.clock()) if timestamp is None else timestamp
        all_headers = signed_headers(
            secret or self.secret, body, content_type=content_type, timestamp=ts
        )
        if not signed:
            del all_headers["X-Slack-Request-Timestamp"], all_headers["X-Slack-Signature"]
        all_headers.update(headers or {})
        raw = body if isinstance(body, bytes) else body.encode()
        async with self._session.post(
            self.url, data=raw, headers=all_headers, skip_auto_headers=["Content-Type"]
        ) as r:
            return Reply(r.status, await r.text(errors="replace"))

    def _user(self, user_id: str) -> dict[str, Any]:
        name = self.slack.users[user_id].name if user_id in self.slack.users else user_id
        return {"id": user_id, "username": name, "name": name, "team_id": self.team_id}

    def _enterprise(self) -> dict[str, Any] | None:
        return {"id": self.enterprise_id, "name": "Org"} if self.enterprise_id else None

    def as_workspace(
        self, team_id: str, *, enterprise_id: str | None = None, org_install: bool = False
    ) -> SlackClient:
        """The same Slack, speaking for another workspace (or a workspace of an org)."""
        return SlackClient(
            self.url,
            self.secret,
            self.slack,
            clock=self.clock,
            team_id=team_id,
            enterprise_id=enterprise_id,
            org_install=org_install,
        )

    def _team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": "sandbox"}

    def trigger_id(self) -> str:
        return f"{next(self._ids)}.{int(self.clock())}.sandbox"

    # ------------------------------------------------------------------ what people do

    async def deliver(self, kind: str, payload: Mapping[str, Any], *, retry: int = 0) -> Reply:
        """Carry one request to the bot: `slash_commands`, `interactive` or `events_api`.

        Over HTTP: a form, a form with `payload=`, or JSON, each signed; `retry=n` re-delivers
        an event as Slack does (X-Slack-Retry-Num).
        """
        if kind == "slash_commands":
            return await self.send(urlencode(payload), content_type=FORM)
        if kind == "interactive":
            return await self.send(urlencode({"payload": json.dumps(payload)}), content_type=FORM)
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.send(
            json.dumps(payload), content_type="application/json", headers=headers if retry else None
        )

    def command_payload(
        self, user_id: str, channel_id: str, text: str = "", command: str = "/poc"
    ) -> dict[str, str]:
        """The fields of a slash command, as Slack sends them."""
        channel = self.slack.channels.get(channel_id)
        return {
            "token": "verification-token-unused",
            "team_id": self.team_id,
            "team_domain": "sandbox",
            "channel_id": channel_id,
            "channel_name": channel.name if channel else "unknown",
            "user_id": user_id,
            "user_name": self._user(user_id)["name"],
            "command": command,
            "text": text,
            "api_app_id": "A0POCBOT",
            "enterprise_id": self.enterprise_id or "",
            "is_enterprise_install": "true" if self.org_install else "false",
            "response_url": self.slack.response_url(),
            "trigger_id": self.trigger_id(),
        }

    def command_body(
        self, user_id: str, channel_id: str, text: str = "", command: str = "/poc"
    ) -> str:
        return urlencode(self.command_payload(user_id, channel_id, text, command))

    async def command(self, user_id: str, channel_id: str, text: str = "") -> Reply:
        """`/poc <text>` typed by a user in a channel."""
        return await self.deliver("slash_commands", self.command_payload(user_id, channel_id, text))

    async def interact(self, payload: Mapping[str, Any]) -> Reply:
        return await self.deliver("interactive", payload)

    def submission_payload(
        self, user_id: str, view: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> dict[str, Any]:
        submitted = {
            **view,
            "team_id": self.team_id,
            "app_installed_team_id": self.team_id,
            "state": {"values": state_values(view, answers)},
        }
        submitted.pop("how", None)
        return {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": "A0POCBOT",
            "token": "verification-token-unused",
            "trigger_id": self.trigger_id(),
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": self.org_install,
            "enterprise": self._enterprise(),
        }

    async def submit(
        self, user_id: str, view: Mapping[str, Any], answers: Mapping[str, Any]
    ) -> Reply:
        """A person fills in the modal `view` (as the bot opened it) and presses submit."""
        return await self.interact(self.submission_payload(user_id, view, answers))

    def click_payload(
        self,
        user_id: str,
        *,
        action_id: str,
        value: str = "",
        block_id: str = "b",
        message: Any = None,
        view: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        action = {
            "type": "button",
            "action_id": action_id,
            "block_id": block_id,
            "text": {"type": "plain_text", "text": action_id},
            "value": value,
            "action_ts": f"{self.clock():.6f}",
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": "A0POCBOT",
            "token": "verification-token-unused",
            "trigger_id": self.trigger_id(),
            "is_enterprise_install": self.org_install,
            "enterprise": self._enterprise(),
            "actions": [action],
        }
        if message is not None:  # a button in a message
            payload["container"] = {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
                "is_ephemeral": message.ephemeral_to is not None,
            }
            payload["channel"] = {"id": message.channel, "name": message.channel.lower()}
            payload["message"] = message.as_slack()
            payload["response_url"] = self.slack.response_url()
        elif view is not None:  # a button in App Home or a modal
            payload["container"] = {"type": "view", "view_id": view.get("id", "VHOME")}
            payload["view"] = {**view, "team_id": self.team_id}
        return payload

    async def click(self, user_id: str, *, action_id: str, value: str = "", **where: Any) -> Reply:
        """A person presses a button (in `message=` a stand-in Message, or in `view=`)."""
        return await self.interact(
            self.click_payload(user_id, action_id=action_id, value=value, **where)
        )

    def event_payload(
        self, event: Mapping[str, Any], *, event_id: str | None = None
    ) -> dict[str, Any]:
        """An Events API delivery around `event`, as Slack wraps it."""
        return {
            "token": "verification-token-unused",
            "team_id": self.team_id,
            "api_app_id": "A0POCBOT",
            "event": {"event_ts": f"{self.clock():.6f}", **event},
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):010d}",
            "event_time": int(self.clock()),
            "enterprise_id": self.enterprise_id,
            "authorizations": [
                {
                    "enterprise_id": self.enterprise_id,
                    # an org-wide install is authorized for the org, not a workspace
                    "team_id": None if self.org_install else self.team_id,
                    "user_id": self.slack.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": self.org_install,
                }
            ],
            "is_ext_shared_channel": False,
        }

    def event_body(self, event: Mapping[str, Any], *, event_id: str | None = None) -> str:
        return json.dumps(self.event_payload(event, event_id=event_id))

    async def event(
        self, event: Mapping[str, Any], *, event_id: str | None = None, retry: int = 0
    ) -> Reply:
        """An Events API delivery; `retry=n` re-delivers as Slack does."""
        return await self.deliver(
            "events_api", self.event_payload(event, event_id=event_id), retry=retry
        )

    async def reaction(
        self, user_id: str, name: str, message: Any, *, added: bool = True, **kw: Any
    ) -> Reply:
        """A person adds (or removes) an emoji reaction on a message."""
        self.slack.react(message.channel, message.ts, user_id, name, added=added)
        return await self.event(
            {
                "type": "reaction_added" if added else "reaction_removed",
                "user": user_id,
                "reaction": name,
                "item_user": message.user,
                "item": {"type": "message", "channel": message.channel, "ts": message.ts},
            },
            **kw,
        )

    async def message(self, user_id: str, channel_id: str, text: str) -> Reply:
        """A person says something in a channel."""
        said = self.slack.say(channel_id, user_id, text)
        return await self.event(
            {
                "type": "message",
                "channel": channel_id,
                "user": user_id,
                "text": text,
                "ts": said.ts,
                "channel_type": "channel",
            }
        )

    async def open_home(self, user_id: str) -> Reply:
        return await self.event({"type": "app_home_opened", "user": user_id, "tab": "home"})

    async def join(self, user_id: str, channel_id: str) -> Reply:
        """Someone (the bot, when invited) joins a channel."""
        self.slack.channels[channel_id].members.add(user_id)
        return await self.event(
            {"type": "member_joined_channel", "user": user_id, "channel": channel_id}
        )


class SlackOverSocket(SlackClient):
    """Slack's part in Socket Mode: the same people and payloads, as envelopes on the app's
    WebSocket (the stand-in's `link`), each answered by the app's ack through the socket.

    A Reply here is the ack: status 200 and, as text, the ack's payload (what HTTP would have
    answered in its body: a command's reply, a submission's `response_action`).
    """

    def __init__(self, slack: SlackStandIn, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__("", "", slack, clock=clock)

    async def deliver(self, kind: str, payload: Mapping[str, Any], *, retry: int = 0) -> Reply:
        envelope = await self.slack.link.deliver(
            kind, dict(payload), retry_attempt=retry, retry_reason="timeout" if retry else ""
        )
        answer = envelope.ack_payload
        return Reply(200, json.dumps(answer) if answer else "")

    async def send(self, *_: Any, **__: Any) -> Reply:
        raise TypeError("Socket Mode carries envelopes, not signed HTTP bodies: use deliver()")
