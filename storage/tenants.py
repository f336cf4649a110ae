"""Tenants: the workspaces the bot serves under OAuth installs, their tokens, and their purge.

A token is found as slack_sdk finds one — the newest bot row for (enterprise, team), or for an
org-wide install (enterprise, no team) — but for a whole chunk of teams in two queries, where
slack_sdk's `async_find_bot` would take one per team.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.installation_models import (
    SLACK_SDK_TABLES,
    Tenant,
    slack_bots,
)
from storage.sql import insert, table

#: Tables that are not a tenant's data: the stores' own (deleted at uninstall) and tenants.
NOT_TENANT_DATA = SLACK_SDK_TABLES | {"tenant"}


@dataclass(frozen=True)
class Installation:
    """Where an install or uninstall happened: a workspace (`team_id`), or a whole org."""

    enterprise_id: str | None
    team_id: str | None

    @property
    def org_wide(self) -> bool:
        return self.team_id is None


async def seen(
    *, session: AsyncSession, team_id: str, enterprise_id: str | None, org_install: bool
) -> None:
    """A request came from this workspace: keep its row (the first one wins). Caller commits."""
    t = table(Tenant)
    await session.exec(
        insert(session, t)
        .values(team_id=team_id, enterprise_id=enterprise_id, org_install=org_install)
        .on_conflict_do_nothing(index_elements=["team_id"])
    )


async def installed(*, session: AsyncSession, where: Installation, now: datetime) -> None:
    """An install (or a reinstall): the workspace, or every known workspace of the org, is
    served again from now. Caller commits."""
    t = table(Tenant)
    if where.org_wide:
        await session.exec(
            sa.update(t)
            .where(t.c.enterprise_id == where.enterprise_id)
            .values(uninstalled_at=None, org_install=True)
        )
        return
    assert where.team_id is not None
    values = {"enterprise_id": where.enterprise_id, "org_install": False, "uninstalled_at": None}
    await session.exec(
        insert(session, t)
        .values(team_id=where.team_id, seen_at=now, **values)
        .on_conflict_do_update(index_elements=["team_id"], set_=values)
    )


async def uninstalled(*, session: AsyncSession, where: Installation, now: datetime) -> list[str]:
    """The app was uninstalled (or its bot token revoked): the teams it served stop being
    served; their data is kept until the purge. Returns those teams. Caller commits."""
    t = table(Tenant)
    if where.org_wide:
        match = sa.and_(t.c.enterprise_id == where.enterprise_id, t.c.org_install.is_(True))
    else:
        match = t.c.team_id == where.team_id
    rows = await session.exec(
        sa.update(t)
        .where(match, t.c.uninstalled_at.is_(None))
        .values(uninstalled_at=now)
        .returning(t.c.team_id)
    )
    return sorted(r[0] for r in rows.all())


async def served_teams(*, session: AsyncSession) -> list[str]:
    """Every team with an installation that has a bot token and is not uninstalled, sorted."""
    t, b = table(Tenant), slack_bots
    own = sa.and_(b.c.team_id == t.c.team_id, t.c.org_install.is_(False))
    org = sa.and_(
        b.c.team_id.is_(None), b.c.enterprise_id == t.c.enterprise_id, t.c.org_install.is_(True)
    )
    has_bot = sa.exists().where(sa.or_(own, org), b.c.bot_token.is_not(None))
    rows = await session.exec(
        sa.select(t.c.team_id).where(t.c.uninstalled_at.is_(None), has_bot).order_by(t.c.team_id)
    )
    return [r[0] for r in rows.all()]


async def bot_tokens(*, session: AsyncSession, team_ids: Collection[str]) -> dict[str, str]:
    """Each served team's bot token: its workspace install's newest, or its org's."""
    t, b = table(Tenant), slack_bots
    tenants = (
        await session.exec(
            sa.select(t.c.team_id, t.c.enterprise_id, t.c.org_install).where(
                t.c.team_id.in_(list(team_ids)), t.c.uninstalled_at.is_(None)
            )
        )
    ).all()
    if not tenants:
        return {}
    orgs = {e for _, e, org in tenants if org and e}
    teams = [team for team, _, org in tenants if not org]
    rows = await session.exec(
        sa.select(b.c.team_id, b.c.enterprise_id, b.c.bot_token)
        .where(
            b.c.bot_token.is_not(None),
            sa.or_(
                b.c.team_id.in_(teams),
                sa.and_(b.c.team_id.is_(None), b.c.enterprise_id.in_(sorted(orgs))),
            ),
        )
        .order_by(b.c.installed_at, b.c.id)  # the newest last, so it wins below
    )
    by_team: dict[str, str] = {}
    by_org: dict[str, str] = {}
    for team, enterprise, token in rows.all():
        if team is None:
            by_org[enterprise] = token
        else:
            by_team[team] = token
    found = {team: by_org.get(e or "") if org else by_team.get(team) for team, e, org in tenants}
    return {team: token for team, token in found.items() if token}


async def purgeable(*, session: AsyncSession, uninstalled_before: datetime) -> list[str]:
    """The teams uninstalled before the date (and not installed again since), sorted."""
    t = table(Tenant)
    rows = await session.exec(
        sa.select(t.c.team_id).where(t.c.uninstalled_at < uninstalled_before).order_by(t.c.team_id)
    )
    return [r[0] for r in rows.all()]


async def purge(*, session: AsyncSession, uninstalled_before: datetime) -> list[str]:
    """Delete every row of the teams uninstalled before the date, and their tenant rows.
    Returns the teams purged. Caller commits (one transaction: all of a team or nothing)."""
    t = table(Tenant)
    teams = await purgeable(session=session, uninstalled_before=uninstalled_before)
    if not teams:
        return []
    # Children before parents (a criterion before its POC), whatever the foreign keys cascade.
    for data in reversed(SQLModel.metadata.sorted_tables):
        if data.name not in NOT_TENANT_DATA and "team_id" in data.c:
            await session.exec(sa.delete(data).where(data.c.team_id.in_(teams)))
    await session.exec(sa.delete(t).where(t.c.team_id.in_(teams)))
    return teams
