"""`/poc new`: the set-up modal, then the kickoff summary and the private go/no-go verdict."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.deps import Deps
from bot.domain import NewPoc, Poc, TemplateSummary, WorkspaceSettings
from bot.privacy import ChannelInfo, is_shared, post_internal
from bot.rules import Act, draft, qualify
from bot.views.kickoff import kickoff_blocks, kickoff_text, verdict_blocks, verdict_text
from bot.views.poc_new import CALLBACK, Meta, new_poc_modal, read_new_poc
from bot.views.privacy import READABLE_CHANNEL
from bot.views.refusals import refusal
from bot.views.templates import chosen_template_id
from bot.views.text import escape
from handlers.guard import Listeners
from handlers.replies import tell_user, user_tz
from handlers.request import Command, Submission
from storage import snapshots, templates, workspace, writes

log = logging.getLogger(__name__)

#: The workspace's holiday calendar names the default in the form; a database slower than
#: this opens the form without it (the trigger to open it lasts 3 s).
HINT_WITHIN_S = 0.5
#: Time the submission gives Slack to say who can read the internal channel, before its ack.
READERS_WITHIN_S = 1.0


class ChannelTaken(Exception):
    """The deal channel already runs a POC: one live POC per channel."""

    def __init__(self, prospect: str) -> None:
        super().__init__(prospect)
        self.prospect = prospect


async def open_new_poc(cmd: Command) -> None:
    await cmd.ack()
    if not cmd.may(Act.start_poc, None):
        await cmd.say_privately(refusal(Act.start_poc, None))
        return
    tz = await user_tz(cmd.client, cmd.user_id, cmd.deps.settings.default_tz)
    try:
        # Only for the holiday field's hint and the template picker: the form opens
        # without the database.
        async with asyncio.timeout(HINT_WITHIN_S):
            calendar = (await workspace_of(cmd.deps, cmd.team_id)).holiday_country
            found = await templates_of(cmd.deps, cmd.team_id)
    except Exception as e:
        log.warning("no workspace settings or templates for /poc new: %r", e)
        calendar, found = None, []
    await cmd.open_modal(
        new_poc_modal(
            channel_id=cmd.channel_id, tz=tz, workspace_calendar=calendar, templates=found
        )
    )


async def templates_of(deps: Deps, team_id: str) -> list[TemplateSummary]:
    async with deps.db.session() as s:
        return await templates.load_summaries(session=s, team_id=team_id)


async def readable_in_time(client: AsyncWebClient, deps: Deps, channel_id: str) -> bool:
    """Can the prospect read this channel, as far as Slack says within READERS_WITHIN_S?

    Not known in time (a big channel, a slow Slack) lets the form through: the verdict and
    alerts still go to the channel only once it is known to be private (bot/privacy.py)."""
    try:
        async with asyncio.timeout(READERS_WITHIN_S):
            return await is_shared(client, channel_id, deps.channels) is True
    except TimeoutError:
        log.info("who can read %s? not known within %.1f s", channel_id, READERS_WITHIN_S)
        return False


async def workspace_of(deps: Deps, team_id: str) -> WorkspaceSettings:
    async with deps.db.session() as s:
        return await workspace.load_workspace(session=s, team_id=team_id)


async def submit_new_poc(sub: Submission) -> None:
    """Before the ack only what it answers: the form read, the channel free, the POC stored.

    One transaction holds the database's part (the request's key, the workspace's calendar,
    the one-live-POC check, the inserts): each connection taken from the pool costs a
    round trip of its own, and a submission's CPU before its ack is what 20 in flight
    queue behind. The POC is reloaded, rendered and posted after the ack.
    """
    deps, team_id = sub.deps, sub.team_id
    if not sub.may(Act.start_poc, None):
        await sub.refuse(refusal(Act.start_poc, None))
        return
    meta = Meta.load(sub.view.get("private_metadata"), deps.settings.default_tz)
    now = deps.clock()

    def read(workspace_calendar: str | None) -> tuple[NewPoc | None, dict[str, str]]:
        return read_new_poc(
            sub.values,
            now=now,
            tz=meta.tz,
            created_by=sub.user_id,
            workspace_calendar=workspace_calendar,
        )

    # The workspace's calendar only moves the plan's dates, never makes the form wrong: it
    # is read in the transaction below, and the plan redone if it names one.
    new, errors = read(None)
    if new is None:
        await sub.show_errors(errors)
        return
    if new.internal_channel_id and await readable_in_time(
        sub.client, deps, new.internal_channel_id
    ):
        await sub.show_errors({"internal_channel": READABLE_CHANNEL})
        return
    template_id = chosen_template_id(sub.values)
    try:
        async with sub.once() as s:
            if s is None:  # this very submission was already stored: a replay
                await sub.ack()
                return
            poc_id = await _store(s, sub, new, read, template_id=template_id, now=now)
    except ChannelTaken as taken_by:
        await sub.refuse(
            f"This channel already runs the POC for {taken_by.prospect}. "
            "Finish that one first, or pick another channel.",
            field="channel",
        )
        return
    await sub.ack()

    async with deps.follow_ups:
        async with deps.db.session() as s:
            poc = await snapshots.load_poc(session=s, team_id=team_id, poc_id=poc_id)
        assert poc is not None
        await announce(
            sub.client, deps, poc, user_id=sub.user_id, origin_channel=meta.origin_channel
        )


async def _store(
    s: AsyncSession,
    sub: Submission,
    new: NewPoc,
    read: Callable[[str | None], tuple[NewPoc | None, dict[str, str]]],
    *,
    template_id: int | None,
    now: datetime,
) -> int:
    """In the submission's transaction: the channel free (else ChannelTaken), the plan on
    the workspace's calendar, the POC stored; returns its id."""
    team_id = sub.team_id
    taken = await snapshots.live_prospect_for_channel(
        session=s, team_id=team_id, channel_id=new.channel_id
    )
    if taken is not None:
        raise ChannelTaken(taken)  # rolls back the request's key too
    calendar = (await workspace.load_workspace(session=s, team_id=team_id)).holiday_country
    if calendar is not None and new.holiday_country is None:
        redone, _ = read(calendar)
        assert redone is not None  # the same form, read the same way
        new = redone
    # The verdict as written down, kept until kickoff freezes it (win rates by verdict).
    new = replace(new, kickoff_verdict=qualify(draft(new)).verdict.value)
    poc_id = await writes.create_poc(session=s, team_id=team_id, new=new, now=now)
    if template_id is not None:  # `/poc criteria` offers its criteria
        await templates.link_poc(session=s, team_id=team_id, poc_id=poc_id, template_id=template_id)
    return poc_id


