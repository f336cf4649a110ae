"""Payloads with the fields Slack may leave out: answered like any bad input, never a 500."""

from __future__ import annotations

from typing import Any

from bot.sandbox.harness import Sandbox
from handlers.guard import settled
from handlers.request import NOT_YOURS
from tests.e2e.conftest import DEAL, SE
from tests.e2e.journeys import FORM, create_poc, interaction, live_poc, load


def without_values(payload: dict[str, Any]) -> dict[str, Any]:
    """`view.state` with no `values`: a shape from bolt-python's own tests."""
    payload["view"]["state"] = {}
    return payload


async def test_a_new_poc_submission_without_values_gets_field_errors(sb: Sandbox) -> None:
    view = await sb.open_modal(SE, DEAL, "new")
    for payload in [
        without_values(sb.client.submission_payload(SE, view, {})),
        {**sb.client.submission_payload(SE, view, {}), "view": {**view, "state": None}},
    ]:
        reply = await sb.client.send(interaction(payload), content_type=FORM)
        assert reply.status == 200
        assert {"prospect", "channel", "use_cases"} <= set(reply.json()["errors"])
    assert await live_poc(sb) is None


async def test_every_submission_without_values_gets_field_errors(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    for command, expected in [
        ("criteria", {"use_case", "statement"}),
        ("checkin", {"summary"}),
        ("sponsor", {"who"}),
    ]:
        view = await sb.open_modal(SE, DEAL, command)
        payload = without_values(sb.client.submission_payload(SE, view, {}))
        reply = await sb.client.send(interaction(payload), content_type=FORM)
        assert reply.status == 200, command
        assert expected <= set(reply.json()["errors"]), (command, reply.text)
    after = await load(sb, poc.id)
    assert (after.criteria, after.checkins, after.engagements) == ((), (), ())


async def test_a_bare_click_and_bare_events_are_answered(sb: Sandbox) -> None:
    # A button with no value, outside any channel or message.
    click = sb.client.click_payload(SE, action_id="nudge_snooze")
    del click["actions"][0]["value"]
    reply = await sb.client.send(interaction(click), content_type=FORM)
    assert (reply.status, reply.text) == (200, "")
    (told,) = await sb.slack.wait_for(lambda: sb.slack.posts(SE))
    assert told.text == NOT_YOURS
    # Events without the fields our listeners read.
    for event in [
        {"type": "member_joined_channel", "user": sb.slack.bot_user_id},
        {"type": "message", "user": SE, "text": "hi"},
        {"type": "app_home_opened", "tab": "home"},
    ]:
        assert (await sb.client.event(event)).status == 200, event
    await settled()


async def test_a_submission_without_a_view_id_is_still_handled(sb: Sandbox) -> None:
    """No view id: no replay key, so it is stored like any first submission."""
    poc = await create_poc(sb)
    view = await sb.open_modal(SE, DEAL, "checkin")
    answers = {"held_on": "today", "format": "call", "summary": "Demo", "health": "green"}
    payload = sb.client.submission_payload(SE, view, answers)
    del payload["view"]["id"], payload["view"]["hash"]
    reply = await sb.client.send(interaction(payload), content_type=FORM)
    assert (reply.status, reply.text) == (200, "")
    await settled()
    assert [c.summary for c in (await load(sb, poc.id)).checkins] == ["Demo"]
