"""`/poc holidays`: which public holidays a POC skips, and the ones still ahead of it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from bot.domain import Poc
from bot.public_holidays import describe
from bot.views.text import clip, day, escape

#: How many days off ahead are listed before "and N more".
LISTED = 8

USAGE = (
    "`/poc holidays` shows the public holidays this POC skips; `/poc holidays GB` (a country "
    "code, a region after a dash such as US-CA, or `none`) changes them, `/poc holidays auto` "
    "goes back to the workspace's choice or the timezone's country."
)


def holidays_text(
    poc: Poc, *, today: date, names: Mapping[date, str], changed_by: str | None = None
) -> str:
    """What the POC's calendar is and the days off between today and a month after its end.

    `changed_by`: the person who just chose it (the line then says so)."""
    how = "chosen for this POC" if poc.holiday_country else "the workspace's or timezone's"
    head = f"*{escape(poc.prospect)}* follows {describe(poc.calendar)} ({how})."
    if changed_by:
        head = f"<@{changed_by}> set the public holidays: {head}"
    until = poc.end + timedelta(days=30)
    ahead = sorted(d for d in poc.holidays if today <= d <= until and d.weekday() < 5)
    if not ahead:
        return clip(f"{head} No weekday off ahead of it. {USAGE}", 3000)
    listed = "; ".join(f"{day(d)} {escape(names.get(d, ''))}".strip() for d in ahead[:LISTED])
    more = f"; and {len(ahead) - LISTED} more" if len(ahead) > LISTED else ""
    note = " Planned dates stay as they are." if changed_by else ""
    return clip(f"{head} No nudges and no business day on: {listed}{more}.{note}", 3000)
