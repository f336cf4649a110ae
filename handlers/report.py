"""`/poc report [this quarter|last quarter|<date range>]`: the team's figures over a period,
privately to whoever asked (through the command's response_url, like `/poc status`).

Any of our team's people may ask: the figures are the team's, about no POC in particular. A
guest of the workspace or a member of another organisation may not — it is the whole team's
pipeline — so Slack is asked who the person is (users.info, which also gives the timezone
that "this quarter" is counted in). Reached through the /poc router: no listener of its own.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.privacy import outsider
from bot.rules import Act, local_today, report
from bot.views.period import EXAMPLES, PeriodError, read_period
from bot.views.refusals import refusal
from bot.views.report import report_blocks, report_text
from handlers import export
from handlers.request import Command
from storage import portfolio

log = logging.getLogger(__name__)

UNKNOWN_PERSON = (
    "I couldn't check with Slack who you are, so I can't show the team's figures: "
    "try again in a minute."
)


async def show_report(cmd: Command) -> None:
    await cmd.ack()
    person = await _person(cmd) if cmd.may(Act.see_report, None) else {}
    if person is None:
        await cmd.say_privately(UNKNOWN_PERSON)
        return
    if not person or outsider(person, cmd.team_id):
        await cmd.say_privately(refusal(Act.see_report, None))
        return
    now = cmd.deps.clock()
    tz = str(person.get("tz") or cmd.deps.settings.default_tz)
    words = cmd.args.split()
    as_csv = bool(words) and words[-1].lower() == "csv"  # `/poc report last quarter csv`
    try:
        period = read_period(" ".join(words[:-1]) if as_csv else cmd.args, now=now, tz=tz)
    except PeriodError as e:
        await cmd.say_privately(f"{e} Try {EXAMPLES}.")
        return
    if as_csv:  # the period's POCs and criteria as two files in the person's DM
        await export.send_export(cmd, period.start, period.end, now)
        return
    async with cmd.deps.db.session() as s:
        pocs = await portfolio.pocs_for_period(
            session=s, team_id=cmd.team_id, start=period.start, end=period.end
        )
    # Pure, but thousands of POCs take a while: in a thread, so other requests' acks go on.
    figures = await asyncio.to_thread(report, pocs, period, now)
    await cmd.say_privately(
        report_text(figures), report_blocks(figures, today=local_today(now, tz))
    )


async def _person(cmd: Command) -> dict[str, Any] | None:
    """What Slack says about the person asking; None when it would not say."""
    try:
        return dict((await cmd.client.users_info(user=cmd.user_id))["user"])
    except SlackApiError as e:
        log.info("users.info %s: %s", cmd.user_id, e.response.get("error"))
        return None
