"""Activity that counts, end to end (rule 11, item 7): a champion who reacts or clicks is not
silent; a call with only the champion does not reset the sponsor clock."""

from __future__ import annotations

from datetime import date, timedelta

from bot.sandbox.harness import Sandbox
from handlers.guard import settled
from scheduler.due import plan
from tests.e2e.conftest import CHAMPION, DEAL, SE
from tests.e2e.life import MON, local, option_of, poc_on, react

THU = MON + timedelta(days=3)  # three business days after kickoff: the champion is "silent"


async def due_on(sb: Sandbox, day: date) -> set[str]:
    """The nudge kinds due at 09:05 that day (planned only: nothing is claimed or sent)."""
    due = await plan(sb.db, local(day), teams=[sb.slack.team_id])
    return {n.kind.value for d in due for n in d.nudges}


async def test_a_champion_who_only_reacts_is_not_silent(sb: Sandbox) -> None:
    await poc_on(sb)
    assert "champion_silent" in await due_on(sb, THU)  # no message, no check-in since kickoff

    sb.clock.set(local(MON + timedelta(days=2), 15))  # Wednesday afternoon
    update = sb.slack.say(DEAL, SE, "The ingestion numbers are in the doc")
    await react(sb, CHAMPION, "white_check_mark", update)  # a ✅, on any message
    await settled()
    assert "champion_silent" not in await due_on(sb, THU)
    assert "champion_silent" not in await due_on(sb, THU + timedelta(days=1))


async def test_a_champion_who_only_clicks_is_not_silent(sb: Sandbox) -> None:
    poc = await poc_on(sb)
    sb.clock.set(local(MON + timedelta(days=2), 15))
    nudge = sb.slack.say(DEAL, sb.slack.bot_user_id, "a cadence nudge")
    await sb.client.click(
        CHAMPION, action_id="nudge_checkin", value=f"{poc.id}:cadence", message=nudge
    )
    await sb.slack.wait_for(lambda: len(sb.slack.opened) > 1)  # the check-in modal, unused
    await settled()
    assert "champion_silent" not in await due_on(sb, THU)


async def test_a_champion_only_call_does_not_reset_the_sponsor_clock(sb: Sandbox) -> None:
    await poc_on(sb)
    stalled = MON + timedelta(days=7)  # a week since kickoff with no sponsor engagement
    assert "sponsor_stalled" in await due_on(sb, stalled)

    sb.clock.set(local(stalled - timedelta(days=3), 11))  # Friday
    view = await sb.open_modal(SE, DEAL, "sponsor")
    champion = option_of(view, "who", "champion:")
    assert await sb.submit(SE, view, {"who": champion, "kind": "call", "held_on": "today"}) == {}
    view = await sb.open_modal(SE, DEAL, "checkin")
    answers = {"held_on": "today", "format": "call", "attendees": [CHAMPION], "summary": "Sync"}
    assert await sb.submit(SE, view, {**answers, "health": "green"}) == {}
    await settled()
    assert "sponsor_stalled" in await due_on(sb, stalled), "the champion alone does not count"

    view = await sb.open_modal(SE, DEAL, "sponsor")
    business = option_of(view, "who", "business_sponsor:")
    assert await sb.submit(SE, view, {"who": business, "kind": "call", "held_on": "today"}) == {}
    await settled()
    assert "sponsor_stalled" not in await due_on(sb, stalled), "a business sponsor's call does"
