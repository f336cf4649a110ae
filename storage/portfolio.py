"""The POCs a team's report over a period looks at (`/poc report`), scoped by team.

Those started in the period or closed in it, in load_pocs' fixed number of queries whatever
their number, with only the child tables the figures need: people (the executive's briefing),
use cases and criteria (what is in scope, passed, failed), milestones (the kickoff date) and
scope changes. Check-ins, engagements, answers and the sent-log stay in the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import domain
from bot.domain import CLOSED_STATUSES
from storage import models as m
from storage.snapshots import gc_paused, load_pocs
from storage.sql import table

#: The child tables a report reads (storage/snapshots.py `_CHILDREN`' names).
REPORT_PARTS = frozenset({"people", "use_cases", "milestones", "criteria", "changes"})
#: A local day begins as early as UTC+14 and ends as late as UTC-12: a close is matched this
#: far either side in UTC, and the rules keep those on the POC's own local days.
_ZONES = timedelta(days=1)


async def pocs_for_period(
    *, session: AsyncSession, team_id: str, start: date, end: date
) -> list[domain.Poc]:
    """This team's POCs that started on a day from `start` to `end` (both included) or were
    closed then (give or take a day: bot/rules/portfolio.py decides on the POC's own day)."""
    poc = table(m.Poc)
    after = datetime.combine(start, time(), UTC) - _ZONES
    before = datetime.combine(end + timedelta(days=1), time(), UTC) + _ZONES
    touching = sa.or_(
        poc.c.start_date.between(start, end),
        sa.and_(
            poc.c.status.in_(list(CLOSED_STATUSES)),
            poc.c.closed_at >= after,
            poc.c.closed_at < before,
        ),
    )
    with gc_paused():
        return await load_pocs(
            session=session, team_id=team_id, statuses=None, also=(touching,), parts=REPORT_PARTS
        )
