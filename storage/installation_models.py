"""The tables of the OAuth install: slack_sdk's installation and state stores, and our tenants.

slack_sdk builds its own tables (`slack_installations`, `slack_bots`, `slack_oauth_states`); we
register the same definitions on our metadata so that Alembic migrates them with the rest
(migration 0008) and tests/storage/test_migrations.py notices when a slack_sdk upgrade changes
them. The stores themselves (bot/installations.py) keep using slack_sdk's code.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlmodel import Field, SQLModel

from storage.columns import UTCDateTime, utcnow
from storage.columns import string as _str

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"
#: Tables slack_sdk's stores own: their columns are its definitions, not ours.
SLACK_SDK_TABLES = frozenset({INSTALLATIONS_TABLE, BOTS_TABLE, OAUTH_STATES_TABLE})

slack_installations = SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, INSTALLATIONS_TABLE
)
slack_bots = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS_TABLE)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    SQLModel.metadata, OAUTH_STATES_TABLE
)


class Tenant(SQLModel, table=True):
    """A workspace the bot has served: its team id (every row's tenant key), the Enterprise
    Grid org it belongs to, and whether its installation is gone.

    Slack finds a token by (enterprise, team): a workspace install's by its team, an org-wide
    install's by its enterprise alone, for every workspace of the org. Which workspaces those
    are, Slack does not list: a workspace of an org gets its row with its first request.
    `uninstalled_at`: the app was uninstalled or its bot token revoked; nothing is done for
    the team since, and `python -m bot purge` deletes its data once the keeping period ends.
    """

    __tablename__ = "tenant"

    team_id: str = _str(32, primary_key=True)
    enterprise_id: str | None = _str(32, default=None, nullable=True, index=True)
    #: served by an org-wide install (the enterprise's token), not one of its own
    org_install: bool = False
    seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    uninstalled_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
