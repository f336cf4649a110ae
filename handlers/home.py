"""App Home: `app_home_opened` publishes the user's POCs, and the workspace settings for
those who may change them (handlers/settings.py). A sales manager (the `managers` setting)
sees the Team view first: every POC of the team, a page at a time (handlers/team.py turns
its pages and filters)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, deps_of, tenant
from bot.domain import Poc
from bot.managers import is_manager
from bot.rules import CLOSED_WITHIN_DAYS
from bot.views.home import home_view
from bot.views.settings import settings_blocks
from bot.views.team import MINE, TEAM, TeamState, state_metadata, switch_block, team_view
from handlers.guard import Listeners
from storage import snapshots, team, workspace

log = logging.getLogger(__name__)


async def publish_home(client: AsyncWebClient, context: AsyncBoltContext, user_id: str) -> None:
    await publish_home_for(client, deps_of(context), team_id=tenant(context), user_id=user_id)


async def publish_home_for(
    client: AsyncWebClient,
    deps: Deps,
    *,
    team_id: str,
    user_id: str,
    state: TeamState | None = None,
) -> None:
    """The user's POCs — or, for a manager, the Team view `state` says (its first page by
    default); and the workspace settings, for those who may change them."""
    async with deps.db.session() as s:
        ws = await workspace.load_workspace(session=s, team_id=team_id)
    manager = await is_manager(client, ws, user_id, team_id=team_id)
    state = (state or TeamState()) if manager else None
    now = deps.clock()
    async with deps.db.session() as s:
        if state is not None and state.mode == TEAM:
            since = now - timedelta(days=CLOSED_WITHIN_DAYS)
            pocs = await team.team_pocs(session=s, team_id=team_id, closed_since=since)
        else:
            pocs = await snapshots.pocs_for_member(session=s, team_id=team_id, user_id=user_id)
    settings = None
    if user_id in ws.admins or await is_workspace_admin(client, team_id=team_id, user_id=user_id):
        settings = settings_blocks(ws, deployment_hour=deps.settings.nudge_hour)
    await client.views_publish(
        user_id=user_id, view=_view(pocs, now, user_id=user_id, state=state, settings=settings)
    )


def _view(
    pocs: list[Poc],
    now: datetime,
    *,
    user_id: str,
    state: TeamState | None,
    settings: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """What App Home shows this user: their POCs; for a manager, the Team view or their own
    POCs with the way back to it."""
    if state is None:  # not a manager
        return home_view(pocs, now, viewer=user_id, settings=settings)
    if state.mode == TEAM:
        return team_view(pocs, now, state=state, tail=settings or ())
    view = home_view(pocs, now, viewer=user_id, settings=settings, top=[switch_block(MINE)])
    return {**view, "private_metadata": state_metadata(state)}


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
