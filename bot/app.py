"""build_app(deps) -> AsyncApp: the one place where Bolt, the Web API client and our
listeners are wired together. What listeners need lives in bot/deps.py."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, tenant_or_none, web_client
from bot.installations import oauth_options
from handlers import register_all
from storage import tenants

log = logging.getLogger(__name__)


class _SameToken(logging.Filter):
    """Bolt warns at every start that the client's token wins over SLACK_BOT_TOKEN (which it
    reads from the environment itself): they are the same token, and a start-up that fails
    should say one line, not two."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


async def record_tenant(
    context: AsyncBoltContext, body: dict[str, Any], next: Callable[[], Awaitable[Any]]
) -> Any:
    """The first request from a workspace keeps its tenant row (which org, which install):
    how the clock learns the workspaces of an org-wide install. Once per team and process."""
    deps: Deps = context["deps"]
    if context.is_enterprise_install and not context.team_id and isinstance(body, dict):
        # An org-wide install's events are authorized for the org (authorizations name no
        # team); the workspace they happened in is the delivery's own team_id.
        context["team_id"] = body.get("team_id") or None
    team_id = tenant_or_none(context)
    if team_id and team_id not in deps.tenants_seen:
        try:
            async with deps.db.transaction() as s:
                await tenants.seen(
                    session=s,
                    team_id=team_id,
                    enterprise_id=context.enterprise_id,
                    org_install=bool(context.is_enterprise_install),
                )
            deps.tenants_seen.add(team_id)
        except Exception:
            # The request goes on; the next one from the team tries again.
            log.exception("recording tenant %s failed", team_id)
    return await next()


def build_app(deps: Deps, *, client: AsyncWebClient | None = None) -> AsyncApp:
    """The Bolt app with every listener registered; `deps` reaches them through the context."""
    settings = deps.settings
    bolt_log = logging.getLogger("pocbot.bolt")
    if not any(isinstance(f, _SameToken) for f in bolt_log.filters):
        bolt_log.addFilter(_SameToken())
    if settings.oauth:
        # Many workspaces: each request authorized by its installation (bot/installations.py).
        authorization: dict[str, Any] = oauth_options(settings, deps.db)
        deps.installation_store = authorization["installation_store"]
    else:
        # Bolt needs the token for its single-workspace authorization (auth.test, cached);
        # it logs that the client's own token wins, which is the same token.
        authorization = {"token": settings.slack_bot_token}
    app = AsyncApp(
        client=client or web_client(settings),
        **authorization,
        signing_secret=settings.slack_signing_secret,
        # Socket Mode carries no signature; over HTTP every request must be signed.
        request_verification_enabled=not settings.socket_mode,
        process_before_response=False,
        logger=bolt_log,
    )

    async def inject_deps(context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]) -> Any:
        context["deps"] = deps
        return await next()

    app.use(inject_deps)
    if settings.oauth:
        app.use(record_tenant)

    @app.error
    async def on_error(error: Exception, body: Any, response: BoltResponse | None) -> None:
        # Every listener is guarded (handlers/guard.py) and never raises, so what lands here
        # is Bolt itself failing on a signed request of a shape Slack never sends (an event
        # that is a string, actions that are not a list). That is a bad request, not a
        # server fault: answer 400 instead of Bolt's 500.
        kind = body.get("type") if isinstance(body, dict) else None
        log.warning("Bolt could not handle a %s request: %r", kind or "malformed", error)
        if response is not None and response.status >= 500:
            response.status, response.body = 400, "not a Slack payload Bolt can handle"

    register_all(app)
    return app
