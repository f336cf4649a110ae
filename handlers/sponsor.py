"""`/poc sponsor`: log an engagement with a sponsor — internal, never shown to the prospect."""

from __future__ import annotations

import logging

from bot.privacy import post_internal
from bot.rules import Act, briefs_exec
from bot.views.sponsor import (
    CALLBACK,
    engagement_blocks,
    engagement_text,
    read_engagement,
    sponsor_modal,
)
from handlers.guard import Listeners
from handlers.request import Command, Submission, local_noon
from storage import writes

log = logging.getLogger(__name__)


async def open_sponsor(cmd: Command) -> None:
    await cmd.open_for(Act.log_engagement, sponsor_modal)


async def submit_engagement(sub: Submission) -> None:
    team_id, user_id = sub.team_id, sub.user_id
    poc = await sub.poc(Act.log_engagement)
    if poc is None:
        return
    now = sub.deps.clock()
    engagement, errors = read_engagement(sub.values, now=now, tz=poc.tz, poc=poc)
    if engagement is None:
        await sub.show_errors(errors)
        return
    at = local_noon(engagement.held_on, poc.tz, now)
    async with sub.once() as s:
        if s is None:  # a replay of an engagement already logged
            await sub.ack()
            return
        await writes.add_engagement(
            session=s,
            team_id=team_id,
            poc_id=poc.id,
            engagement=engagement.as_engagement(at=at),
            logged_by=user_id,
        )
        if briefs_exec(engagement.kind, engagement.role):
            await writes.mark_briefed(session=s, team_id=team_id, poc_id=poc.id, at=at)
    await sub.ack()
    async with sub.deps.follow_ups:
        await post_internal(
            sub.client,
            poc,
            cache=sub.deps.channels,
            text=engagement_text(poc, engagement),
            blocks=engagement_blocks(poc, engagement, logged_by=user_id),
            db=sub.deps.db,
            now=now,
            what="sponsor_note",
        )


def register(app: Listeners) -> None:
    app.submission(CALLBACK)(submit_engagement)
