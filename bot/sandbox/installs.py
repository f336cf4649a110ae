"""The stand-in's side of Slack's OAuth install: workspaces and Enterprise Grid orgs that install
the app, each with a bot token of its own (`oauth.v2.access`), and uninstall it again.

Slack's flow, as the stand-in plays it: the installer approves the app on Slack's page, Slack
redirects their browser to the app's redirect URL with a one-time `code`, and the app trades
the code for a bot token with `oauth.v2.access` (client id and secret in HTTP Basic auth). A
workspace install has a team; an org-wide install has an enterprise and no team, and its one
token serves every workspace of the org.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from dataclasses import dataclass
from typing import Any


class OAuthRefused(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


@dataclass(frozen=True)
class Installation:
    """One installation of the app: who installed it where, and its bot token."""

    token: str
    team_id: str | None
    team_name: str | None
    enterprise_id: str | None
    installer: str
    bot_user_id: str

    @property
    def org_wide(self) -> bool:
        return self.team_id is None

    def auth_test(self) -> dict[str, Any]:
        """auth.test as Slack answers it for this token (an org token names no workspace)."""
        return {
            "url": "https://sandbox.slack.test/",
            "team": self.team_name,
            "user": "pocbot",
            "team_id": self.team_id,
            "enterprise_id": self.enterprise_id,
            "user_id": self.bot_user_id,
            "bot_id": "B" + self.bot_user_id[1:],
            "is_enterprise_install": self.org_wide,
        }


class Installs:
    """The app's OAuth credentials, the codes Slack has issued and the installations made."""

    def __init__(self, *, app_id: str, bot_user_id: str, scopes: str) -> None:
        self.app_id = app_id
        self.client_id = "1234.5678"
        self.client_secret = "sandbox-client-secret"
        self.bot_user_id = bot_user_id
        self.scopes = scopes
        self._codes: dict[str, Installation] = {}
        #: every installation by its token, including those since uninstalled
        self.by_token: dict[str, Installation] = {}
        self._serial = itertools.count(1)

    def approve(
        self,
        *,
        team_id: str | None = None,
        team_name: str | None = None,
        enterprise_id: str | None = None,
        installer: str = "UINSTALLER",
    ) -> str:
        """The installer clicks Allow: the code Slack puts in the redirect. A workspace install
        names its team; an org-wide one only its enterprise."""
        if team_id is None and enterprise_id is None:
            raise ValueError("an installation is a workspace's (team_id) or an org's")
        n = next(self._serial)
        where = team_id or enterprise_id
        installation = Installation(
            token=f"xoxb-{where}-{n}",
            team_id=team_id,
            team_name=team_name or (f"Workspace {team_id}" if team_id else None),
            enterprise_id=enterprise_id,
            installer=installer,
            bot_user_id=self.bot_user_id,
        )
        code = f"code-{where}-{n}"
        self._codes[code] = installation
        return code

    def grant(self, team_id: str) -> str:
        """A workspace installed without the browser's round trip (benchmarks seeding
        thousands): its token, accepted from now on."""
        token = self._codes.pop(self.approve(team_id=team_id)).token
        self.by_token[token] = Installation(
            token=token,
            team_id=team_id,
            team_name=f"Workspace {team_id}",
            enterprise_id=None,
            installer="UINSTALLER",
            bot_user_id=self.bot_user_id,
        )
        return token

    def access(self, args: dict[str, Any], authorization: str) -> dict[str, Any]:
        """oauth.v2.access: a code, once, for the app's own client id and secret."""
        client_id, secret = _basic(authorization) or (
            str(args.get("client_id", "")),
            str(args.get("client_secret", "")),
        )
        if client_id != self.client_id:
            raise OAuthRefused("invalid_client_id")
        if secret != self.client_secret:
            raise OAuthRefused("bad_client_secret")
        installation = self._codes.pop(str(args.get("code", "")), None)
        if installation is None:
            raise OAuthRefused("invalid_code")
        self.by_token[installation.token] = installation
        i = installation
        return {
            "access_token": i.token,
            "token_type": "bot",
            "scope": self.scopes,
            "bot_user_id": i.bot_user_id,
            "app_id": self.app_id,
            "team": {"id": i.team_id, "name": i.team_name} if i.team_id else None,
            "enterprise": {"id": i.enterprise_id, "name": "Org"} if i.enterprise_id else None,
            "is_enterprise_install": i.org_wide,
            "authed_user": {"id": i.installer},
        }

    def of(self, *, team_id: str | None = None, enterprise_id: str | None = None) -> list[str]:
        """The tokens issued to an installation (newest last)."""
        return [
            t
            for t, i in self.by_token.items()
            if i.team_id == team_id and (enterprise_id is None or i.enterprise_id == enterprise_id)
        ]


def _basic(authorization: str) -> tuple[str, str] | None:
    if not authorization.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password
