"""OAuth install: many workspaces (and Enterprise Grid orgs) on one deployment.

On when SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are set. Bolt serves the
flow (`GET /slack/install`, `GET /slack/oauth_redirect`) with slack_sdk's SQLAlchemy
installation and state stores on our database (tables migrated by Alembic, migration 0008),
and authorizes every request by its installation. What is ours:

- `SignedStates`: the state parameter carries an HMAC made with SLACK_STATE_SECRET, so a forged
  or foreign state is refused before the state table is asked.
- `on_installed`: an install (or reinstall) marks its tenants served again and, for a
  workspace whose settings name no admins yet, makes the installer one.
- `Installed`: the `Workspaces` the clock serves, a client per team with its own token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Collection
from typing import Any

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.deps import utc_now, web_client
from storage import tenants, workspace
from storage.db import Database
from storage.installation_models import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
#: The bot scopes an install asks for: manifest.yml's (tests/test_installations.py keeps them
#: equal), so an app created from the manifest and one installed by OAuth can do the same.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:join",
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "reactions:read",
    "users:read",
    "im:write",
    "im:history",
    "usergroups:read",
    "files:write",
)
#: Seconds an install link stays good: the installer may read the permissions page a while.
STATE_EXPIRATION_S = 600


class SignedStates(AsyncSQLAlchemyOAuthStateStore):
    """slack_sdk's state store, with states signed by SLACK_STATE_SECRET."""

    def __init__(self, *, secret: str, db: Database) -> None:
        super().__init__(
            expiration_seconds=STATE_EXPIRATION_S,
            engine=db.engine,
            table_name=OAUTH_STATES_TABLE,
        )
        self._key = secret.encode()
        self._db = db

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        async with self._db.write_turn():
            nonce = await super().async_issue(*args, **kwargs)
        return f"{nonce}.{self._sign(nonce)}"

    async def async_consume(self, state: str) -> bool:
        nonce, _, signature = state.rpartition(".")
        if not nonce or not hmac.compare_digest(signature, self._sign(nonce)):
            log.info("refused an OAuth state that is not signed with SLACK_STATE_SECRET")
            return False
        async with self._db.write_turn():
            return bool(await super().async_consume(nonce))


class InstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's store on our database, its writes taking their turn (Database.write_turn)."""

    def __init__(self, settings: Settings, db: Database) -> None:
        super().__init__(
            client_id=str(settings.slack_client_id),
            engine=db.engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
        self._db = db

    async def async_save(self, installation: Installation) -> None:
        async with self._db.write_turn():
            await super().async_save(installation)

    async def async_save_bot(self, bot: Bot) -> None:
        async with self._db.write_turn():  # also called by async_save, within its turn
            await super().async_save_bot(bot)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with self._db.write_turn():
            await super().async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        async with self._db.write_turn():
            await super().async_delete_installation(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
            )


def installation_store(settings: Settings, db: Database) -> InstallationStore:
    return InstallationStore(settings, db)


def oauth_options(settings: Settings, db: Database) -> dict[str, Any]:
    """AsyncApp's keyword arguments for the OAuth mode: the store, the flow, and authorize."""
    store = installation_store(settings, db)
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        # The install link goes straight to Slack's permission page, without a page of ours.
        install_page_rendering_enabled=False,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        installation_store_bot_only=True,
        state_store=SignedStates(secret=str(settings.slack_state_secret), db=db),
        callback_options=AsyncCallbackOptions(success=_installed(db), failure=_not_installed),
    )
    return {
        "installation_store": store,
        "oauth_settings": oauth,
        # One store query per request, and auth.test once per token, not per request: an
        # uninstalled team's token is deleted from the store, so it is found no more.
        "authorize": AsyncInstallationStoreAuthorize(
            logger=logging.getLogger("pocbot.bolt"),
            installation_store=store,
            bot_only=True,
            cache_enabled=True,
        ),
    }


async def _not_installed(args: AsyncFailureArgs) -> BoltResponse:
    """Bolt's own failure page; the reason in our log (a forged state, a refused code)."""
    log.warning("an OAuth install failed: %s", args.reason)
    return await args.default.failure(args)


def _installed(db: Database) -> Any:
    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        await on_installed(
            db,
            args.installation.enterprise_id,
            args.installation.team_id,
            installer=args.installation.user_id,
        )
        return await args.default.success(args)

    return success


async def on_installed(
    db: Database, enterprise_id: str | None, team_id: str | None, *, installer: str | None
) -> None:
    """A workspace or org installed the app (again): serve it, and give a workspace with no
    admins its installer as the first (the settings' own admins and owners always may)."""
    where = tenants.Installation(enterprise_id, team_id)
    async with db.transaction() as s:
        await tenants.installed(session=s, where=where, now=utc_now())
        if team_id is None or not installer:
            return
        ws = await workspace.load_workspace(session=s, team_id=team_id)
        if not ws.admins:
            await workspace.save_settings(
                session=s,
                team_id=team_id,
                values={"admins": [installer]},
                by=installer,
                now=utc_now(),
            )
    log.info("installed in %s", team_id or f"org {enterprise_id}")


class Installed:
    """The `Workspaces` of an OAuth deployment: every installed team, each with its token.

    Clients share one connection pool; a team's client is made once per token.
    """

    def __init__(self, settings: Settings, db: Database) -> None:
        self.db = db
        self._pool = web_client(settings, retry_server_errors=False)
        self._clients: dict[str, AsyncWebClient] = {}

    async def teams(self) -> list[str]:
        async with self.db.session() as s:
            return await tenants.served_teams(session=s)

    async def clients(self, teams: Collection[str]) -> dict[str, AsyncWebClient]:
        async with self.db.session() as s:
            tokens = await tenants.bot_tokens(session=s, team_ids=teams)
        return {team: self._client(token) for team, token in tokens.items()}

    def _client(self, token: str) -> AsyncWebClient:
        client = self._clients.get(token)
        if client is None:
            pool = self._pool
            client = self._clients[token] = AsyncWebClient(
                token=token,
                base_url=pool.base_url,
                timeout=pool.timeout,
                retry_handlers=pool.retry_handlers,
                session=pool.session,
            )
        return client

    @property
    def pool(self) -> AsyncWebClient:
        """The client whose connection pool every team's client shares (close it at the end)."""
        return self._pool
