"""The app is uninstalled, or its tokens revoked: stop at once, keep the data for a while.

`app_uninstalled` and `tokens_revoked` delete the installation's tokens from slack_sdk's store
(as Bolt's own token-revocation listeners would, but keyed right for an org-wide install,
whose events name a workspace while its tokens belong to the org), and mark its tenants
uninstalled. From then on no request is authorized and no sweep serves those teams: nothing
is said with the token again. The POCs stay until `python -m bot purge` runs after
UNINSTALLED_KEEP_DAYS; installing again resumes where they were.

Single-token deployments have no store: the event is only logged (the operator removes
SLACK_BOT_TOKEN).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.deps import deps_of
from handlers.guard import Listeners
from storage import tenants

log = logging.getLogger(__name__)


def installation_of(body: dict[str, Any], context: AsyncBoltContext) -> tenants.Installation:
    """Which installation an event is about: an org's (no team) or a workspace's."""
    authorizations = body.get("authorizations") or [{}]
    first = authorizations[0] if isinstance(authorizations[0], dict) else {}
    org_wide = bool(first.get("is_enterprise_install") or body.get("is_enterprise_install"))
    enterprise_id = context.enterprise_id or body.get("enterprise_id") or None
    return tenants.Installation(enterprise_id, None if org_wide else context.team_id)


async def on_app_uninstalled(body: dict[str, Any], context: AsyncBoltContext) -> None:
    await _gone(body, context, bot_only=False)


async def on_tokens_revoked(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> None:
    # Only the bot token matters: pocbot asks for no user tokens.
    if (event.get("tokens") or {}).get("bot"):
        await _gone(body, context, bot_only=True)


async def _gone(body: dict[str, Any], context: AsyncBoltContext, *, bot_only: bool) -> None:
    deps = deps_of(context)
    where = installation_of(body, context)
    store = deps.installation_store
    if store is None:
        log.warning("the app was uninstalled from %s; remove SLACK_BOT_TOKEN", where)
        return
    key = {"enterprise_id": where.enterprise_id, "team_id": where.team_id}
    if bot_only:
        await store.async_delete_bot(**key)
    else:
        await store.async_delete_all(**key)
    async with deps.db.transaction() as s:
        teams = await tenants.uninstalled(session=s, where=where, now=deps.clock())
    log.info(
        "uninstalled from %s: tokens deleted, %d workspace(s) no longer served (%s)",
        where.team_id or f"org {where.enterprise_id}",
        len(teams),
        ", ".join(teams) or "none known",
    )


def register(app: Listeners) -> None:
    app.event("app_uninstalled")(on_app_uninstalled)
    app.event("tokens_revoked")(on_tokens_revoked)
