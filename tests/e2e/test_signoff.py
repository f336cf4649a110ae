"""Scope and sign-off that mean something, end to end (rule 11): a parked use case is not
scored and is read out under Phase 2; the champion alone does not sign off; with a failed
criterion it is "validated with exceptions", and that takes a note."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.domain import Role, Verdict
from bot.sandbox.harness import Sandbox
from bot.sandbox.slack_api import Message
from handlers.guard import settled
from tests.e2e.conftest import AE, CHAMPION, DEAL, OUTSIDER, SE
from tests.e2e.journeys import eventually, load
from tests.e2e.life import MON, local, opened_by, option_of, poc_on, response_to


async def criterion(sb: Sandbox, statement: str, *, use_case: int = 0, new: str = "") -> Message:
    """/poc criteria → one criterion (in a new use case if `new`); returns its message."""
    view = await sb.open_modal(SE, DEAL, "criteria")
    block = next(b for b in view["blocks"] if b.get("block_id") == "use_case")
    picked = "new" if new else block["element"]["options"][use_case]["value"]
    answers: dict[str, Any] = {"use_case": picked, "statement": statement, "method": "Timed"}
    if new:
        answers["new_use_case"] = new
    posts = len(sb.slack.posts(DEAL))
    assert await sb.submit(SE, view, answers) == {}
    message = await sb.slack.wait_for(
        lambda: next((m for m in sb.slack.posts(DEAL)[posts:] if m.metadata), None)
    )
    # Votes land on the message once its ts is stored (after the post): wait for that.
    poc_id = message.metadata["event_payload"]["poc_id"]  # type: ignore[index]
    await eventually(lambda: _posted(sb, poc_id, message.ts))
    return message


async def _posted(sb: Sandbox, poc_id: int, ts: str) -> bool:
    return any(c.message_ts == ts for c in (await load(sb, poc_id)).criteria)


async def vote(sb: Sandbox, name: str, message: Message) -> None:
    edits = message.edited
    await sb.client.reaction(CHAMPION, name, message)
    await sb.slack.wait_for(lambda: message.edited > edits)


async def readout(sb: Sandbox) -> Message:
    posts = len(sb.slack.posts(DEAL))
    await sb.command(SE, DEAL, "readout")
    return await sb.next_post(DEAL, after=posts)


async def test_a_parked_use_case_is_not_scored_and_is_listed_as_phase_2(sb: Sandbox) -> None:
    poc = await poc_on(sb)
    ingest = await criterion(sb, "Ingests 500 GB of JSON logs within 1 hour")
    await vote(sb, "white_check_mark", ingest)
    sb.clock.set(local(MON + timedelta(days=1), 11))  # after kickoff: a new use case is scope
    sso = await criterion(sb, "Logs in 100 users through Okta in 5 minutes", new="SSO via Okta")
    change = await eventually(lambda: _change(sb, poc.id))
    await sb.client.click(SE, action_id="scope_park", value=f"{poc.id}:{change}", message=sso)
    await eventually(lambda: _parked(sb, poc.id))
    await vote(sb, "x", sso)  # a verdict on a parked criterion is kept, and not scored

    status = await response_to(sb, SE, "status")
    assert "✅ 1 passed · ❌ 0 failed · ⏳ 0 pending" in str(status["blocks"])
    assert "parked for Phase 2: not scored" in str(status["blocks"])
    message = await readout(sb)
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert not any(s.startswith("*SSO via Okta*") for s in sections), "not walked"
    assert not any("Okta in 5 minutes" in s for s in sections)
    assert "1 of 1 criteria passed" in message.text
    assert any("Phase 2" in s and "SSO via Okta" in s for s in sections)
    # All criteria in scope passed: a plain agreement, no exceptions.
    assert "✅ Agree — technically validated" in str(message.blocks)
    after = await load(sb, poc.id)
    assert [c.verdict for c in after.criteria] == [Verdict.passed, Verdict.failed]


async def _change(sb: Sandbox, poc_id: int) -> int | None:
    found = (await load(sb, poc_id)).scope_changes
    return found[0].id if found else None


async def _parked(sb: Sandbox, poc_id: int) -> bool:
    return any(u.parked for u in (await load(sb, poc_id)).use_cases)


async def test_the_champion_alone_does_not_sign_off(sb: Sandbox) -> None:
    poc = await poc_on(sb, evaluators=[OUTSIDER])
    message = await readout(sb)
    await sb.client.click(OUTSIDER, action_id="readout_agree", value=str(poc.id), message=message)
    told = await sb.slack.wait_for(lambda: sb.slack.ephemerals(OUTSIDER))
    assert told[0].text.startswith("Sorry — only the champion and sponsors")

    posts = len(sb.slack.posts(DEAL))
    await sb.client.click(CHAMPION, action_id="readout_agree", value=str(poc.id), message=message)
    reply = await sb.next_post(DEAL, after=posts)
    assert (
        reply.thread_ts == message.ts and "also needs a business or executive sponsor" in reply.text
    )
    assert f"<@{AE}>" not in reply.text, "no hand-over yet"
    await settled()
    after = await load(sb, poc.id)
    assert after.signed_off_at is None
    assert after.milestone("signoff").done_at is None  # type: ignore[arg-type,union-attr]
    (answer,) = after.readout_answers
    assert (answer.role, answer.user_id, answer.agreed) == (Role.champion, CHAMPION, True)

    # Our own side's agreement is not the prospect's: the SE is offered to record one instead.
    view = await opened_by(sb, AE, action_id="readout_agree", value=str(poc.id), message=message)
    assert view["callback_id"] == "poc_answer"


async def test_a_failed_criterion_makes_it_validated_with_exceptions_and_needs_a_note(
    sb: Sandbox,
) -> None:
    poc = await poc_on(sb)
    await vote(sb, "x", await criterion(sb, "Replays 24 hours of logs in under 15 minutes"))
    message = await readout(sb)
    assert "⚠️ Validated with exceptions" in str(message.blocks)

    view = await opened_by(
        sb, CHAMPION, action_id="readout_agree", value=str(poc.id), message=message
    )
    assert view["callback_id"] == "poc_agree" and "Replays 24 hours" in str(view["blocks"])
    ack = await sb.submit(CHAMPION, view, {})
    assert "say what is not met" in ack["errors"]["note"]
    await settled()
    assert (await load(sb, poc.id)).readout_answers == (), "a refused answer stores nothing"
    note = "Replay takes 18 minutes: we accept it, tuned in Phase 2"
    assert await sb.submit(CHAMPION, view, {"note": note}) == {}
    await sb.slack.wait_for(
        lambda: any("validated with exceptions" in m.text for m in sb.slack.posts(DEAL))
    )

    record = await opened_by(sb, SE, action_id="readout_agree", value=str(poc.id), message=message)
    who = option_of(record, "who", "exec_sponsor:")
    ack = await sb.submit(SE, record, {"who": who, "held_on": "today"})
    assert "note" in ack["errors"], "an answer recorded with exceptions needs its note too"
    posts = len(sb.slack.posts(DEAL))
    answers = {"who": who, "held_on": "today", "note": "Agreed in the meeting"}
    assert await sb.submit(SE, record, answers) == {}
    done = await sb.next_post(DEAL, after=posts)
    assert "*Validated with exceptions*: signed off by" in done.text and f"<@{AE}>" in done.text
    after = await load(sb, poc.id)
    assert after.signed_off_at is not None and after.signoff_exceptions
    recorded = after.readout_answers[-1]
    assert (recorded.role, recorded.name, recorded.recorded_by, recorded.exceptions) == (
        Role.exec_sponsor,
        "Erin Exec, VP Engineering",
        SE,
        True,
    )
    assert after.readout_answers[0].note == note


async def test_with_nobody_to_agree_the_se_is_told_why(sb: Sandbox) -> None:
    poc = await poc_on(sb, champion=None, business_sponsor="", exec_sponsor="", exec_briefed=[])
    message = await readout(sb)
    opened = len(sb.slack.opened)
    await sb.client.click(SE, action_id="readout_agree", value=str(poc.id), message=message)
    (told,) = await sb.slack.wait_for(lambda: sb.slack.ephemerals(SE))
    assert "names no champion and no sponsor" in told.text
    await settled()
    assert len(sb.slack.opened) == opened
