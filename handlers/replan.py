"""The plan changes on the record: `/poc extend` (a later end, a scope change, what is left
planned again) and `/poc move` (one milestone; the later ones keep their order), their modals,
and the buttons that open them — [Extend] on the overrun and auto-close nudges, [Move date] on
a milestone nudge.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.domain import MILESTONE_TITLES, EventKind, MilestoneKind, Poc, ScopeChangeKind
from bot.privacy import post_internal
from bot.rules import Act, business_days_between, extended_plan, local_today, moved_plan
from bot.views.lifecycle import new_plan_blocks
from bot.views.replan import (
    EXTEND,
    MOVE,
    extend_modal,
    extended_note,
    movable,
    move_modal,
    moved_line,
    nothing_to_move,
    read_extension,
    read_move,
)
from bot.views.text import day, section
from handlers.guard import Listeners
from handlers.request import Click, Command, Submission
from storage import lifecycle, writes

log = logging.getLogger(__name__)


async def _post(sub: Submission, poc: Poc, text: str, blocks: list[dict[str, Any]]) -> None:
    try:
        await sub.client.chat_postMessage(channel=poc.channel_id, text=text, blocks=blocks)
    except SlackApiError as e:  # saved; `/poc status` shows the plan
        log.warning("POC %s: the plan change was not posted: %s", poc.id, e.response.get("error"))


# ---------------------------------------------------------------- extend


async def open_extend(cmd: Command) -> None:
    await cmd.open_for(Act.extend, extend_modal)


async def extend_from_nudge(click: Click, poc: Poc) -> None:
    await click.open_modal(extend_modal(poc))


async def submit_extend(sub: Submission) -> None:
    poc = await sub.poc(Act.extend)
    if poc is None:
        return
    now = sub.deps.clock()
    ext, errors = read_extension(sub.values, poc=poc, now=now)
    if ext is None:
        await sub.show_errors(errors)
        return
    moved = extended_plan(poc, ext.end, today=local_today(now, poc.tz), now=now)
    async with sub.once() as s:
        if s is None:  # a replay of an extension already recorded
            await sub.ack()
            return
        await lifecycle.set_dates(
            session=s, team_id=sub.team_id, poc_id=poc.id, milestones=moved, end=ext.end, now=now
        )
        # Rule 7: a later end is a scope change, on the record; the SE chose it, so it is
        # accepted as made (the internal note below is its one warning).
        await writes.add_scope_change(
            session=s,
            team_id=sub.team_id,
            poc_id=poc.id,
            kind=ScopeChangeKind.end_date_moved,
            detail=f"{day(poc.end)} → {day(ext.end)}: {ext.reason}",
            now=now,
            by=sub.user_id,
            accepted=True,
        )
    await sub.ack()
    extra = business_days_between(poc.end, ext.end, holidays=poc.holidays)
    note = extended_note(poc, ext, by=sub.user_id, business_days=extra)
    blocks = new_plan_blocks(poc, title="New end date", end=ext.end, dates=moved, by=sub.user_id)
    async with sub.deps.follow_ups:
        await _post(sub, poc, f"New end date: {day(ext.end)}", blocks)
        await post_internal(
            sub.client,
            poc,
            cache=sub.deps.channels,
            text=note,
            blocks=[section(note)],
            db=sub.deps.db,
            now=sub.deps.clock(),
            what="extend_note",
        )


# ---------------------------------------------------------------- move


async def open_move(cmd: Command) -> None:
    await cmd.ack()
    poc = await cmd.poc_here(Act.move_date)
    if poc is None:
        return
    if not movable(poc, cmd.deps.clock()):
        await cmd.say_privately(nothing_to_move(poc))
        return
    await cmd.open_modal(move_modal(poc, cmd.deps.clock()))


async def move_from_nudge(click: Click, poc: Poc) -> None:
    """A milestone nudge's [Move date]: the modal, with that milestone picked."""
    kind = click.value.milestone if click.value is not None else None
    now = click.deps.clock()
    if not movable(poc, now):
        await click.tell(nothing_to_move(poc))
        return
    ahead = {m.kind for m in movable(poc, now)}
    await click.open_modal(move_modal(poc, now, milestone=kind if kind in ahead else None))


async def submit_move(sub: Submission) -> None:
    poc = await sub.poc(Act.move_date)
    if poc is None:
        return
    now = sub.deps.clock()
    move, errors = read_move(sub.values, poc=poc, now=now)
    if move is None:
        await sub.show_errors(errors)
        return
    moved = moved_plan(poc, move.milestone, move.to, now=now)
    async with sub.once() as s:
        if s is None:
            await sub.ack()
            return
        await lifecycle.set_dates(
            session=s, team_id=sub.team_id, poc_id=poc.id, milestones=moved, now=now
        )
        await lifecycle.record_event(
            session=s,
            team_id=sub.team_id,
            poc_id=poc.id,
            kind=EventKind.milestone_moved,
            by=sub.user_id,
            at=now,
            detail=_moves(poc, moved),
        )
    await sub.ack()
    line = moved_line(poc, moved, by=sub.user_id)
    async with sub.deps.follow_ups:
        await _post(sub, poc, line, [section(line)])


def _moves(poc: Poc, moved: dict[MilestoneKind, Any]) -> str:
    """For the audit trail: each milestone from its old date to its new one."""
    from_to = []
    for kind, due in moved.items():
        was = poc.milestone(kind)
        from_to.append(f"{MILESTONE_TITLES[kind]} {day(was.due) if was else '?'} → {day(due)}")
    return "; ".join(from_to)


def register(app: Listeners) -> None:
    app.submission(EXTEND)(submit_extend)
    app.submission(MOVE)(submit_move)
    app.click("lifecycle_extend", Act.extend, writes=False)(extend_from_nudge)
    app.click("nudge_move_date", Act.move_date, writes=False)(move_from_nudge)
