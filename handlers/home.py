"""App Home: `app_home_opened` publishes the user's POCs, and the workspace settings for
those who may change them (handlers/settings.py)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, deps_of, tenant
from bot.views.home import home_view
from bot.views.settings import settings_blocks
from handlers.guard import Listeners
from storage import snapshots, workspace

log = logging.getLogger(__name__)


async def publish_home(client: AsyncWebClient, context: AsyncBoltContext, user_id: str) -> None:
    await publish_home_for(client, deps_of(context), team_id=tenant(context), user_id=user_id)


async def publish_home_for(
    client: AsyncWebClient, deps: Deps, *, team_id: str, user_id: str
) -> None:
    """The user's POCs; and the workspace settings, for those who may change them."""
    async with deps.db.session() as s:
        pocs = await snapshots.pocs_for_member(session=s, team_id=team_id, user_id=user_id)
        ws = await workspace.load_workspace(session=s, team_id=team_id)
    settings = None
    if user_id in ws.admins or await is_workspace_admin(client, team_id=team_id, user_id=user_id):
        settings = settings_blocks(ws, deployment_hour=deps.settings.nudge_hour)
    await client.views_publish(
        user_id=user_id, view=home_view(pocs, deps.clock(), viewer=user_id, settings=settings)
    )


async def is_workspace_admin(client: AsyncWebClient, *, team_id: str, user_id: str) -> bool:
    """An admin or owner of our workspace (not a guest, not another organisation's admin)."""
    try:
        user = (await client.users_info(user=user_id))["user"]
    except SlackApiError as e:
        log.info("users.info %s: %s", user_id, e.response.get("error"))
        return False
    if user.get("is_restricted") or user.get("is_ultra_restricted"):
        return False
    if user.get("team_id") not in (None, team_id):
        return False
    return bool(user.get("is_admin") or user.get("is_owner"))


async def on_home_opened(
    event: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    if event.get("tab", "home") != "home" or not event.get("user"):
        return  # the Messages tab
    await publish_home(client, context, event["user"])


def register(app: Listeners) -> None:
    app.event("app_home_opened")(on_home_opened)
