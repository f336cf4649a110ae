"""`/poc export [since DATE] [until DATE]`: the POCs of a period as two CSV files in your DM.

A stand-alone route for now, so the upload runs end to end; `/poc report … csv` will call the
same two steps (bot.exports.team_export, bot.uploads.upload_csv). A manager exports the
team's POCs, anyone else the ones they are SE or AE of (bot.views.export.exportable).
Reached through the /poc router (handlers/commands.py): it registers no listener of its own.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.exports import team_export
from bot.rules import local_today
from bot.uploads import upload_csv
from bot.views.export import (
    NOT_OUR_TEAM,
    BadPeriod,
    export_comment,
    export_sent,
    file_names,
    nothing_to_export,
    read_period,
    upload_failed,
)
from handlers.replies import user_tz
from handlers.request import Command

log = logging.getLogger(__name__)


async def export_command(cmd: Command) -> None:
    await cmd.ack()
    if not cmd.actor.of_our_team:
        await cmd.say_privately(NOT_OUR_TEAM)
        return
    now = cmd.deps.clock()
    # Dates typed mean the person's own days.
    tz = await user_tz(cmd.client, cmd.user_id, cmd.deps.settings.default_tz)
    try:
        first, last = read_period(cmd.args, local_today(now, tz))
    except BadPeriod as e:
        await cmd.say_privately(str(e))
        return
    await send_export(cmd, first, last, now)


async def send_export(cmd: Command, first: date, last: date, now: datetime) -> None:
    """The period's two CSV files to the caller's DM (`/poc export`, `/poc report … csv`)."""
    # Work after the ack, in one of the few follow-up lanes: a team's whole portfolio is the
    # heaviest read a request makes (1,000 closed POCs: ~1 s of CPU), and acks come first.
    async with cmd.deps.follow_ups:
        done = await team_export(
            cmd.deps.db, team_id=cmd.team_id, first=first, last=last, now=now, user_id=cmd.user_id
        )
        if not done.pocs:
            await cmd.say_privately(nothing_to_export(first, last))
            return
        pocs_name, criteria_name = file_names(first, last)
        try:
            await upload_csv(
                cmd.client,
                cmd.user_id,
                [(pocs_name, done.pocs_csv), (criteria_name, done.criteria_csv)],
                comment=export_comment(done, first, last),
            )
        except (SlackApiError, SlackRequestError) as e:
            error = e.response.get("error") if isinstance(e, SlackApiError) else str(e)
            log.warning("export upload for %s failed: %s", cmd.user_id, error)
            await cmd.say_privately(upload_failed(str(error)))
            return
    await cmd.say_privately(export_sent(done, first, last))
