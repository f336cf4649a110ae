"""Settings from the environment, checked once at start-up."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.db import CONNECT_TIMEOUT_S, STATEMENT_TIMEOUT_S, async_url

SLACK_API_DEFAULT = "https://slack.com/api/"

#: Where each credential comes from, for the message a newcomer sees when one is missing.
WHERE_TO_GET = {
    "SLACK_BOT_TOKEN": "your Slack app's OAuth & Permissions page (xoxb-…)",
    "SLACK_SIGNING_SECRET": "your Slack app's Basic Information page, 'Signing Secret'",
    "SLACK_APP_TOKEN": "Basic Information → App-Level Tokens, scope connections:write (xapp-…)",
    "SLACK_CLIENT_ID": "your Slack app's Basic Information page, 'Client ID'",
    "SLACK_CLIENT_SECRET": "your Slack app's Basic Information page, 'Client Secret'",
    "SLACK_STATE_SECRET": "yourself: any long random string, e.g. `openssl rand -hex 32`",
}
#: Set together, they turn on the OAuth install (many workspaces); none: one SLACK_BOT_TOKEN.
OAUTH_VARIABLES = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")


class ConfigError(SystemExit):
    """A setting is missing or wrong: stop with a message, not a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(f"pocbot: {message}")


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Every setting, one field each; the variable is the field's name in capitals.

    README's table and .env.sample list them all (tests/test_config.py keeps them in step).
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None  # set: Socket Mode instead of HTTP
    #: all three set: OAuth install for many workspaces (bot/installations.py)
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_state_secret: str | None = None
    #: days an uninstalled workspace's POCs are kept before `python -m bot purge` deletes them
    uninstalled_keep_days: int = Field(default=30, ge=0, le=3650)
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = "sqlite:///pocbot.db"
    #: PostgreSQL: seconds to connect before start-up (or a request) gives up
    database_connect_timeout: float = Field(default=CONNECT_TIMEOUT_S, gt=0, le=300)
    #: PostgreSQL: seconds a statement may run (statement_timeout); 0 = no limit
    database_statement_timeout: float = Field(default=STATEMENT_TIMEOUT_S, ge=0)
    port: int = Field(default=3000, ge=0, le=65535)
    host: str = "0.0.0.0"
    #: web processes `serve` starts (PostgreSQL only); Heroku's buildpack sets it per dyno size
    web_concurrency: int = Field(default=1, ge=1, le=64)
    #: minutes between scheduler sweeps, on the UTC clock (scheduler/clock.py's tick_minutes)
    sweep_minutes: int = Field(default=15, ge=1, le=24 * 60)
    #: local hour from which a POC's nudges go out, in the POC's timezone
    nudge_hour: int = Field(default=9, ge=0, le=23)
    #: timezone for POCs whose creator's Slack profile gives none
    default_tz: str = "UTC"
    log_level: str = "INFO"

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, v: str) -> str:
        return v if v.endswith("/") else v + "/"

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, v: str) -> str:
        async_url(v)  # UnsupportedDatabase (a ValueError) says what is accepted
        return v

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, v: str) -> str:
        if v.upper() not in LOG_LEVELS:
            raise ValueError(f"unknown level {v!r}: use one of {', '.join(LOG_LEVELS)}")
        return v.upper()

    @field_validator("default_tz")
    @classmethod
    def _known_tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"unknown timezone {v!r}") from e
        return v

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def oauth(self) -> bool:
        """Installed by OAuth in many workspaces, rather than one SLACK_BOT_TOKEN's."""
        return any(getattr(self, n.lower()) for n in OAUTH_VARIABLES)

    def require_slack(self) -> None:
        """Fail fast, naming each missing credential and where to find it."""
        if self.oauth:
            if self.socket_mode:
                raise ConfigError(
                    "the OAuth install (SLACK_CLIENT_ID…) is served over HTTP: "
                    "unset SLACK_APP_TOKEN, or unset the OAuth variables for one workspace"
                )
            needed = [*OAUTH_VARIABLES, "SLACK_SIGNING_SECRET"]
        else:
            needed = ["SLACK_BOT_TOKEN"]
            needed.append("SLACK_APP_TOKEN" if self.socket_mode else "SLACK_SIGNING_SECRET")
        missing = [n for n in needed if not getattr(self, n.lower())]
        if missing:
            lines = [f"  {n}: from {WHERE_TO_GET[n]}" for n in missing]
            raise ConfigError(
                "missing required environment variable(s):\n"
                + "\n".join(lines)
                + "\nSet them in the environment or a .env file. "
                "Without a Slack workspace, try `python -m bot demo`."
            )


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        # One line per wrong variable, named as the operator set it; no pydantic tutorial.
        lines = [f"{_variable(err['loc'])}: {_message(err['msg'])}" for err in e.errors()]
        raise ConfigError("\npocbot: ".join(lines)) from None


def _variable(loc: tuple[int | str, ...]) -> str:
    return str(loc[0]).upper() if loc else "configuration"


def _message(msg: str) -> str:
    return msg.removeprefix("Value error, ")
