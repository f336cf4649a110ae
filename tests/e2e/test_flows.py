"""Check-ins, sponsor engagements, park, status, read-out, App Home and nudge buttons,
end to end over signed HTTP."""

from __future__ import annotations

from bot.domain import MilestoneKind, ScopeResolution, Status
from bot.sandbox.harness import Sandbox
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import sweep
from tests.blockkit import assert_inert
from tests.e2e.conftest import AE, CHAMPION, DEAL, OUTSIDER, SE
from tests.e2e.journeys import create_poc, eventually, load

INJECTION = "<!channel> <https://evil.example|x>"


async def test_checkin_is_stored_and_posted(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    view = await sb.open_modal(SE, DEAL, "checkin")
    assert view["callback_id"] == "poc_checkin"
    answers = {
        "held_on": "today",
        "format": "call",
        "attendees": [CHAMPION, SE],
        "sponsor_present": ["yes"],
        "summary": f"Ingestion at 410 GB/h {INJECTION}",
        "blockers": INJECTION,
        "health": "yellow",
    }
    before = len(sb.slack.posts(DEAL))
    assert await sb.submit(SE, view, answers) == {}
    posted = await sb.next_post(DEAL, after=before)
    assert "410 GB/h" in posted.text
    # The prospect reads the deal channel: the SE's rating and how it counts go to the SE alone.
    assert "🟡" not in str(posted.blocks) and "sponsor engagement" not in str(posted.blocks)
    (note,) = await sb.slack.wait_for(lambda: sb.slack.ephemerals(SE))
    assert "🟡" in note.text and "counts as sponsor engagement" in note.text
    assert_inert([posted], "<!channel>", "<https://evil")
    (checkin,) = (await load(sb, poc.id)).checkins
    assert (checkin.format.value, checkin.sponsor_present, checkin.health.value) == (
        "call",
        True,
        "yellow",
    )


async def test_checkin_errors_are_inline(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    view = await sb.open_modal(SE, DEAL, "checkin")
    for answers, block in [
        ({"held_on": "someday maybe", "summary": "x"}, "held_on"),
        ({"held_on": "tomorrow", "summary": "x"}, "held_on"),
        ({"held_on": "today"}, "summary"),
    ]:
        ack = await sb.submit(SE, view, {"format": "meeting", "health": "green", **answers})
        assert block in ack["errors"], (answers, ack)
    assert (await load(sb, poc.id)).checkins == ()


async def test_sponsor_briefing_is_internal_and_briefs_the_exec(sb: Sandbox) -> None:
    sb.slack.set_channel(DEAL, is_ext_shared=True)
    poc = await create_poc(sb, exec_briefed=[])
    assert poc.people  # the exec is named but not briefed
    view = await sb.open_modal(SE, DEAL, "sponsor")
    exec_option = next(
        o["value"]
        for b in view["blocks"]
        if b.get("block_id") == "who"
        for o in b["element"]["options"]
        if o["value"].startswith("exec_sponsor:")
    )
    dm_before = len(sb.slack.posts(SE))
    answers = {"who": exec_option, "kind": "briefing", "held_on": "today", "outcome": INJECTION}
    assert await sb.submit(SE, view, answers) == {}
    note = await sb.next_post(SE, after=dm_before)
    assert "Sponsor engagement" in str(note.blocks)
    assert_inert([note], "<!channel>")
    assert len(sb.slack.posts(DEAL)) == 1, "nothing internal in the shared deal channel"
    exec_sponsor = next(
        p for p in (await load(sb, poc.id)).stakeholders if p.role == "exec_sponsor"
    )
    assert exec_sponsor.briefed_at is not None


async def test_park_and_status(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    reply = await sb.command(SE, DEAL, "park")
    assert "Say what to park" in reply.json()["text"]
    await sb.command(SE, DEAL, f"park SSO via Okta {INJECTION}")
    parked = await sb.next_post(DEAL, after=1)
    assert "Phase 2" in parked.text
    assert_inert([parked], "<!channel>")
    assert [p.text for p in (await load(sb, poc.id)).parked] == [f"SSO via Okta {INJECTION}"]

    await sb.command(SE, DEAL, "status")
    response = await sb.slack.wait_for(lambda: sb.slack.responses)
    assert "Globex" in response[-1]["text"]
    assert "(internal)" in str(response[-1]["blocks"]), "the SE sees the qualification"
    await sb.command(CHAMPION, DEAL, "status")
    response = await sb.slack.wait_for(lambda: len(sb.slack.responses) > 1 and sb.slack.responses)
    assert "(internal)" not in str(response[-1]["blocks"])


async def test_readout_and_signoff_hands_over_to_the_ae(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    before = len(sb.slack.posts(DEAL))
    await sb.command(SE, DEAL, "readout")
    readout = await sb.next_post(DEAL, after=before)
    assert "Read-out" in readout.text and "business pain" in str(readout.blocks)

    await sb.client.click(OUTSIDER, action_id="readout_agree", value=str(poc.id), message=readout)
    told = await sb.slack.wait_for(lambda: sb.slack.ephemerals(OUTSIDER))
    assert "sponsors" in told[0].text

    await sb.client.click(CHAMPION, action_id="readout_agree", value=str(poc.id), message=readout)
    agreed = await sb.next_post(DEAL, after=before + 1)
    assert agreed.thread_ts == readout.ts and "also needs a business or executive" in agreed.text
    # The SE records the executive's answer given in the meeting: that completes it.
    opened = len(sb.slack.opened)
    await sb.client.click(SE, action_id="readout_agree", value=str(poc.id), message=readout)
    (modal,) = await sb.slack.wait_for(lambda: sb.slack.opened[opened:])
    exec_option = next(
        o["value"]
        for b in modal["blocks"]
        if b.get("block_id") == "who"
        for o in b["element"]["options"]
        if o["value"].startswith("exec_sponsor:")
    )
    assert await sb.submit(SE, modal, {"who": exec_option, "held_on": "today"}) == {}
    signoff = await sb.next_post(DEAL, after=before + 2)
    assert "Technically validated" in signoff.text and f"<@{AE}>" in signoff.text
    assert signoff.thread_ts == readout.ts
    poc = await load(sb, poc.id)
    assert poc.status == Status.readout and poc.signed_off_at is not None
    assert poc.milestone(MilestoneKind.signoff).done_at is not None  # type: ignore[union-attr]
    assert poc.milestone(MilestoneKind.readout).done_at is not None  # type: ignore[union-attr]


async def test_app_home_lists_the_users_pocs(sb: Sandbox) -> None:
    await create_poc(sb)
    await sb.client.open_home(CHAMPION)
    home = await sb.slack.wait_for(lambda: sb.slack.home.get(CHAMPION))
    assert "Globex" in str(home["blocks"])
    await sb.client.open_home(OUTSIDER)
    empty = await sb.slack.wait_for(lambda: sb.slack.home.get(OUTSIDER))
    assert "/poc new" in str(empty["blocks"])


async def test_nudge_buttons_and_foreign_values(sb: Sandbox) -> None:
    sb.clock.advance(days=1)  # Tuesday: kickoff is overdue, the milestone nudge is due
    poc = await create_poc(sb, start="yesterday")
    delivery = Delivery(sb.db, pacer=Pacer(0))
    report = await sweep(sb.db, sb.sweep_client, sb.clock.now, delivery=delivery)
    assert report.delivery.sent >= 1
    nudge = next(m for m in sb.slack.posts(DEAL) if m.metadata and "log_ids" in str(m.metadata))
    assert "milestone:kickoff" in str(nudge.blocks)

    # A value naming a POC of another workspace (or no POC) finds nothing and says so.
    await sb.client.click(
        SE, action_id="nudge_milestone_done", value="999:milestone:kickoff", message=nudge
    )
    await sb.slack.wait_for(lambda: sb.slack.ephemerals(SE))
    assert (await load(sb, poc.id)).milestone(MilestoneKind.kickoff).done_at is None  # type: ignore[union-attr]

    await sb.client.click(
        SE, action_id="nudge_milestone_done", value=f"{poc.id}:milestone:kickoff", message=nudge
    )
    await sb.slack.wait_for(lambda: nudge.edited >= 1)
    assert "marked done" in str(nudge.blocks)
    assert (await load(sb, poc.id)).milestone(MilestoneKind.kickoff).done_at is not None  # type: ignore[union-attr]

    await sb.client.click(
        SE, action_id="nudge_snooze", value=f"{poc.id}:exec_unbriefed", message=nudge
    )
    await eventually(lambda: _snoozed(sb, poc.id))


async def _snoozed(sb: Sandbox, poc_id: int) -> bool:
    return bool((await load(sb, poc_id)).snoozed_until)


async def test_scope_creep_buttons_park_the_change(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    sb.clock.advance(days=1)
    view = await sb.open_modal(SE, DEAL, "criteria")
    ack = await sb.submit(
        SE,
        view,
        {
            "use_case": "new",
            "new_use_case": "SSO via Okta",
            "statement": "Logs in 100 test users via Okta SSO within 5 minutes",
            "method": "Timed in the workshop",
        },
    )
    assert ack == {}
    await eventually(lambda: _changes(sb, poc.id))
    poc = await load(sb, poc.id)
    change = next(c for c in poc.scope_changes if c.kind.value == "use_case_added")
    nudge = sb.slack.say(DEAL, sb.slack.bot_user_id, "scope nudge")  # a message to click on
    await sb.client.click(AE, action_id="scope_park", value=f"{poc.id}:{change.id}", message=nudge)
    await eventually(lambda: _parked(sb, poc.id))
    poc = await load(sb, poc.id)
    assert (
        next(c for c in poc.scope_changes if c.id == change.id).resolution == ScopeResolution.parked
    )
    assert [p.text for p in poc.parked] == ["SSO via Okta"]


async def _changes(sb: Sandbox, poc_id: int) -> bool:
    return bool((await load(sb, poc_id)).scope_changes)


async def _parked(sb: Sandbox, poc_id: int) -> bool:
    return bool((await load(sb, poc_id)).parked)
