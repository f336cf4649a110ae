"""Buttons in nudges, the status scoreboard and App Home.

Every value names a POC (`poc_id` or `poc_id:nudge key`, bot/views/values.py); it is looked
up within the clicking user's installation, so a value forged or replayed from another
workspace finds nothing, and the clicker must be allowed to act on it (bot.rules `may`):
in a channel shared with the prospect, only our side changes the plan.
"""

from __future__ import annotations

import logging

from bot.domain import MILESTONE_TITLES, MilestoneKind, Poc
from bot.rules import Act, insider, qualify, snooze_until
from bot.views.checkin import checkin_modal
from bot.views.criteria import criteria_modal
from bot.views.sponsor import sponsor_modal
from bot.views.status import status_modal
from bot.views.text import day, user
from handlers.guard import Listeners
from handlers.readout import publish_readout
from handlers.request import Click
from handlers.templates import offers_for
from storage import lifecycle, writes

log = logging.getLogger(__name__)


async def log_checkin(click: Click, poc: Poc) -> None:
    await click.open_modal(checkin_modal(poc))


async def log_sponsor(click: Click, poc: Poc) -> None:
    await click.open_modal(sponsor_modal(poc))


async def add_criterion(click: Click, poc: Poc) -> None:
    await click.open_modal(criteria_modal(poc, offers=await offers_for(click.deps, poc)))


async def show_status(click: Click, poc: Poc) -> None:
    await click.open_modal(
        status_modal(poc, click.deps.clock(), internal=insider(poc, click.user_id))
    )


async def post_readout(click: Click, poc: Poc) -> None:
    async with click.once() as s:
        if s is None:  # a replay of this very click: the read-out is posted once
            return
    await publish_readout(click.client, click.deps, poc=poc, user_id=click.user_id)
    await click.show_done(f"✓ Read-out posted by {user(click.user_id)}")


async def milestone_done(click: Click, poc: Poc) -> None:
    kind = click.value.milestone if click.value is not None else None
    if kind is None:
        return
    async with click.once() as s:
        if s is None:  # a replay of this very click
            return
        await writes.mark_milestone_done(
            session=s,
            team_id=poc.team_id,
            poc_id=poc.id,
            kind=kind,
            by=click.user_id,
            now=click.deps.clock(),
        )
        if kind == MilestoneKind.kickoff:  # the go/no-go as it stands at kickoff, for good
            await lifecycle.freeze_kickoff_verdict(
                session=s,
                team_id=poc.team_id,
                poc_id=poc.id,
                verdict=qualify(poc).verdict.value,
                now=click.deps.clock(),
            )
    await click.show_done(f"✓ {MILESTONE_TITLES[kind]} marked done by {user(click.user_id)}")


async def snooze(click: Click, poc: Poc) -> None:
    """Skip this nudge on the next business day; it is back the one after."""
    key = click.detail
    if not key:
        return
    until = snooze_until(click.deps.clock(), poc)
    async with click.once() as s:
        if s is None:  # a replay of this very click
            return
        await writes.snooze(session=s, team_id=poc.team_id, poc_id=poc.id, key=key, until=until)
    await click.show_done(f"💤 Snoozed by {user(click.user_id)}; back on {day(until)}")


def register(app: Listeners) -> None:
    for action_id in ("nudge_checkin", "status_checkin", "home_checkin"):
        app.click(action_id, Act.log_checkin, writes=False)(log_checkin)
    app.click("nudge_sponsor", Act.log_engagement, writes=False)(log_sponsor)
    app.click("status_criteria", Act.add_criterion, writes=False)(add_criterion)
    app.click("home_status", Act.see_status, writes=False)(show_status)
    app.click("nudge_readout", Act.post_readout)(post_readout)
    app.click("nudge_milestone_done", Act.mark_done)(milestone_done)
    app.click("nudge_snooze", Act.snooze)(snooze)
