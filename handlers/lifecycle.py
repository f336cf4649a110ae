"""A POC's life: `/poc close`, `/poc pause`, `/poc resume` and `/poc history`, and the buttons
that do the same — the outcome nudge's [Won] [Lost] [No decision], the paused reminder's
[Resume], and the resume's offer to shift the plan by the time spent on hold.

Each change is one transaction with the request's replay key; a refusal (closed meanwhile,
not paused…) raises inside it, so nothing at all is written.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError

from bot.closing import announce_close
from bot.domain import EventKind, Poc, Status
from bot.privacy import post_internal
from bot.rules import (
    Act,
    is_closed,
    local_today,
    paused_days,
    qualify,
    shifted_plan,
    status_after_pause,
)
from bot.views.history import history_blocks, history_text
from bot.views.lifecycle import (
    CLOSE_USAGE,
    KEEP,
    MAX_NOTE,
    OUTCOME_ACTIONS,
    OUTCOME_ICONS,
    OUTCOME_LABELS,
    SHIFT,
    already_closed,
    already_paused,
    closed_reply,
    new_plan_blocks,
    not_paused,
    paused_note,
    paused_reply,
    read_close,
    resumed_blocks,
)
from bot.views.text import clip, day, section, user
from handlers.guard import Listeners
from handlers.request import Click, Command, Request
from storage import history, lifecycle, snapshots

log = logging.getLogger(__name__)

DECIDED = "The dates were already decided after the resume."

#: How a flow answers the person privately: a command's response, or a click's ephemeral.
Say = Callable[..., Awaitable[None]]


class Stale(Exception):
    """Raised inside a request's transaction when another request changed the POC first: it
    rolls back (the replay key too), and the user is told where the POC stands now."""


async def _reload(req: Request, poc: Poc) -> Poc:
    async with req.deps.db.session() as s:
        found = await snapshots.load_poc(session=s, team_id=req.team_id, poc_id=poc.id)
    return found or poc


async def _why_not(req: Request, poc: Poc) -> str:
    """Why a change found the POC not as expected (another request got there first)."""
    now = await _reload(req, poc)
    if is_closed(now):
        return already_closed(now)
    return already_paused(now) if now.status == Status.paused else not_paused(now)


# ---------------------------------------------------------------- close


async def close(cmd: Command) -> None:
    """`/poc close won|lost|no-decision [note]`."""
    outcome, note = read_close(cmd.args)
    if outcome is None:
        await cmd.ack(text=CLOSE_USAGE, response_type="ephemeral")
        return
    await cmd.ack()
    poc = await cmd.poc_here(Act.close)
    if poc is not None:
        await close_poc(cmd, poc, outcome, note, say=cmd.say_privately)


async def close_poc(req: Request, poc: Poc, outcome: Status, note: str, *, say: Say) -> bool:
    """Close it with its outcome, then say so: a neutral line in the deal channel, the outcome
    internally, and privately to whoever closed it. False when nothing changed."""
    now = req.deps.clock()
    try:
        async with req.once() as s:
            if s is None:  # a replay of this very request
                return False
            closed = await lifecycle.close(
                session=s,
                team_id=req.team_id,
                poc_id=poc.id,
                outcome=outcome,
                by=req.user_id,
                note=clip(note, MAX_NOTE),
                verdict=qualify(poc).verdict.value,
                now=now,
            )
            if not closed:
                raise Stale
    except Stale:
        await say(await _why_not(req, poc))
        return False
    after = await _reload(req, poc)
    await say(closed_reply(after, outcome))
    async with req.deps.follow_ups:
        await announce_close(
            req.client,
            after,
            outcome,
            by=req.user_id,
            note=note,
            now=now,
            channels=req.deps.channels,
            db=req.deps.db,
        )
    return True


async def close_from_nudge(click: Click, poc: Poc) -> None:
    """[Won] / [Lost] / [No decision] on the outcome nudge or the auto-close warning."""
    outcome = OUTCOME_ACTIONS[click.action_id]
    if await close_poc(click, poc, outcome, "", say=click.tell):
        label = f"{OUTCOME_ICONS[outcome]} {OUTCOME_LABELS[outcome]}"
        await click.show_done(f"{label} — closed by {user(click.user_id)}")


# ---------------------------------------------------------------- pause and resume


async def pause(cmd: Command) -> None:
    """`/poc pause [reason]`: no reminders in the deal channel until it resumes."""
    await cmd.ack()
    poc = await cmd.poc_here(Act.pause)
    if poc is None:
        return
    reason = clip(cmd.args.strip(), 500)
    try:
        async with cmd.once() as s:
            if s is None:
                return
            paused = await lifecycle.pause(
                session=s,
                team_id=cmd.team_id,
                poc_id=poc.id,
                by=cmd.user_id,
                reason=reason,
                now=cmd.deps.clock(),
            )
            if not paused:
                raise Stale
    except Stale:
        await cmd.say_privately(await _why_not(cmd, poc))
        return
    await cmd.say_privately(paused_reply(poc))
    note = paused_note(poc, by=cmd.user_id, reason=reason)
    async with cmd.deps.follow_ups:
        await post_internal(
            cmd.client,
            poc,
            cache=cmd.deps.channels,
            text=note,
            blocks=[section(note)],
            db=cmd.deps.db,
            now=cmd.deps.clock(),
            what="pause_note",
        )


async def resume(cmd: Command) -> None:
    """`/poc resume`."""
    await cmd.ack()
    poc = await cmd.poc_here(Act.resume)
    if poc is not None:
        await resume_poc(cmd, poc, say=cmd.say_privately)


async def resume_poc(req: Request, poc: Poc, *, say: Say) -> bool:
    """Running again; the answer offers to shift the plan by the business days on hold."""
    now = req.deps.clock()
    days = paused_days(poc, local_today(now, poc.tz))
    try:
        async with req.once() as s:
            if s is None:
                return False
            resumed = await lifecycle.resume(
                session=s,
                team_id=req.team_id,
                poc_id=poc.id,
                status=status_after_pause(poc),
                paused_days=days,
                by=req.user_id,
                now=now,
            )
            if not resumed:
                raise Stale
    except Stale:
        await say(await _why_not(req, poc))
        return False
    blocks = resumed_blocks(poc, days)
    await say(str(blocks[0]["text"]["text"]), blocks)
    return True


async def resume_from_nudge(click: Click, poc: Poc) -> None:
    """The paused reminder's [Resume]."""
    if await resume_poc(click, poc, say=click.tell):
        await click.show_done(f"▶️ Resumed by {user(click.user_id)}")


