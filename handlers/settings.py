"""Workspace settings from App Home: its [Settings] button opens the modal for the workspace's
admins and owners (users.info) and the people the settings name (`admins`: first named by
the operator, `python -m bot settings set admins U…`); the submission stores what changed.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps, deps_of, tenant
from bot.domain import WorkspaceSettings
from bot.views.settings import CALLBACK, OPEN, read_settings, settings_modal
from bot.workspace import changes
from handlers.guard import Listeners
from handlers.home import is_workspace_admin, publish_home_for
from handlers.payloads import body_user_id
from handlers.replies import tell_user
from handlers.request import Submission
from storage import workspace

log = logging.getLogger(__name__)

NOT_AN_ADMIN = (
    "Only the workspace's admins and owners, and the people named in the settings, may change "
    "pocbot's workspace settings. Ask one of them."
)


async def may_change(
    client: AsyncWebClient, deps: Deps, *, team_id: str, user_id: str
) -> tuple[bool, WorkspaceSettings]:
    """May this person change the settings (and what they are now)?"""
    async with deps.db.session() as s:
        ws = await workspace.load_workspace(session=s, team_id=team_id)
    if user_id in ws.admins:
        return True, ws
    return await is_workspace_admin(client, team_id=team_id, user_id=user_id), ws


async def on_open_settings(
    ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
) -> None:
    await ack()
    deps, team_id, user_id = deps_of(context), tenant(context), body_user_id(body)
    allowed, ws = await may_change(client, deps, team_id=team_id, user_id=user_id)
    if not allowed:
        await tell_user(client, user_id=user_id, channel_id=None, text=NOT_AN_ADMIN)
        return
    await client.views_open(
        trigger_id=str(body.get("trigger_id") or ""),
        view=settings_modal(ws, deployment_hour=deps.settings.nudge_hour),
    )


async def submit_settings(sub: Submission) -> None:
    deps = sub.deps
    allowed, ws = await may_change(sub.client, deps, team_id=sub.team_id, user_id=sub.user_id)
    if not allowed:
        await sub.refuse(NOT_AN_ADMIN)
        return
    new, errors = read_settings(sub.values, ws, deployment_hour=deps.settings.nudge_hour)
    if new is None:
        await sub.show_errors(errors)
        return
    async with sub.once() as s:
        if s is not None:  # None: a replay of this very submission
            await workspace.save_settings(
                session=s,
                team_id=sub.team_id,
                values=changes(ws, new),
                by=sub.user_id,
                now=deps.clock(),
            )
    await sub.ack()
    await publish_home_for(sub.client, deps, team_id=sub.team_id, user_id=sub.user_id)


def register(app: Listeners) -> None:
    app.action(OPEN, writes=False)(on_open_settings)
    app.submission(CALLBACK)(submit_settings)
