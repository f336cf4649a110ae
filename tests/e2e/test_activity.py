"""Activity that counts, end to end (rule 11, item 7): a champion who reacts or clicks is not
silent; a call with only the champion does not reset the sponsor clock."""

from __future__ import annotations

from datetime import date, timedelta

from bot.sandbox.harness import Sandbox
from handlers.guard import settled
from scheduler.due import plan
from tests.e2e.conftest import CHAMPION, DEAL, SE
from tests.e2e.life import (
    MON,
    everything,
    local,
    nudge_keys,
    opened_by,
    option_of,
    poc_on,
    react,
    sweep_on,
)

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


async def test_the_silent_champions_log_checkin_button_ends_the_silence(sb: Sandbox) -> None:
    """The alert's own button opens the check-in modal; a check-in of any format (here an
    email reply from the champion) is the champion heard from again."""
    poc = await poc_on(sb)
    before = len(everything(sb))
    await sweep_on(sb, THU)
    (alert,) = [m for m in everything(sb)[before:] if "champion_silent" in nudge_keys(m)]
    block = next(b for b in alert.blocks if b.get("block_id") == "nudge:champion_silent")
    ids = [e["action_id"] for e in block["elements"]]
    assert "nudge_sponsor" not in ids and ids[-1] == "nudge_snooze"
    # The cadence nudge is not due on Thursday: this alert is the first with [Log check-in].
    assert ids[0] == "nudge_checkin", ids
    value = block["elements"][0]["value"]
    assert value == f"{poc.id}:champion_silent"

    sb.clock.set(local(THU, 11))
    view = await opened_by(sb, SE, action_id="nudge_checkin", value=value, message=alert)
    assert view["callback_id"] == "poc_checkin", view["callback_id"]
    answers = {"held_on": "today", "format": "email", "attendees": [CHAMPION], "summary": "Re"}
    assert await sb.submit(SE, view, {**answers, "health": "green"}) == {}
    await settled()
    assert "champion_silent" not in await due_on(sb, THU + timedelta(days=1))
