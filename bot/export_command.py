"""`python -m bot export --since DATE`: a team's POCs as CSV, for a CRM import or a spreadsheet.

The same two files `/poc export` uploads to Slack (bot/exports.py builds both): one row per
POC — to stdout, or to `--out FILE` — and one per criterion, to `--criteria-out FILE`, which
defaults to the POC file's name with `-criteria` before its extension when `--out` is given
(pocs.csv → pocs-criteria.csv). Without `--out` nor `--criteria-out` only the POC file is
written. The team may be left out when the database holds one (as for `settings`).
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date, datetime
from pathlib import Path

from bot.config import Settings
from bot.deps import utc_now
from bot.exports import team_export
from bot.settings_command import Refused, only_team
from bot.startup import open_database
from bot.text import plural
from bot.views.export import Export


def criteria_path(out: Path) -> Path:
    """Where the criteria go next to the POC file: pocs.csv → pocs-criteria.csv."""
    return out.with_name(f"{out.stem}-criteria{out.suffix or '.csv'}")


def run_export(
    settings: Settings,
    *,
    since: date,
    until: date | None,
    team: str | None,
    out: Path | None,
    criteria_out: Path | None,
    now: datetime | None,
) -> int:
    now = now or utc_now()
    last = until or now.date()  # the operator's day, in UTC: --until says another
    if since > last:
        print(f"pocbot: --since {since} is after {last}", file=sys.stderr)
        return 2
    try:
        team_id, done = asyncio.run(_load(settings, team=team, first=since, last=last, now=now))
    except Refused as e:
        print(f"pocbot: {e}", file=sys.stderr)
        return 2
    if criteria_out is None and out is not None:
        criteria_out = criteria_path(out)
    # Bytes as built: the CSV's own CRLF line ends, on every platform.
    if out is None:
        sys.stdout.buffer.write(done.pocs_csv.encode("utf-8"))
        sys.stdout.flush()
    else:
        out.write_bytes(done.pocs_csv.encode("utf-8"))
    if criteria_out is not None:
        criteria_out.write_bytes(done.criteria_csv.encode("utf-8"))
    written = [str(p) for p in (out, criteria_out) if p is not None]
    if written:  # on stderr: stdout may be the CSV itself
        print(
            f"{plural(done.pocs, 'POC')} and {plural(done.criteria, 'criterion')} of {team_id}, "
            f"{since} to {last}: " + ", ".join(written),
            file=sys.stderr,
        )
    return 0


async def _load(
    settings: Settings, *, team: str | None, first: date, last: date, now: datetime
) -> tuple[str, Export]:
    db = await open_database(settings)
    try:
        team_id = team or await only_team(db, settings)
        return team_id, await team_export(db, team_id=team_id, first=first, last=last, now=now)
    finally:
        await db.dispose()
