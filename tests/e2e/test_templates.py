"""POC templates end to end, through the real server on SQLite and PostgreSQL: a POC saved as
a template round-trips into a new POC in another channel — the `/poc new` picker fills the use
cases (views.update), the POC is created with them, and `/poc criteria` offers the template's
criteria; bad input and people who may not get a clear private answer, and nothing changes."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest

from bot.domain import Template
from bot.rules import MAX_TEMPLATES, Act, who_may
from bot.sandbox.harness import Sandbox
from bot.sandbox.signing import state_values
from bot.views.templates import OFFER_BLOCK, PICK_OFFER, PICK_TEMPLATE, TEMPLATE_BLOCK
from bot.workspace import parse
from handlers.guard import settled
from handlers.request import NO_POC_HERE
from storage import templates, workspace
from tests.e2e.conftest import AE, CHAMPION, DEAL, MONDAY_9AM_NY, OUTSIDER, SE
from tests.e2e.journeys import FORM, NEW_POC, create_poc, eventually, live_poc, load

NEXT = "CNEXT"  # the deal channel of the next POC
GOOD = "Ingests 500 GB of JSON logs within 1 hour without dropping records"
METHOD = "Timed from the ingestion dashboard during the final workshop"
VAGUE = "The dashboards should be fast and easy to use"
PARKED = "Logs in 100 users within 5 minutes"
PROSPECT_TEAM = "TGLOBEX"


async def say(sb: Sandbox, user_id: str, text: str, *, channel: str = DEAL, **fields: str) -> dict:
    """`/poc <text>` typed by `user_id`: the private answer (the ack's, or the response_url's)."""
    body = {k: v[0] for k, v in parse_qs(sb.client.command_body(user_id, channel, text)).items()}
    body.update(fields)
    reply = await sb.client.send(urlencode(body), content_type=FORM)
    assert reply.status == 200, reply.text
    if reply.text:
        return dict(reply.json())
    key = body["response_url"].rsplit("/", 1)[1]
    return await sb.slack.wait_for(
        lambda: next((r for r in sb.slack.responses if r["key"] == key), None)
    )


async def criterion(
    sb: Sandbox, use_case_id: int, statement: str, *, channel: str = DEAL, **more: Any
) -> None:
    view = await sb.open_modal(SE, channel, "criteria")
    answers = {"use_case": str(use_case_id), "statement": statement, "method": METHOD, **more}
    assert await sb.submit(SE, view, answers) == {}


async def pick(
    sb: Sandbox, view: dict[str, Any], *, block_id: str, action_id: str, option: dict[str, Any]
) -> dict[str, Any]:
    """Pick `option` in a select that dispatches its action (as Slack sends it): the modal as
    the bot updated it."""
    before = len(sb.slack.opened)
    payload = sb.client.click_payload(SE, action_id=action_id, block_id=block_id, view=view)
    payload["actions"] = [
        {
            "type": "static_select",
            "action_id": action_id,
            "block_id": block_id,
            "selected_option": option,
            "action_ts": "1700000000.000001",
        }
    ]
    values = state_values(
        {"blocks": [b for b in view["blocks"] if b.get("block_id") != block_id]}, {}
    )
    values[block_id] = {action_id: {"type": "static_select", "selected_option": option}}
    payload["view"]["state"] = {"values": values}
    reply = await sb.client.interact(payload)
    assert (reply.status, reply.text) == (200, "")
    updated = await sb.slack.wait_for(lambda: sb.slack.opened[before:])
    assert [u["how"] for u in updated] == ["update"]
    assert updated[0]["id"] == view["id"]
    return updated[0]


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def initial(view: dict[str, Any], block_id: str) -> str | None:
    return block(view, block_id)["element"].get("initial_value")


async def saved_templates(sb: Sandbox) -> list[Template]:
    async with sb.db.session() as s:
        return await templates.load_templates(session=s, team_id=sb.slack.team_id)


async def a_poc_worth_keeping(sb: Sandbox) -> int:
    """The Globex POC: a criterion per use case (one saved despite the linter), and a use case
    added after kickoff, with its criterion, parked for Phase 2."""
    poc = await create_poc(sb)
    ingest, deploy = poc.use_cases
    await criterion(sb, ingest.id, GOOD)
    await criterion(sb, deploy.id, VAGUE, method="", save_anyway=["yes"])
    sb.clock.advance(days=1)
    await criterion(sb, 0, PARKED, use_case="new", new_use_case="SSO via Okta")

    async def change() -> Any:
        return next(iter((await load(sb, poc.id)).scope_changes), None)

    added = await eventually(change)
    nudge = sb.slack.say(DEAL, sb.slack.bot_user_id, "scope nudge")
    await sb.client.click(AE, action_id="scope_park", value=f"{poc.id}:{added.id}", message=nudge)

    async def parked() -> bool:
        return any(u.parked for u in (await load(sb, poc.id)).use_cases)

    await eventually(parked)
    return poc.id


async def test_a_template_round_trips_into_a_new_poc(sb: Sandbox) -> None:
    sb.slack.add_channel(NEXT, "deal-initech", members=(SE, AE, CHAMPION), bot_member=False)
    # No templates yet: /poc new has no picker.
    assert TEMPLATE_BLOCK not in [
        b["block_id"] for b in (await sb.open_modal(SE, NEXT, "new"))["blocks"]
    ]
    await a_poc_worth_keeping(sb)

    said = await say(sb, SE, "template save   Security review  ")
    assert said["response_type"] == "ephemeral"
    assert said["text"].startswith(
        "📋 Saved the template *Security review*: 2 use cases, 2 criteria "
        "(1 flagged by the linter, the flag kept)."
    )
    assert f"Left out, parked for Phase 2: “{PARKED}”" in str(said["blocks"])
    (template,) = await saved_templates(sb)
    assert [
        (u.title, [(c.statement, c.method, c.lint_flags) for c in u.criteria])
        for u in template.use_cases
    ] == [
        ("Ingest 500 GB of JSON logs", [(GOOD, METHOD, ())]),
        ("Deploy via the CI/CD integration", [(VAGUE, "", ("subjective", "unmeasurable"))]),
    ]

    # Another channel: /poc new offers the template, and picking it fills the use cases.
    view = await sb.open_modal(SE, NEXT, "new")
    picker = block(view, TEMPLATE_BLOCK)
    assert picker["dispatch_action"] is True
    option = next(o for o in picker["element"]["options"] if o["value"] == str(template.id))
    assert option["text"]["text"] == "Security review (2 use cases, 2 criteria)"
    updated = await pick(sb, view, block_id=TEMPLATE_BLOCK, action_id=PICK_TEMPLATE, option=option)
    use_cases = initial(updated, "use_cases")
    assert use_cases == "Ingest 500 GB of JSON logs\nDeploy via the CI/CD integration"
    assert block(updated, "channel")["element"]["initial_conversation"] == NEXT

    answers = {
        **NEW_POC,
        "prospect": "Initech",
        "channel": NEXT,
        "use_cases": use_cases,  # as shown: the person submits what the template filled in
        TEMPLATE_BLOCK: str(template.id),
    }
    assert await sb.submit(SE, updated, answers) == {}
    await sb.slack.wait_for(lambda: sb.slack.posts(NEXT))
    initech = await eventually(lambda: live_poc(sb, NEXT))
    assert initech.prospect == "Initech"
    assert [u.title for u in initech.use_cases] == [u.title for u in template.use_cases]

    # /poc criteria offers the template's criteria, the first filled in.
    view = await sb.open_modal(SE, NEXT, "criteria")
    offers = block(view, OFFER_BLOCK)["element"]
    assert [g["label"]["text"] for g in offers["option_groups"]] == [
        u.title for u in template.use_cases
    ]
    assert (initial(view, "statement"), initial(view, "method")) == (GOOD, METHOD)
    ingest, deploy = initech.use_cases
    assert block(view, "use_case")["element"]["initial_option"]["value"] == str(ingest.id)

    # Picking the other one fills the fields from it, its flag shown.
    vague = offers["option_groups"][1]["options"][0]
    updated = await pick(sb, view, block_id=OFFER_BLOCK, action_id=PICK_OFFER, option=vague)
    assert (initial(updated, "statement"), initial(updated, "method")) == (VAGUE, None)
    assert block(updated, "use_case")["element"]["initial_option"]["value"] == str(deploy.id)
    assert "Saved in the template despite the linter" in block(updated, "statement")["hint"]["text"]
    filled = {"use_case": str(deploy.id), "statement": VAGUE, "save_anyway": ["yes"]}
    assert await sb.submit(SE, updated, filled) == {}

    # The next /poc criteria offers what is left; once all are added, no more offers.
    view = await sb.open_modal(SE, NEXT, "criteria")
    assert (initial(view, "statement"), initial(view, "method")) == (GOOD, METHOD)
    assert (
        await sb.submit(SE, view, {"use_case": str(ingest.id), "statement": GOOD, "method": METHOD})
        == {}
    )
    view = await sb.open_modal(SE, NEXT, "criteria")
    assert OFFER_BLOCK not in [b.get("block_id") for b in view["blocks"]]
    assert initial(view, "statement") is None

    async def both() -> Any:
        found = (await load(sb, initech.id)).criteria
        return found if len(found) == 2 else None

    added = await eventually(both)
    assert sorted((c.statement, c.method, c.lint_flags) for c in added) == sorted(
        [(GOOD, METHOD, ()), (VAGUE, "", ("subjective", "unmeasurable"))]
    )


async def test_bad_input_gets_a_clear_private_answer(sb: Sandbox) -> None:
    await a_poc_worth_keeping(sb)
    await settled()
    cases = [
        (SE, "template save", "Name the template. `/poc template save &lt;name&gt; [--replace]`"),
        (SE, "template save --replace", "Name the template."),
        (SE, "template save " + "x" * 41, "at most 40 characters (this one has 41)"),
        (SE, "template delete", "Name the template. `/poc template delete &lt;name&gt;`"),
        (SE, "template delete Nope", "No template is named *Nope*."),
        (SE, "template delete <!channel>", "No template is named *&lt;!channel&gt;*."),
        (SE, "template", "`/poc template save &lt;name&gt;` keeps this POC's use cases"),
        (SE, "template frobnicate", "`/poc template save &lt;name&gt;` keeps"),
        (SE, "template list", "The team has no templates yet."),
        (OUTSIDER, "template save Mine", f"Sorry — only {who_may(Act.save_template)} can "),
    ]
    for user_id, text, expected in cases:
        said = await say(sb, user_id, text)
        assert said["response_type"] == "ephemeral", text
        assert expected in said["text"], (text, said["text"])
    said = await say(sb, SE, "template save Mine", channel="CNOWHERE")
    assert said["text"] == NO_POC_HERE
    # A prospect's people (Slack Connect) never see the team's templates.
    said = await say(sb, CHAMPION, "template list", team_id=PROSPECT_TEAM)
    assert said["text"].startswith(f"Sorry — only {who_may(Act.use_templates)} can ")
    await settled()
    assert await saved_templates(sb) == []


async def test_a_name_is_replaced_only_when_asked_and_by_its_author_or_a_manager(
    sb: Sandbox,
) -> None:
    await a_poc_worth_keeping(sb)
    assert (await say(sb, SE, "template save Security review"))["text"].startswith("📋 Saved")
    (first,) = await saved_templates(sb)

    said = await say(sb, AE, "template save SECURITY  review")
    assert said["text"].startswith("A template named *Security review* already exists")
    assert "`/poc template save Security review --replace`" in said["text"]
    said = await say(sb, AE, "template save security review --replace")
    assert said["text"].startswith(f"Sorry — only <@{SE}>, who saved *Security review*")
    said = await say(sb, AE, "template delete Security Review")
    assert said["text"].startswith(f"Sorry — only <@{SE}>, who saved *Security review*")
    await settled()
    assert await saved_templates(sb) == [first]

    said = await say(sb, SE, "template save Security Review --replace")
    assert said["text"].startswith("📋 Replaced the template *Security Review*")
    (replaced,) = await saved_templates(sb)
    assert (replaced.id, replaced.name) == (first.id, "Security Review")

    listed = await say(sb, OUTSIDER, "template list")  # anyone of our team may look
    assert "*Security Review* — 2 use cases, 2 criteria" in str(listed["blocks"])

    # A sales manager may delete a colleague's template.
    async with sb.db.transaction() as s:
        await workspace.save_settings(
            session=s,
            team_id=sb.slack.team_id,
            values=dict([parse("managers", AE)]),
            by=None,
            now=MONDAY_9AM_NY,
        )
    said = await say(sb, AE, "template delete security review")
    assert said["text"].startswith("🗑️ Deleted the template *Security Review*")
    assert await saved_templates(sb) == []


@pytest.mark.parametrize("verb", ["save Late", "delete Late"])
async def test_a_replayed_command_changes_nothing_twice(sb: Sandbox, verb: str) -> None:
    await a_poc_worth_keeping(sb)
    if verb.startswith("delete"):
        await say(sb, SE, "template save Late")
    body = sb.client.command_body(SE, DEAL, f"template {verb}")
    for _ in range(2):
        reply = await sb.client.send(body, content_type=FORM)
        assert reply.status == 200
    await settled()
    assert [t.name for t in await saved_templates(sb)] == (["Late"] if "save" in verb else [])


async def test_picks_the_bot_cannot_use_are_answered_and_change_nothing(sb: Sandbox) -> None:
    await a_poc_worth_keeping(sb)
    await say(sb, SE, "template save Security review")
    new = await sb.open_modal(SE, DEAL, "new")
    criteria = await sb.open_modal(SE, DEAL, "criteria")
    before = len(sb.slack.opened)
    bare = sb.client.click_payload(SE, action_id=PICK_TEMPLATE)  # no view, no selection
    forged = sb.client.click_payload(SE, action_id=PICK_OFFER, view=criteria)
    forged["view"]["private_metadata"] = '{"poc_id": 999999}'  # no such POC in this team
    prospect = sb.client.click_payload(CHAMPION, action_id=PICK_TEMPLATE, view=new)
    prospect["user"]["team_id"] = PROSPECT_TEAM  # another organisation's person
    for payload in (bare, forged, prospect):
        reply = await sb.client.interact(payload)
        assert (reply.status, reply.text) == (200, "")
    await settled()
    assert sb.slack.opened[before:] == []
    # An option that names no template (forged, or deleted meanwhile): the form, unfilled.
    updated = await pick(
        sb, new, block_id=TEMPLATE_BLOCK, action_id=PICK_TEMPLATE, option={"value": "424242"}
    )
    assert initial(updated, "use_cases") is None


async def test_a_pick_overtaken_by_a_newer_one_is_left_to_it(
    sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """views.update answers hash_conflict when the modal changed since the pick (a second
    pick landed first): that update stands, and the pick ends there, without a failure."""
    await a_poc_worth_keeping(sb)
    await say(sb, SE, "template save Security review")
    view = await sb.open_modal(SE, DEAL, "new")
    option = block(view, TEMPLATE_BLOCK)["element"]["options"][1]
    sb.slack.fail_next("views.update", error="hash_conflict")
    payload = sb.client.click_payload(SE, action_id=PICK_TEMPLATE, view=view)
    payload["actions"] = [{"type": "static_select", "action_id": PICK_TEMPLATE,
                           "block_id": TEMPLATE_BLOCK, "selected_option": option}]  # fmt: skip
    with caplog.at_level(logging.INFO, logger="handlers"):
        reply = await sb.client.interact(payload)
        assert (reply.status, reply.text) == (200, "")
        await settled()  # the listener has returned: what it logged is in
    assert [c.error for c in sb.slack.calls if c.method == "views.update"] == ["hash_conflict"]
    assert "changed since this pick: the newer one stands" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_won_poc_is_saved_as_a_template_after_it_closed(sb: Sandbox) -> None:
    await a_poc_worth_keeping(sb)
    said = await say(sb, AE, "close won Three-year order signed")
    assert said["text"].startswith("🏆 Closed")
    said = await say(sb, AE, "template save Winners")  # the AE may, as the SE may
    assert said["text"].startswith("📋 Saved the template *Winners*: 2 use cases, 2 criteria")
    (template,) = await saved_templates(sb)
    assert template.saved_by == AE


async def test_a_team_keeps_as_many_templates_as_the_picker_shows(sb: Sandbox) -> None:
    await a_poc_worth_keeping(sb)
    async with sb.db.transaction() as s:
        for i in range(MAX_TEMPLATES):
            await templates.save_template(
                session=s,
                team_id=sb.slack.team_id,
                name=f"Template {i}",
                use_cases=(),
                by=SE,
                now=MONDAY_9AM_NY,
                replace=False,
            )
    said = await say(sb, SE, "template save One more")
    assert said["text"].startswith(f"The team has {MAX_TEMPLATES} templates, as many as")
    # Replacing one is no new one.
    said = await say(sb, SE, "template save template 7 --replace")
    assert said["text"].startswith("📋 Replaced the template *template 7*")
    assert len(await saved_templates(sb)) == MAX_TEMPLATES
