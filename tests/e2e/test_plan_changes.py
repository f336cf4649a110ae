"""The plan changes on the record, end to end: `/poc extend`, `/poc move` (and a milestone
nudge's [Move date]), `/poc pause` and `/poc resume` — and the nudges follow."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain import MilestoneKind, ScopeChangeKind, ScopeResolution, Status
from bot.sandbox.harness import Sandbox
from handlers.guard import settled
from tests.e2e.conftest import AE, DEAL, SE
from tests.e2e.journeys import load
from tests.e2e.life import (
    MON,
    everything,
    local,
    nudge_keys,
    opened_by,
    poc_on,
    response_to,
    said_privately,
    sweep_on,
    weekdays,
)

K = MilestoneKind
END = MON + timedelta(days=14)  # Monday 15 March


def dues(poc: object) -> dict[MilestoneKind, date]:
    return {m.kind: m.due for m in poc.milestones}  # type: ignore[attr-defined]


async def test_extend_moves_the_end_records_the_scope_change_and_replans(sb: Sandbox) -> None:
    poc = await poc_on(sb)
    assert dues(poc)[K.readout] == END and dues(poc)[K.midpoint] == MON + timedelta(days=7)
    sb.clock.set(local(MON + timedelta(days=9), 10))  # Wednesday 10 March
    view = await sb.open_modal(SE, DEAL, "extend")
    assert view["callback_id"] == "poc_extend"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["end", "reason"]

    for answers, field, words in [
        ({"end": "Mar 12", "reason": "x"}, "end", "not after the current end"),
        ({"end": "the twelfth of never", "reason": "x"}, "end", "Couldn't read"),
        ({"end": "Mar 29"}, "reason", "Say why"),
    ]:
        ack = await sb.submit(SE, view, answers)
        assert words in ack["errors"][field], (answers, ack)
    await settled()
    assert await load(sb, poc.id) == poc, "a refused extension changes nothing"

    posts, dms = len(sb.slack.posts(DEAL)), len(sb.slack.posts(SE))
    reason = "Their security review needs another fortnight <!channel>"
    assert await sb.submit(SE, view, {"end": "Mar 29", "reason": reason}) == {}
    plan = await sb.next_post(DEAL, after=posts)
    note = await sb.next_post(SE, after=dms)
    poc = await load(sb, poc.id)
    assert (poc.end, poc.original_end) == (date(2027, 3, 29), END)
    (change,) = poc.scope_changes
    assert change.kind == ScopeChangeKind.end_date_moved
    assert change.resolution == ScopeResolution.accepted  # chosen by the SE: its warning is below
    assert "Mon 15 Mar → Mon 29 Mar" in change.detail
    # Re-planned from the start and the new end, as /poc new plans; kickoff stays.
    assert dues(poc) == {
        K.scoping: MON,
        K.kickoff: MON,
        K.midpoint: date(2027, 3, 15),
        K.readout: date(2027, 3, 29),
        K.signoff: date(2027, 3, 31),
        K.commercial: date(2027, 4, 7),
    }
    assert "New end date" in plan.text and "Mon 29 Mar" in str(plan.blocks)
    assert "security review" not in str(plan.blocks).lower(), "the reason stays internal"
    assert "&lt;!channel&gt;" in note.text and "scope change" in note.text
    assert "over 30" not in note.text

    # The old end passes without an overrun alarm; the read-out is reminded at its new date.
    keys = {
        d: nudge_keys(m) for d in weekdays(END + timedelta(days=1), 10) for m in await _day(sb, d)
    }
    assert not any("overrun" in k for k in keys.values())
    assert "milestone:readout" in keys[date(2027, 3, 26)]  # the business day before

    # Further out than 30 days from the start: the timeframe warning, internally.
    view = await sb.open_modal(SE, DEAL, "extend")
    dms = len(sb.slack.posts(AE))
    assert await sb.submit(SE, view, {"end": "Apr 9", "reason": "Holidays"}) == {}
    note = await sb.next_post(AE, after=dms)
    assert "over 30" in note.text


async def _day(sb: Sandbox, day: date) -> list[object]:
    before = len(sb.slack.posts(DEAL))
    await sweep_on(sb, day)
    return sb.slack.posts(DEAL)[before:]


async def test_a_moved_milestone_is_reminded_at_its_new_date(sb: Sandbox) -> None:
    poc = await poc_on(sb)
    friday = MON + timedelta(days=4)
    (message,) = await _day(sb, friday)
    assert "milestone:midpoint" in nudge_keys(message)  # Monday's mid-point, said on Friday
    assert "Move date" in str(message.blocks)
    sb.clock.set(local(friday, 11))
    view = await opened_by(
        sb, SE, action_id="nudge_move_date", value=f"{poc.id}:milestone:midpoint", message=message
    )
    assert view["callback_id"] == "poc_move"
    picked = next(b for b in view["blocks"] if b.get("block_id") == "milestone")
    assert picked["element"]["initial_option"]["value"] == "midpoint"
    await settled()
    before = await load(sb, poc.id)

    for answers, field, words in [
        ({"date": "2027-02-26"}, "date", "has passed"),
        ({"date": "Mar 13"}, "date", "not a business day"),  # a Saturday
        ({"date": "Mar 16"}, "date", "after the POC's end"),
        ({"milestone": "readout", "date": "Mar 5"}, "date", "keep their order"),
    ]:
        ack = await sb.submit(SE, view, {"milestone": "midpoint", **answers})
        assert words in ack["errors"][field], (answers, ack)
    await settled()
    assert await load(sb, poc.id) == before

    posts = len(sb.slack.posts(DEAL))
    assert await sb.submit(SE, view, {"milestone": "midpoint", "date": "Mar 10"}) == {}
    line = await sb.next_post(DEAL, after=posts)
    assert "Mid-point check-in → Wed 10 Mar (was Mon 8 Mar)" in line.text
    assert dues(await load(sb, poc.id))[K.midpoint] == date(2027, 3, 10)

    said = {
        day: nudge_keys(m)
        for day in weekdays(MON + timedelta(days=7), 3)
        for m in await _day(sb, day)
    }
    assert "milestone:midpoint" not in said.get(date(2027, 3, 8), [])
    assert "milestone:midpoint" in said[date(2027, 3, 9)]  # the day before
    assert "milestone:midpoint" in said[date(2027, 3, 10)]  # the day
    today = next(m for m in sb.slack.posts(DEAL) if "milestone:midpoint" in nudge_keys(m))
    assert today

    # Later milestones keep their order: the sign-off moved past the commercial step takes it.
    view = await sb.open_modal(SE, DEAL, "move")
    assert await sb.submit(SE, view, {"milestone": "signoff", "date": "Mar 25"}) == {}
    await settled()
    after = dues(await load(sb, poc.id))
    assert after[K.signoff] == after[K.commercial] == date(2027, 3, 25)


async def test_pause_is_quiet_in_the_deal_channel_and_resume_gives_the_time_back(
    sb: Sandbox,
) -> None:
    poc = await poc_on(sb)
    sb.clock.set(local(MON + timedelta(days=1), 11))  # Tuesday 2 March
    said = await said_privately(sb, SE, "pause Waiting for their security review")
    assert said.startswith("⏸ Paused: Globex")
    assert (await load(sb, poc.id)).status == Status.paused
    assert "already" in await said_privately(sb, SE, "pause again")

    deal = len(sb.slack.posts(DEAL))
    reminders = []
    for day in weekdays(MON + timedelta(days=2), 10):  # Wed 3 … Tue 16 March
        report = await sweep_on(sb, day)
        reminders += [(day, n.text) for d in report.plan for n in d.nudges if n.kind == "paused"]
        assert all(n.kind == "paused" for d in report.plan for n in d.nudges)
    assert len(sb.slack.posts(DEAL)) == deal, "nothing in the deal channel while paused"
    assert [d for d, _ in reminders] == [date(2027, 3, 9), date(2027, 3, 16)]
    assert "Paused for 5 business days (Waiting for their security review)" in reminders[0][1]
    reminded = [m for m in sb.slack.posts(SE) if m.metadata and "Paused for" in str(m.blocks)]
    assert len(reminded) == 2, "internally: the SE's DM"

    sb.clock.set(local(date(2027, 3, 16), 11))
    offer = await response_to(sb, SE, "resume")
    assert "10 business days on hold" in offer["text"]
    buttons = [
        e["action_id"] for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == ["lifecycle_shift", "lifecycle_keep_dates"]
    assert (await load(sb, poc.id)).status == Status.active

    where = sb.slack.say(DEAL, sb.slack.bot_user_id, "the resume's offer")
    posts = len(sb.slack.posts(DEAL))
    await sb.client.click(SE, action_id="lifecycle_shift", value=str(poc.id), message=where)
    plan = await sb.next_post(DEAL, after=posts)
    assert "Updated plan" in plan.text and "Mon 29 Mar" in plan.text
    shifted = await load(sb, poc.id)
    assert shifted.end == date(2027, 3, 29)
    # What was ahead when it paused moved by 10 business days; the kickoff before it did not.
    assert dues(shifted)[K.kickoff] == MON
    assert dues(shifted)[K.midpoint] == date(2027, 3, 22)
    assert dues(shifted)[K.readout] == date(2027, 3, 29)
    # A second click changes nothing.
    await sb.client.click(SE, action_id="lifecycle_keep_dates", value=str(poc.id), message=where)
    await sb.slack.wait_for(
        lambda: any("already decided" in m.text for m in sb.slack.ephemerals(SE))
    )
    assert (await load(sb, poc.id)).end == date(2027, 3, 29)

    # Running again: the deal channel hears its reminders again.
    (back,) = await _day(sb, date(2027, 3, 22))
    assert "milestone:midpoint" in nudge_keys(back)
    assert everything(sb)
