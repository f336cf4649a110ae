"""A captured signed request sent again within Slack's five minutes changes nothing; events
that arrive twice (Slack's retries, or two at once) post the kickoff once."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from bot.sandbox.harness import Sandbox
from handlers.guard import settled
from storage import models as m
from tests.e2e.conftest import AE, CHAMPION, DEAL, SE
from tests.e2e.journeys import NEW_POC, create_poc, interaction, live_poc, load, replayed

GOOD = "Ingests 500 GB of JSON logs within 1 hour without dropping records"


async def test_a_replayed_park_is_stored_once(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    posts = len(sb.slack.posts(DEAL))
    replies = await replayed(sb, sb.client.command_body(SE, DEAL, "park SSO via Okta"))
    assert [r.status for r in replies] == [200, 200]
    await settled()
    assert [p.text for p in (await load(sb, poc.id)).parked] == ["SSO via Okta"]
    assert len(sb.slack.posts(DEAL)) == posts + 1


async def test_replayed_submissions_are_stored_once(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    criteria = await sb.open_modal(SE, DEAL, "criteria")
    checkin = await sb.open_modal(SE, DEAL, "checkin")
    for view, answers in [
        (criteria, {"use_case": str(poc.use_cases[0].id), "statement": GOOD, "method": "Timed"}),
        (checkin, {"held_on": "today", "format": "call", "summary": "Demo", "health": "green"}),
    ]:
        body = interaction(sb.client.submission_payload(SE, view, answers))
        replies = await replayed(sb, body, times=3)
        assert [(r.status, r.text) for r in replies] == [(200, "")] * 3  # each closes the modal
    await settled()
    poc = await load(sb, poc.id)
    assert [c.statement for c in poc.criteria] == [GOOD]
    assert [c.summary for c in poc.checkins] == ["Demo"]
    assert sum(GOOD in m.text for m in sb.slack.posts(DEAL)) == 1


async def test_a_replayed_sponsor_engagement_is_logged_once(sb: Sandbox) -> None:
    poc = await create_poc(sb, exec_briefed=[])
    view = await sb.open_modal(SE, DEAL, "sponsor")
    who = next(
        o["value"]
        for b in view["blocks"]
        if b.get("block_id") == "who"
        for o in b["element"]["options"]
        if o["value"].startswith("exec_sponsor:")
    )
    answers = {"who": who, "kind": "briefing", "held_on": "today", "outcome": "Budget holds"}
    await replayed(sb, interaction(sb.client.submission_payload(SE, view, answers)))
    await settled()
    assert [e.outcome for e in (await load(sb, poc.id)).engagements] == ["Budget holds"]


async def test_a_replayed_new_poc_creates_one_poc_and_one_kickoff(sb: Sandbox) -> None:
    view = await sb.open_modal(SE, DEAL, "new")
    body = interaction(sb.client.submission_payload(SE, view, NEW_POC))
    assert [r.text for r in await replayed(sb, body)] == ["", ""]
    await settled()
    poc = await live_poc(sb)
    assert poc is not None and poc.prospect == "Globex"
    assert len(sb.slack.posts(DEAL)) == 1, "one kickoff"
    assert len(sb.slack.posts(SE)) == 1, "one verdict"


async def test_a_replayed_readout_and_agreement_count_once(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    before = len(sb.slack.posts(DEAL))
    await replayed(sb, sb.client.command_body(SE, DEAL, "readout"))
    await settled()
    (readout,) = sb.slack.posts(DEAL)[before:]
    assert "Read-out" in readout.text

    agree = sb.client.click_payload(
        CHAMPION, action_id="readout_agree", value=str(poc.id), message=readout
    )
    await replayed(sb, interaction(agree), times=3)
    await settled()
    replies = [m for m in sb.slack.posts(DEAL) if m.thread_ts == readout.ts]
    # Said once; the champion alone does not sign it off (a sponsor must agree too).
    assert len(replies) == 1 and f"<@{CHAMPION}> agreed" in replies[0].text
    assert f"<@{AE}>" not in replies[0].text
    async with sb.db.session() as s:
        answers = (
            await s.exec(select(m.ReadoutAnswer).where(m.ReadoutAnswer.poc_id == poc.id))
        ).all()
    assert [(a.user_id, a.agreed) for a in answers] == [(CHAMPION, True)]


async def test_the_kickoff_is_posted_once_whatever_events_arrive(sb: Sandbox) -> None:
    sb.slack.set_channel(DEAL, is_private=True)  # the bot must be invited: no kickoff yet
    view = await sb.open_modal(SE, DEAL, "new")
    assert await sb.submit(SE, view, NEW_POC) == {}
    await sb.slack.wait_for(lambda: sb.slack.posts(SE))
    await settled()
    assert sb.slack.posts(DEAL) == []

    sb.slack.channels[DEAL].members.add(sb.slack.bot_user_id)  # /invite @pocbot
    joined = {"type": "member_joined_channel", "user": sb.slack.bot_user_id, "channel": DEAL}
    # Slack's retry of one event back to back with the original, and the same join told
    # twice under different event ids, all at once.
    replies = await asyncio.gather(
        sb.client.event(joined, event_id="EvJOIN1"),
        sb.client.event(joined, event_id="EvJOIN1", retry=1),
        sb.client.event(joined, event_id="EvJOIN2"),
    )
    assert [r.status for r in replies] == [200, 200, 200]
    await settled()
    (kickoff,) = sb.slack.posts(DEAL)
    assert "Globex" in kickoff.text
    poc = await live_poc(sb)
    assert poc is not None
    await sb.client.event(joined, event_id="EvJOIN3")  # invited again later: still once
    await settled()
    assert len(sb.slack.posts(DEAL)) == 1
