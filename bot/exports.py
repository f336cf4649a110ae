"""A team's POCs over a period as the two CSV files (bot/views/export.py), from the database.

Shared by `/poc export` (handlers/export.py) and `python -m bot export`
(bot/export_command.py): one load, in the fixed number of queries of `load_pocs`, whatever
the number of POCs.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.views.export import Export, export_csv, exportable
from storage import snapshots
from storage.db import Database


async def team_export(
    db: Database,
    *,
    team_id: str,
    first: date,
    last: date,
    now: datetime,
    user_id: str | None = None,
) -> Export:
    """The POCs of `team_id` that ran between `first` and `last`, closed ones included; with
    `user_id`, only those this person may export (bot.views.export.exportable)."""
    async with db.session() as s:
        pocs = await snapshots.load_pocs(
            session=s, team_id=team_id, statuses=None, period=(first, last)
        )
    if user_id is not None:
        pocs = exportable(pocs, user_id)
    return export_csv(pocs, first=first, last=last, now=now)
