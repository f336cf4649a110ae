"""Who the workspace's sales managers are: the people the `managers` setting names, and the
members of the user groups it names (`usergroups.users.list`, scope `usergroups:read`).

App Home asks once per request, the clock once per sweep: a `GroupCache` lives that long, so
a group is asked about once however many people it is checked for. A group Slack will not
list (deleted, disabled, the scope missing) counts as empty and is logged: nobody gets the
Team view by mistake.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain import WorkspaceSettings
from bot.workspace import is_user_group

log = logging.getLogger(__name__)

#: A user group's id -> its members, for one request or one sweep.
GroupCache = dict[str, frozenset[str]]


async def manager_ids(
    client: AsyncWebClient,
    ws: WorkspaceSettings,
    cache: GroupCache | None = None,
    *,
    team_id: str | None = None,
) -> frozenset[str]:
    """Every manager's user id: those named, and the members of the groups named.

    `team_id`: the workspace, which an org-wide install's token must name (Slack ignores it
    for a workspace's own token)."""
    cache = {} if cache is None else cache
    found = {m for m in ws.managers if not is_user_group(m)}
    for group in (m for m in ws.managers if is_user_group(m)):
        if group not in cache:
            cache[group] = await _members(client, group, team_id)
        found |= cache[group]
    return frozenset(found)


async def is_manager(
    client: AsyncWebClient,
    ws: WorkspaceSettings,
    user_id: str,
    cache: GroupCache | None = None,
    *,
    team_id: str | None = None,
) -> bool:
    """Is this person one of the managers? Slack is asked only when a user group is named."""
    if user_id in ws.managers:
        return True
    if not any(is_user_group(m) for m in ws.managers):
        return False
    return user_id in await manager_ids(client, ws, cache, team_id=team_id)


async def _members(client: AsyncWebClient, group: str, team_id: str | None) -> frozenset[str]:
    where = {"team_id": team_id} if team_id else {}
    try:
        answer = await client.usergroups_users_list(usergroup=group, **where)
    except SlackApiError as e:
        log.warning("usergroups.users.list %s: %s (nobody counted)", group, e.response.get("error"))
        return frozenset()
    except (aiohttp.ClientError, TimeoutError) as e:
        log.warning("usergroups.users.list %s failed: %r (nobody counted)", group, e)
        return frozenset()
    return frozenset(str(u) for u in answer.get("users") or ())
