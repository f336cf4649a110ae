"""Which OAuth scope each Web API method needs, and which scopes the app's manifest grants.

The stand-in refuses a call whose scope the manifest does not grant with `missing_scope`, as
Slack does, so a scope missing from manifest.yml fails the tests instead of a deployment.
Scopes are those of a granular bot token (xoxb-…), from each method's page at
https://docs.slack.dev/reference/methods/<method> ("Scopes: Bot token"); app-level tokens
(xapp-…) have their own, listed in `APP_TOKEN_SCOPES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: The repository's manifest: what a workspace grants when the app is created from it.
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


@dataclass(frozen=True)
class PerConversation:
    """A Conversations API method: the scope depends on the kind of conversation it is about.

    Slack asks only for the one that matches: `channels:history` for a public channel,
    `groups:history` for a private one, `im:history` for a DM, `mpim:history` for a group DM.
    """

    action: str  # "read", "history", "write"

    def scope(self, *, is_private: bool, is_im: bool, is_mpim: bool = False) -> str:
        family = "im" if is_im else "mpim" if is_mpim else "groups" if is_private else "channels"
        return f"{family}:{self.action}"


#: What each method needs from a bot token; None: any valid token will do.
METHOD_SCOPES: dict[str, str | PerConversation | None] = {
    "auth.test": None,
    "team.info": "team:read",
    "users.info": "users:read",
    "usergroups.users.list": "usergroups:read",
    "conversations.info": PerConversation("read"),
    "conversations.members": PerConversation("read"),
    "conversations.history": PerConversation("history"),
    "conversations.join": "channels:join",
    # One user: a DM (im:write); several: a group DM (mpim:write). See `needed_scope`.
    "conversations.open": "im:write",
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.getPermalink": None,
    "reactions.add": "reactions:write",
    "reactions.remove": "reactions:write",
    "reactions.get": "reactions:read",
    "views.open": None,
    "views.push": None,
    "views.update": None,
    "views.publish": None,
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}

#: Methods called with the app-level token (Basic Information → App-Level Tokens).
APP_TOKEN_SCOPES: dict[str, str] = {"apps.connections.open": "connections:write"}


def bot_scopes(manifest: Path | str = MANIFEST) -> frozenset[str]:
    """The bot scopes a manifest grants (`oauth_config.scopes.bot`)."""
    data: Any = yaml.safe_load(Path(manifest).read_text(encoding="utf-8")) or {}
    scopes = ((data.get("oauth_config") or {}).get("scopes") or {}).get("bot") or []
    return frozenset(str(s) for s in scopes)
