"""`/poc close`, end to end: once a POC is over the bot goes quiet, the channel is free, and
the POC stays on the record (App Home's history, `/poc status`, `/poc history`)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.domain import Status
from bot.rules import Act, Go, who_may
from bot.sandbox.harness import Sandbox
from handlers.guard import settled
from scheduler.due import place, plan
from scheduler.sweep import _claim
from storage import models as m
from tests.e2e.conftest import AE, CHAMPION, DEAL, OUTSIDER, SE
from tests.e2e.journeys import create_poc, interaction, live_poc, load, replayed
from tests.e2e.life import (
    MON,
    PROSPECT_TEAM,
    everything,
    local,
    nudge_keys,
    poc_on,
    said_privately,
    signed_off,
    sweep_on,
    weekdays,
)

END = MON + timedelta(days=14)  # Monday 15 March: the read-out


async def test_closed_won_goes_quiet_for_15_business_days_and_frees_the_channel(
    sb: Sandbox,
) -> None:
    poc = await poc_on(sb)
    sb.clock.set(local(END, 11))
    await signed_off(sb, poc)
    # Were it not closed, the clock would have something to say: ask for the outcome. (The
    # kickoff and mid-point nobody ticked are history after the end date: not reminded.)
    report = await sweep_on(sb, END + timedelta(days=7))
    assert [n.key for d in report.plan for n in d.nudges] == ["outcome_due"]

    sb.clock.set(local(END + timedelta(days=7), 11))
    said = await said_privately(sb, AE, "close won Three-year order signed")
    assert "Closed: Globex — won" in said and f"<#{DEAL}> is free" in said
    closed = await load(sb, poc.id)
    assert (closed.status, closed.closed_by, closed.close_note) == (
        Status.won,
        AE,
        "Three-year order signed",
    )
    # No criterion was ever set: AT RISK at kickoff, frozen by the first sweep after it.
    assert (closed.kickoff_verdict, closed.closed_at) == (Go.at_risk.value, sb.clock.now)
    assert closed.kickoff_verdict_at is not None and closed.kickoff_verdict_at < closed.closed_at
    last_word = sb.slack.posts(DEAL)[-1]
    assert "evaluation is complete" in last_word.text and f"<@{SE}>" in last_word.text
    assert "won" not in last_word.text.lower() and "Three-year" not in last_word.text

    before = len(everything(sb))
    for day in weekdays(END + timedelta(days=8), 15):
        report = await sweep_on(sb, day)
        assert (report.pocs, report.due, report.delivery.messages) == (0, 0, 0), day
    assert len(everything(sb)) == before, "nothing posted anywhere for 15 business days"

    said = await said_privately(sb, CHAMPION, "status")
    assert "was closed" in said and "`/poc new`" in said and "won" not in said
    await sb.client.open_home(SE)
    home = await sb.slack.wait_for(lambda: sb.slack.home.get(SE))
    assert "History" in str(home["blocks"]) and "_won_" in str(home["blocks"])

    again = await create_poc(sb, prospect="Globex, phase 2")
    assert again.id != poc.id and again.channel_id == DEAL
    assert (await live_poc(sb)) == again


async def test_a_poc_closed_after_its_nudges_were_planned_posts_none_of_them(sb: Sandbox) -> None:
    poc = await poc_on(sb)
    now = local(MON + timedelta(days=1))  # Tuesday: kickoff is overdue, the exec unbriefed…
    due = await plan(sb.db, now, teams=[sb.slack.team_id])
    assert [d.poc.id for d in due] == [poc.id] and due[0].nudges
    sb.clock.set(now)
    await said_privately(sb, SE, "close lost They chose the incumbent")
    place(due, {DEAL: False})
    assert await _claim(sb.db, due, now) == [], "a POC closed meanwhile is not claimed"


async def test_a_replayed_close_closes_once(sb: Sandbox) -> None:
    poc = await poc_on(sb)
    before = len(sb.slack.posts(DEAL))
    await replayed(sb, sb.client.command_body(SE, DEAL, "close no-decision Budget frozen"), times=3)
    await settled()
    assert len(sb.slack.posts(DEAL)) == before + 1, "one closing line"
    async with sb.db.session() as s:
        events = (await s.exec(sa.select(m.PocEvent.kind))).all()
    assert [e[0] for e in events] == ["closed"]
    assert (await load(sb, poc.id)).status == Status.no_decision


async def test_bad_input_and_people_who_may_not_close_change_nothing(sb: Sandbox) -> None:
    poc = await poc_on(sb, evaluators=[OUTSIDER])
    for text in ("close", "close maybe", "close won-ish great"):
        said = await said_privately(sb, SE, text)
        assert said.startswith("Say how it ended"), (text, said)
    for user, team in ((CHAMPION, PROSPECT_TEAM), (OUTSIDER, None)):
        for text, act in (
            ("close won", Act.close),
            ("pause Budget review", Act.pause),
            ("extend", Act.extend),
            ("move", Act.move_date),
            ("resume", Act.resume),
            ("history", Act.see_history),
        ):
            said = await said_privately(sb, user, text, team_id=team)
            assert said.startswith(f"Sorry — only {who_may(act)} can "), (user, text, said)
    # …nor through a button: the outcome nudge's [Won], clicked by the prospect.
    nudge = sb.slack.say(DEAL, sb.slack.bot_user_id, "an outcome nudge")
    click = sb.client.click_payload(
        CHAMPION, action_id="lifecycle_won", value=f"{poc.id}:outcome_due", message=nudge
    )
    click["user"]["team_id"] = PROSPECT_TEAM
    await sb.client.send(interaction(click), content_type="application/x-www-form-urlencoded")
    await sb.slack.wait_for(lambda: sb.slack.ephemerals(CHAMPION))
    await settled()
    assert sb.slack.opened[1:] == []
    assert await load(sb, poc.id) == poc


async def test_the_outcome_is_asked_after_the_commercial_step_and_a_button_closes_it(
    sb: Sandbox,
) -> None:
    poc = await poc_on(sb)
    sb.clock.set(local(END, 11))
    await signed_off(sb, poc)
    asked = []
    for day in weekdays(END + timedelta(days=1), 10):
        report = await sweep_on(sb, day)
        asked += [day for d in report.plan for n in d.nudges if n.kind.value == "outcome_due"]
    # 5 business days after the sign-off, then weekly.
    assert asked == [END + timedelta(days=7), END + timedelta(days=14)]
    # Internal: the deal channel has nobody from outside here, so it may go there.
    nudge = next(m for m in everything(sb) if "outcome_due" in nudge_keys(m))
    assert "[Won]" not in nudge.text and "what was the outcome" in str(nudge.blocks)
    sb.clock.set(local(END + timedelta(days=14), 11))
    await sb.client.click(
        AE, action_id="lifecycle_won", value=f"{poc.id}:outcome_due", message=nudge
    )
    await sb.slack.wait_for(lambda: nudge.edited)
    assert "Won — closed by" in str(nudge.blocks)
    closed = await load(sb, poc.id)
    assert (closed.status, closed.closed_by) == (Status.won, AE)
