"""Tenants on both databases: which teams are served and with which token (a workspace's own
install or its org's), uninstall and reinstall, and the purge of what an uninstalled team left.
Installations are saved by slack_sdk's own SQLAlchemy store, as the OAuth flow saves them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from slack_sdk.oauth.installation_store import Installation as SlackInstallation
from sqlmodel import SQLModel

from bot.config import Settings
from bot.installations import installation_store, on_installed
from bot.purge_command import purge_uninstalled
from storage import tenants, workspace
from storage.db import Database
from storage.tenants import NOT_TENANT_DATA, Installation
from tests.scheduler.seed import new_poc, seed_bulk

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
SETTINGS = Settings(slack_client_id="1.2", slack_client_secret="s", slack_state_secret="x")


async def install(
    db: Database, *, team_id: str | None, enterprise_id: str | None = None, token: str = ""
) -> None:
    store = installation_store(SETTINGS, db)
    await store.async_save(
        SlackInstallation(
            app_id="A1",
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=token or f"xoxb-{team_id or enterprise_id}",
            bot_id="B1",
            bot_user_id="UBOT",
            user_id="UINSTALLER",
            is_enterprise_install=team_id is None,
        )
    )
    await on_installed(db, enterprise_id, team_id, installer="UINSTALLER")


async def seen(db: Database, team_id: str, enterprise_id: str | None, org: bool) -> None:
    async with db.transaction() as s:
        await tenants.seen(session=s, team_id=team_id, enterprise_id=enterprise_id, org_install=org)


async def served(db: Database) -> list[str]:
    async with db.session() as s:
        return await tenants.served_teams(session=s)


async def tokens(db: Database, *teams: str) -> dict[str, str]:
    async with db.session() as s:
        return await tenants.bot_tokens(session=s, team_ids=teams)


async def test_workspace_and_org_installs_each_give_their_teams_a_token(db: Database) -> None:
    await install(db, team_id="TA")
    await install(db, team_id=None, enterprise_id="E1")
    # The org's workspaces become known as their requests come.
    await seen(db, "TEAST", "E1", True)
    await seen(db, "TWEST", "E1", True)
    await seen(db, "TSTRAY", None, False)  # a request no installation authorizes
    assert await served(db) == ["TA", "TEAST", "TWEST"]
    assert await tokens(db, "TA", "TEAST", "TWEST", "TSTRAY") == {
        "TA": "xoxb-TA",
        "TEAST": "xoxb-E1",
        "TWEST": "xoxb-E1",
    }
    # The newest install's token wins.
    await install(db, team_id="TA", token="xoxb-TA-again")
    assert (await tokens(db, "TA"))["TA"] == "xoxb-TA-again"
    async with db.session() as s:  # the installer is the first admin
        assert (await workspace.load_workspace(session=s, team_id="TA")).admins == ("UINSTALLER",)


async def test_an_uninstall_stops_its_teams_and_a_reinstall_resumes(db: Database) -> None:
    await install(db, team_id="TA")
    await install(db, team_id=None, enterprise_id="E1")
    await seen(db, "TEAST", "E1", True)
    async with db.transaction() as s:
        gone = await tenants.uninstalled(session=s, where=Installation("E1", None), now=NOW)
    assert gone == ["TEAST"]
    assert await served(db) == ["TA"]
    assert await tokens(db, "TEAST") == {}
    await install(db, team_id=None, enterprise_id="E1")
    assert await served(db) == ["TA", "TEAST"]


async def rows_of(db: Database, team_id: str) -> dict[str, int]:
    counts = {}
    async with db.session() as s:
        for t in SQLModel.metadata.sorted_tables:
            if t.name not in NOT_TENANT_DATA and "team_id" in t.c:
                n = (await s.exec(sa.select(sa.func.count()).where(t.c.team_id == team_id))).one()
                counts[t.name] = n[0]
    return {name: n for name, n in counts.items() if n}


async def test_purge_deletes_every_row_of_a_team_gone_past_the_keeping_period(
    db: Database,
) -> None:
    mon = date(2026, 10, 5)
    for team in ("TGONE", "TSTAY"):
        await install(db, team_id=team)
        news = [
            new_poc(channel=f"C{team}{i}", start=mon, end=mon + timedelta(days=14))
            for i in range(3)
        ]
        await seed_bulk(db, news, team_id=team, criteria_per_use_case=2, checkins=2)
    before = await rows_of(db, "TSTAY")
    assert {"poc", "criterion", "checkin", "workspace_setting"} <= before.keys()
    async with db.transaction() as s:
        await tenants.uninstalled(session=s, where=Installation(None, "TGONE"), now=NOW)

    async with db.transaction() as s:  # within the keeping period: nothing goes
        assert await tenants.purge(session=s, uninstalled_before=NOW - timedelta(days=30)) == []
    assert await rows_of(db, "TGONE") == before

    later = NOW + timedelta(days=31)
    async with db.transaction() as s:
        assert await tenants.purge(session=s, uninstalled_before=later - timedelta(days=30)) == [
            "TGONE"
        ]
    assert await rows_of(db, "TGONE") == {}
    assert await rows_of(db, "TSTAY") == before
    async with db.session() as s:
        assert await tenants.purgeable(session=s, uninstalled_before=later) == []


async def test_the_purge_command_keeps_the_period_it_is_given(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/purge.db"
    settings = Settings(database_url=url, uninstalled_keep_days=10)
    assert await purge_uninstalled(settings, now=NOW) == []  # migrates an empty database
    db = Database(url)
    try:
        await install(db, team_id="TGONE")
        async with db.transaction() as s:
            await tenants.uninstalled(session=s, where=Installation(None, "TGONE"), now=NOW)
    finally:
        await db.dispose()
    assert await purge_uninstalled(settings, now=NOW + timedelta(days=9)) == []
    assert await purge_uninstalled(settings, now=NOW + timedelta(days=11), dry_run=True) == [
        "TGONE"
    ]
    assert await purge_uninstalled(settings, now=NOW + timedelta(days=11)) == ["TGONE"]
    assert await purge_uninstalled(settings, now=NOW + timedelta(days=12)) == []