async def announce(
    client: AsyncWebClient, deps: Deps, poc: Poc, *, user_id: str, origin_channel: str | None
) -> None:
    """Kickoff summary in the deal channel, go/no-go verdict in private."""
    if await ensure_member(client, deps.channels, poc.channel_id):
        await post_kickoff(client, deps, poc)
    else:
        await tell_user(
            client,
            user_id=user_id,
            channel_id=origin_channel,
            text=(
                f"The POC for {escape(poc.prospect)} is saved, but I can't post in "
                f"<#{poc.channel_id}>: it is private. Type `/invite @pocbot` there and I will "
                "post the kickoff summary."
            ),
        )
    q = qualify(poc)
    await post_internal(
        client,
        poc,
        cache=deps.channels,
        text=verdict_text(poc, q),
        blocks=verdict_blocks(poc, q),
        db=deps.db,
        now=deps.clock(),
        what="verdict",
    )


async def post_kickoff(client: AsyncWebClient, deps: Deps, poc: Poc) -> None:
    """Post the kickoff summary, at most once per POC whatever events arrive."""
    async with deps.db.transaction() as s:
        claimed = await writes.claim_kickoff(
            session=s, team_id=poc.team_id, poc_id=poc.id, now=deps.clock()
        )
    if not claimed:
        log.info("POC %s: the kickoff is posted or being posted", poc.id)
        return
    try:
        response = await client.chat_postMessage(
            channel=poc.channel_id, text=kickoff_text(poc), blocks=kickoff_blocks(poc)
        )
    except SlackApiError:
        # Slack refused it, so it is not in the channel: the next invitation may post it.
        # (A timeout keeps the claim: the post may have landed, and twice is worse than late.)
        async with deps.db.transaction() as s:
            await writes.release_kickoff(session=s, team_id=poc.team_id, poc_id=poc.id)
        raise
    async with deps.db.transaction() as s:
        await writes.update_poc(
            session=s,
            team_id=poc.team_id,
            poc_id=poc.id,
            now=deps.clock(),
            kickoff_message_ts=response["ts"],
        )


async def ensure_member(client: AsyncWebClient, channels: ChannelInfo, channel_id: str) -> bool:
    """Join a public deal channel (reactions only reach channels we are in); a private one
    needs an invitation, which only a member can give."""
    try:
        info = await channels.get(client, channel_id)
        if info.get("is_member"):
            return True
        if info.get("is_private"):
            return False
        await client.conversations_join(channel=channel_id)
        channels.forget(channel_id)
        return True
    except SlackApiError as e:
        log.warning("cannot join %s: %s", channel_id, e.response.get("error"))
        return False


def register(app: Listeners) -> None:
    app.submission(CALLBACK)(submit_new_poc)
