"""`python -m bot purge`: delete the data of workspaces uninstalled longer ago than
UNINSTALLED_KEEP_DAYS. Run it by hand or from a daily scheduler (Heroku Scheduler, cron).

Each run deletes in one transaction: a team's rows go all together or not at all. A team that
installed the app again in the meantime is served, so it is not purged.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.config import Settings
from bot.deps import utc_now
from bot.startup import open_database
from storage import tenants


async def purge_uninstalled(
    settings: Settings, *, now: datetime | None = None, dry_run: bool = False
) -> list[str]:
    """The teams purged (or, with `dry_run`, that would be)."""
    cutoff = (now or utc_now()) - timedelta(days=settings.uninstalled_keep_days)
    db = await open_database(settings)
    try:
        async with db.transaction() as s:
            if dry_run:
                return await tenants.purgeable(session=s, uninstalled_before=cutoff)
            return await tenants.purge(session=s, uninstalled_before=cutoff)
    finally:
        await db.dispose()


def run_purge(settings: Settings, *, now: datetime | None, dry_run: bool) -> int:
    teams = asyncio.run(purge_uninstalled(settings, now=now, dry_run=dry_run))
    kept = f"uninstalled more than {settings.uninstalled_keep_days} days ago"
    if not teams:
        print(f"Nothing to purge: no workspace was {kept}.")
    else:
        verb = "Would delete" if dry_run else "Deleted"
        print(f"{verb} every row of {len(teams)} workspace(s) {kept}: {', '.join(teams)}")
    return 0