async def answer_shift(click: Click, poc: Poc) -> None:
    """[Shift the plan] or [Keep the dates] after a resume: answered once."""
    offered = poc.resume_shift
    if offered is None:
        await click.tell(DECIDED)
        return
    shifting = click.action_id == SHIFT
    now = click.deps.clock()
    since = local_today(poc.paused_at or now, poc.tz)  # when the pause began
    end, moved = shifted_plan(poc, offered, since=since, now=now)
    try:
        async with click.once() as s:
            if s is None:
                return
            if not await lifecycle.take_resume_shift(
                session=s, team_id=click.team_id, poc_id=poc.id, offered=offered
            ):
                raise Stale
            if shifting:
                await lifecycle.set_dates(
                    session=s,
                    team_id=click.team_id,
                    poc_id=poc.id,
                    milestones=moved,
                    end=end,
                    now=now,
                )
                await lifecycle.record_event(
                    session=s,
                    team_id=click.team_id,
                    poc_id=poc.id,
                    kind=EventKind.plan_shifted,
                    by=click.user_id,
                    at=now,
                    detail=f"{offered} business days on hold given back; ends {day(end)}",
                )
    except Stale:
        await click.tell(DECIDED)
        return
    if not shifting:
        await click.tell(f"✓ Dates kept: the POC still ends {day(poc.end)}.")
        return
    await click.tell(f"✓ Plan shifted by {offered} business days: the POC now ends {day(end)}.")
    blocks = new_plan_blocks(poc, title="Updated plan", end=end, dates=moved, by=click.user_id)
    try:
        await click.client.chat_postMessage(
            channel=poc.channel_id, text=f"Updated plan: ends {day(end)}", blocks=blocks
        )
    except SlackApiError as e:  # the dates are saved; the channel hears at the next change
        log.warning("POC %s: the shifted plan was not posted: %s", poc.id, e.response.get("error"))


# ---------------------------------------------------------------- history


async def show_history(cmd: Command) -> None:
    """`/poc history`: the audit trail, privately (it holds internal notes)."""
    await cmd.ack()
    poc = await cmd.poc_here(Act.see_history)
    if poc is None:
        return
    async with cmd.deps.db.session() as s:
        entries = await history.history(session=s, team_id=cmd.team_id, poc_id=poc.id)
    await cmd.say_privately(history_text(poc, entries), history_blocks(poc, entries))


def register(app: Listeners) -> None:
    for action_id in OUTCOME_ACTIONS:
        app.click(action_id, Act.close)(close_from_nudge)
    app.click("lifecycle_resume", Act.resume)(resume_from_nudge)
    app.click(SHIFT, Act.resume)(answer_shift)
    app.click(KEEP, Act.resume)(answer_shift)
