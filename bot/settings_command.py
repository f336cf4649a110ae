"""`python -m bot settings show|set`: the workspace settings for operators and scripts.

The same settings as App Home's (bot/workspace.py checks every value the same way). The team
may be left out when the database holds one (or none yet and SLACK_BOT_TOKEN names it): in
single-token mode, this is how the operator names who may change them in Slack (`admins`).
"""

from __future__ import annotations

import sys
from datetime import datetime

from bot.config import Settings
from bot.deps import close_client, utc_now, web_client
from bot.startup import open_database
from bot.workspace import BadValue, UnknownSetting, key, listing, parse
from storage import workspace
from storage.db import Database


class Refused(Exception):
    """What the operator typed cannot be done; the message says why."""


async def run_settings(
    settings: Settings, *, action: str, team: str | None, name: str = "", value: str = ""
) -> int:
    db = await open_database(settings)
    try:
        team_id = team or await only_team(db, settings)
        if action == "set":
            await set_one(db, team_id, name, value, now=utc_now())
        async with db.session() as s:
            ws = await workspace.load_workspace(session=s, team_id=team_id)
    except Refused as e:
        print(f"pocbot: {e}", file=sys.stderr)
        return 2
    finally:
        await db.dispose()
    print(f"Workspace settings of {team_id} (* = the default):")
    width = max(len(k) for k, *_ in listing(ws))
    for k, shown, default in listing(ws):
        print(f"  {k:<{width}}  {shown}{' *' if default else ''}")
    return 0


async def set_one(db: Database, team_id: str, name: str, value: str, *, now: datetime) -> None:
    try:
        stored_key, stored = parse(name, value)
    except UnknownSetting as e:
        raise Refused(str(e)) from None
    except BadValue as e:
        raise Refused(f"{key(name).name}: {e}") from None
    async with db.transaction() as s:
        await workspace.save_settings(
            session=s, team_id=team_id, values={stored_key: stored}, by=None, now=now
        )


async def only_team(db: Database, settings: Settings) -> str:
    """The one team the database holds; else the token's own (auth.test) if it holds none."""
    async with db.session() as s:
        teams = await workspace.teams(session=s)
    if len(teams) == 1:
        return teams[0]
    if teams:
        raise Refused(f"the database holds several teams ({', '.join(teams)}): pass --team")
    if not settings.slack_bot_token:
        raise Refused("the database holds no team yet: pass --team T… (your Slack team id)")
    client = web_client(settings)
    try:
        return str((await client.auth_test())["team_id"])
    except Exception as e:
        raise Refused(f"no team in the database, and Slack would not say ours ({e})") from None
    finally:
        await close_client(client)
