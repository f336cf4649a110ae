"""`/poc checkin`: log a meeting, call or update.

A meeting or call with a sponsor present counts as sponsor engagement: the rules read it
from the check-in itself, so it is stored once.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.rules import Act
from bot.views.checkin import (
    CALLBACK,
    checkin_blocks,
    checkin_modal,
    checkin_note,
    checkin_text,
    read_checkin,
)
from handlers.guard import Listeners
from handlers.replies import tell_user
from handlers.request import Command, Submission
from storage import writes

log = logging.getLogger(__name__)


async def open_checkin(cmd: Command) -> None:
    await cmd.open_for(Act.log_checkin, checkin_modal)


async def submit_checkin(sub: Submission) -> None:
    poc = await sub.poc(Act.log_checkin)
    if poc is None:
        return
    now = sub.deps.clock()
    checkin, errors = read_checkin(sub.values, now=now, tz=poc.tz)
    if checkin is None:
        await sub.show_errors(errors)
        return
    async with sub.once() as s:
        if s is None:  # a replay of a check-in already logged
            await sub.ack()
            return
        await writes.add_checkin(
            session=s,
            team_id=sub.team_id,
            poc_id=poc.id,
            checkin=checkin.as_checkin(logged_by=sub.user_id),
            attendees=checkin.attendees,
            now=now,
        )
    await sub.ack()
    try:
        async with sub.deps.follow_ups:
            await sub.client.chat_postMessage(
                channel=poc.channel_id,
                text=checkin_text(poc, checkin),
                blocks=checkin_blocks(poc, checkin, logged_by=sub.user_id),
            )
            # The rating and how it counts are for our side only: to the SE, privately.
            await tell_user(
                sub.client,
                user_id=sub.user_id,
                channel_id=poc.channel_id,
                text=checkin_note(checkin),
            )
    except SlackApiError as e:
        log.warning("posting the check-in for POC %s failed: %s", poc.id, e.response.get("error"))


def register(app: Listeners) -> None:
    app.submission(CALLBACK)(submit_checkin)
