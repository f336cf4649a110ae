"""`/poc new` end to end: the modal, inline errors, the kickoff, the private verdict."""

from __future__ import annotations

import time

from bot.domain import MilestoneKind, Role
from bot.sandbox.harness import Sandbox
from tests.blockkit import assert_inert
from tests.e2e.conftest import AE, CHAMPION, DEAL, SE
from tests.e2e.journeys import NEW_POC, create_poc, live_poc

INJECTION = "<!channel> <https://evil.example|click me> & co"


async def test_help_for_empty_unknown_and_help(sb: Sandbox) -> None:
    for text, expect in [("", "/poc new"), ("help", "/poc new"), ("frobnicate", "frobnicate")]:
        reply = await sb.command(SE, DEAL, text)
        assert reply.status == 200
        body = reply.json()
        assert body["response_type"] == "ephemeral"
        assert expect in body["text"]
    assert await live_poc(sb) is None


async def test_forged_and_stale_signatures_are_refused_and_store_nothing(sb: Sandbox) -> None:
    body = sb.client.command_body(SE, DEAL, "new")
    kind = "application/x-www-form-urlencoded"
    forged = await sb.client.send(body, content_type=kind, secret="not-the-secret")
    stale = await sb.client.send(body, content_type=kind, timestamp=int(time.time()) - 600)
    assert (forged.status, stale.status) == (401, 401)
    submission = sb.client.submission_payload(
        SE, {"type": "modal", "callback_id": "poc_new", "blocks": []}, {}
    )
    assert (await sb.client.interact(submission)).status == 200  # the signed one goes through
    assert sb.slack.calls_to("views.open") == []
    assert await live_poc(sb) is None


async def test_new_poc_kickoff_and_private_verdict(sb: Sandbox) -> None:
    view = await sb.open_modal(SE, DEAL, "new")
    assert view["callback_id"] == "poc_new"
    assert {b["block_id"] for b in view["blocks"]} >= set(NEW_POC)
    assert await sb.submit(SE, view, NEW_POC) == {}

    kickoff = await sb.next_post(DEAL, after=0)
    assert "Globex" in kickoff.text
    assert sb.slack.calls_to("conversations.join"), "joins the public deal channel"
    verdict = await sb.next_post(SE, after=0)
    await sb.next_post(AE, after=0)
    assert "GO" in verdict.text.upper()
    # The verdict is internal: it never appears in the deal channel.
    assert all("qualif" not in m.text.lower() for m in sb.slack.posts(DEAL))

    poc = await live_poc(sb)
    assert poc is not None
    assert poc.prospect == "Globex"
    assert [u.title for u in poc.use_cases] == NEW_POC["use_cases"].splitlines()
    assert {m.kind for m in poc.milestones} == set(MilestoneKind)
    assert poc.person(Role.champion).user_id == CHAMPION  # type: ignore[union-attr]
    assert poc.person(Role.se).user_id == SE  # type: ignore[union-attr]
    assert poc.tz == "America/New_York"  # from the SE's Slack profile


async def test_inline_errors_keep_the_modal_and_store_nothing(sb: Sandbox) -> None:
    view = await sb.open_modal(SE, DEAL, "new")
    cases = [
        ({"end": "when pigs fly"}, "end"),
        ({"start": "in 3 weeks", "end": "tomorrow"}, "end"),
        ({"use_cases": None}, "use_cases"),
        ({"channel": None}, "channel"),
        ({"prospect": None}, "prospect"),
    ]
    for change, block_id in cases:
        ack = await sb.submit(SE, view, {**NEW_POC, **change})
        assert ack["response_action"] == "errors", change
        assert block_id in ack["errors"], (change, ack)
        assert await live_poc(sb) is None
    assert await sb.submit(SE, view, NEW_POC) == {}
    assert await sb.next_post(DEAL, after=0)


async def test_user_text_is_escaped_in_everything_posted(sb: Sandbox) -> None:
    await create_poc(
        sb,
        prospect=INJECTION,
        pain=INJECTION,
        use_cases=f"{INJECTION}\nSecond use case",
        exec_sponsor=INJECTION,
        business_sponsor=INJECTION,
    )
    posted = sb.slack.posts(None, ephemeral=None)
    assert len(posted) >= 3  # kickoff, verdict to the SE and to the AE
    assert_inert(posted, "<!channel>", "<https://evil")
    assert "&lt;!channel&gt;" in str(sb.slack.posts(DEAL)[0].blocks)


async def test_private_channel_waits_for_an_invitation(sb: Sandbox) -> None:
    sb.slack.add_channel("GSECRET", "deal-secret", members=(SE,), bot_member=False, is_private=True)
    view = await sb.open_modal(SE, "GSECRET", "new")
    assert await sb.submit(SE, view, {**NEW_POC, "channel": "GSECRET"}) == {}
    note = await sb.slack.wait_for(lambda: sb.slack.posts(SE) or sb.slack.ephemerals(SE))
    assert "/invite" in note[0].text
    assert sb.slack.posts("GSECRET") == []
    # Once invited, the kickoff follows.
    await sb.client.join(sb.slack.bot_user_id, "GSECRET")
    kickoff = await sb.next_post("GSECRET", after=0)
    assert "Globex" in kickoff.text


async def test_shared_channel_never_gets_the_verdict(sb: Sandbox) -> None:
    sb.slack.set_channel(DEAL, is_ext_shared=True)
    await create_poc(sb)
    assert len(sb.slack.posts(DEAL)) == 1  # the kickoff only
    assert sb.slack.posts(SE) and sb.slack.posts(AE)


async def test_one_live_poc_per_channel(sb: Sandbox) -> None:
    await create_poc(sb)
    view = await sb.open_modal(SE, DEAL, "new")
    ack = await sb.submit(SE, view, {**NEW_POC, "prospect": "Initech"})
    assert ack["response_action"] == "errors"
    assert "Globex" in ack["errors"]["channel"]


async def test_commands_outside_a_poc_channel_say_so(sb: Sandbox) -> None:
    reply = await sb.command(SE, DEAL, "criteria")
    assert reply.status == 200
    response = await sb.slack.wait_for(lambda: sb.slack.responses)
    assert "no POC" in response[0]["text"]
