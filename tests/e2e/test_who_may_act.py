"""Who may act (bot.rules `may`), end to end: in a channel shared with the prospect, only
our side changes the plan; people not on a POC neither change nor see it."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest

from bot.rules import Act, who_may
from bot.sandbox.harness import Sandbox
from handlers.guard import settled
from handlers.request import NO_POC_HERE
from tests.e2e.conftest import CHAMPION, DEAL, OUTSIDER, SE
from tests.e2e.journeys import FORM, NEW_POC, create_poc, eventually, interaction, live_poc, load

PROSPECT_TEAM = "TGLOBEX"  # the champion's own workspace, across Slack Connect


async def answer(sb: Sandbox, user_id: str, text: str, *, team_id: str | None = None) -> str:
    """`/poc <text>` as `user_id` (from `team_id`'s workspace): what they are told privately."""
    fields = {k: v[0] for k, v in parse_qs(sb.client.command_body(user_id, DEAL, text)).items()}
    if team_id:
        fields["team_id"] = team_id
    reply = await sb.client.send(urlencode(fields), content_type=FORM)
    assert reply.status == 200
    if reply.text:
        return str(reply.json()["text"])
    key = fields["response_url"].rsplit("/", 1)[1]
    said = await sb.slack.wait_for(
        lambda: next((r for r in sb.slack.responses if r["key"] == key), None)
    )
    return str(said["text"])


async def with_scope_change(sb: Sandbox) -> tuple[int, int]:
    """A POC whose scope grew after kickoff: (poc id, scope change id)."""
    poc = await create_poc(sb)
    sb.clock.advance(days=1)
    view = await sb.open_modal(SE, DEAL, "criteria")
    ack = await sb.submit(
        SE,
        view,
        {
            "use_case": "new",
            "new_use_case": "SSO via Okta",
            "statement": "Logs in 100 users in 5 min",
        },
    )
    assert ack == {}

    async def change() -> int | None:
        found = (await load(sb, poc.id)).scope_changes
        return found[0].id if found else None

    return poc.id, await eventually(change)


@pytest.mark.parametrize(
    ("action_id", "value", "act"),
    [
        ("nudge_snooze", "{poc}:cadence", Act.snooze),
        ("nudge_milestone_done", "{poc}:milestone:kickoff", Act.mark_done),
        ("scope_park", "{poc}:{change}", Act.resolve_scope),
        ("scope_accept", "{poc}:{change}", Act.resolve_scope),
        ("nudge_sponsor", "{poc}", Act.log_engagement),
        ("nudge_readout", "{poc}:readout_ready", Act.post_readout),
        ("status_criteria", "{poc}", Act.add_criterion),
    ],
)
async def test_a_prospects_click_on_a_plan_changing_button_changes_nothing(
    sb: Sandbox, action_id: str, value: str, act: Act
) -> None:
    sb.slack.set_channel(DEAL, is_ext_shared=True)
    poc_id, change_id = await with_scope_change(sb)
    await settled()
    nudge = sb.slack.say(DEAL, sb.slack.bot_user_id, "a nudge")
    before, posts, opened = await load(sb, poc_id), len(sb.slack.posts(DEAL)), len(sb.slack.opened)

    click: dict[str, Any] = sb.client.click_payload(
        CHAMPION,
        action_id=action_id,
        value=value.format(poc=poc_id, change=change_id),
        message=nudge,
    )
    click["user"]["team_id"] = PROSPECT_TEAM
    reply = await sb.client.send(interaction(click), content_type=FORM)
    assert (reply.status, reply.text) == (200, "")

    (told,) = await sb.slack.wait_for(lambda: sb.slack.ephemerals(CHAMPION))
    assert told.text.startswith(f"Sorry — only {who_may(act)} can ")
    assert f"<@{SE}> runs this POC" in told.text
    await settled()
    assert await load(sb, poc_id) == before
    assert (len(sb.slack.posts(DEAL)), len(sb.slack.opened), nudge.edited) == (posts, opened, 0)


async def test_commands_say_who_may_use_them(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    for text, act in [
        ("criteria", Act.add_criterion),
        ("checkin", Act.log_checkin),
        ("status", Act.see_status),
        ("sponsor", Act.log_engagement),
        ("park SSO via Okta", Act.park),
        ("readout", Act.post_readout),
    ]:
        # Someone of our workspace who is not on this POC.
        said = await answer(sb, OUTSIDER, text)
        assert said.startswith(f"Sorry — only {who_may(act)} can "), (text, said)
    for text, act in [
        ("criteria", Act.add_criterion),
        ("sponsor", Act.log_engagement),
        ("park SSO via Okta", Act.park),
        ("readout", Act.post_readout),
    ]:
        # The prospect's champion, from their own workspace: on the POC, not on our side.
        said = await answer(sb, CHAMPION, text, team_id=PROSPECT_TEAM)
        assert said.startswith(f"Sorry — only {who_may(act)} can "), (text, said)
    await settled()
    after = await load(sb, poc.id)
    assert (after.parked, after.readout_posted_at, sb.slack.opened[1:]) == ((), None, [])

    # What the champion may do: see the scoreboard (without the internal lines), log a check-in.
    assert "Globex" in await answer(sb, CHAMPION, "status", team_id=PROSPECT_TEAM)
    opened = len(sb.slack.opened)
    assert (await sb.command(CHAMPION, DEAL, "checkin")).status == 200
    view = await sb.slack.wait_for(lambda: sb.slack.opened[opened:])
    assert view[0]["callback_id"] == "poc_checkin"


async def test_a_user_of_another_team_starts_no_poc(sb: Sandbox) -> None:
    said = await answer(sb, CHAMPION, "new", team_id=PROSPECT_TEAM)
    assert said.startswith(f"Sorry — only {who_may(Act.start_poc)} can start a POC")
    assert sb.slack.calls_to("views.open") == []
    # Nor through a modal they never got: a submission replayed from our SE's modal.
    view = await sb.open_modal(SE, DEAL, "new")
    submission = sb.client.submission_payload(CHAMPION, view, NEW_POC)
    submission["user"]["team_id"] = PROSPECT_TEAM
    reply = await sb.client.send(interaction(submission), content_type=FORM)
    assert reply.json()["errors"]["prospect"].startswith("Sorry — only anyone in our workspace")
    assert await live_poc(sb) is None
    # On no POC at all, the other commands say there is none.
    assert await answer(sb, CHAMPION, "checkin", team_id=PROSPECT_TEAM) == NO_POC_HERE


async def test_submissions_check_who_may_act(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    checkin = await sb.open_modal(SE, DEAL, "checkin")
    criteria = await sb.open_modal(SE, DEAL, "criteria")
    sponsor = await sb.open_modal(SE, DEAL, "sponsor")
    for user_id, view, answers, act in [
        (
            OUTSIDER,
            checkin,
            {"held_on": "today", "format": "call", "summary": "x", "health": "green"},
            Act.log_checkin,
        ),
        (
            CHAMPION,
            criteria,
            {"use_case": str(poc.use_cases[0].id), "statement": "Loads 1 TB in 1 hour"},
            Act.add_criterion,
        ),
        (CHAMPION, sponsor, {"kind": "briefing", "held_on": "today"}, Act.log_engagement),
    ]:
        ack = await sb.submit(user_id, view, answers)
        (error,) = ack["errors"].values()
        assert error.startswith(f"Sorry — only {who_may(act)} can "), (user_id, ack)
    assert await sb.submit(CHAMPION, checkin, {"held_on": "today", "summary": "Demo"}) == {}
    await settled()
    after = await load(sb, poc.id)
    assert ([c.summary for c in after.checkins], after.criteria, after.engagements) == (
        ["Demo"],
        (),
        (),
    )


async def test_app_home_status_is_for_people_on_the_poc(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    reply = await sb.client.click(
        OUTSIDER, action_id="home_status", value=str(poc.id), view={"id": "VHOME"}
    )
    assert reply.status == 200
    (told,) = await sb.slack.wait_for(lambda: sb.slack.posts(OUTSIDER))
    assert told.text.startswith(f"Sorry — only {who_may(Act.see_status)} can see")
    assert sb.slack.opened[1:] == []
