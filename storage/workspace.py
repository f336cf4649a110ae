"""Workspace settings, one row per team and key (bot/workspace.py says what each key takes)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import DEFAULT_WORKSPACE, WorkspaceSettings
from bot.workspace import encode, settings_from
from storage import models as m
from storage.sql import insert, table


async def load_workspaces(
    *, session: AsyncSession, team_ids: Sequence[str]
) -> dict[str, WorkspaceSettings]:
    """Each team's settings (the defaults for a team that set none), in one query."""
    stored = await _stored(session, team_ids)
    return {t: settings_from(stored[t]) if t in stored else DEFAULT_WORKSPACE for t in team_ids}


async def load_workspace(*, session: AsyncSession, team_id: str) -> WorkspaceSettings:
    return (await load_workspaces(session=session, team_ids=[team_id]))[team_id]


async def _stored(session: AsyncSession, team_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    ws = table(m.WorkspaceSetting)
    rows = await session.exec(
        sa.select(ws.c.team_id, ws.c.key, ws.c.value).where(ws.c.team_id.in_(list(team_ids)))
    )
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for team_id, key, value in rows.all():
        found[team_id][key] = value
    return found


async def save_settings(
    *,
    session: AsyncSession,
    team_id: str,
    values: Mapping[str, Any],
    by: str | None,
    now: datetime,
) -> None:
    """Set these keys (a value of None deletes the row: back to the default). Caller commits."""
    ws = table(m.WorkspaceSetting)
    for key, value in values.items():
        if value is None:
            await session.exec(sa.delete(ws).where(ws.c.team_id == team_id, ws.c.key == key))
            continue
        row = {"value": encode(value), "updated_at": now, "updated_by": by}
        stmt = insert(session, ws).values(team_id=team_id, key=key, **row)
        await session.exec(stmt.on_conflict_do_update(index_elements=["team_id", "key"], set_=row))


async def teams(*, session: AsyncSession) -> list[str]:
    """Every team the database holds: with a POC or a setting (`settings` without --team)."""
    poc, ws = table(m.Poc), table(m.WorkspaceSetting)
    rows = await session.exec(sa.union(sa.select(poc.c.team_id), sa.select(ws.c.team_id)))
    return sorted(r[0] for r in rows.all())
