"""Criteria end to end: the modal and its lint, the criterion's message, emoji verdicts."""

from __future__ import annotations

from bot.domain import ScopeChangeKind, Verdict
from bot.sandbox.harness import Sandbox
from bot.sandbox.slack_api import Message
from storage import verdicts
from tests.blockkit import assert_inert
from tests.e2e.conftest import AE, CHAMPION, DEAL, OUTSIDER, SE
from tests.e2e.journeys import create_poc, eventually, load

GOOD = "Ingests 500 GB of JSON logs within 1 hour without dropping records"
METHOD = "Timed from the ingestion dashboard during the final workshop"
VAGUE = "The dashboards should be fast and easy to use"


async def add_criterion(
    sb: Sandbox, use_case: str, statement: str, *, by: str = SE, **more: object
) -> dict:
    view = await sb.open_modal(by, DEAL, "criteria")
    assert view["callback_id"] == "poc_criteria"
    answers = {"use_case": use_case, "statement": statement, "method": METHOD, **more}
    return await sb.submit(by, view, answers)


async def criterion_message(sb: Sandbox, n: int) -> Message:
    """The n-th criterion message (1-based) in the deal channel, once the bot knows its ts
    (votes can only land on a message the bot has recorded)."""
    message = await sb.slack.wait_for(
        lambda: len(msgs := [m for m in sb.slack.posts(DEAL) if m.metadata]) >= n and msgs[n - 1]
    )
    poc_id = message.metadata["event_payload"]["poc_id"]

    async def recorded() -> bool:
        return any(c.message_ts == message.ts for c in (await load(sb, poc_id)).criteria)

    await eventually(recorded)
    return message


async def test_a_criterion_is_posted_with_how_to_vote(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    first = str(poc.use_cases[0].id)
    assert await add_criterion(sb, first, GOOD) == {}
    message = await criterion_message(sb, 1)
    assert GOOD in message.text
    assert "✅" in str(message.blocks) and "❌" in str(message.blocks)
    assert message.metadata["event_type"] == "poc_criterion"
    poc = await load(sb, poc.id)
    (criterion,) = poc.criteria
    assert (criterion.statement, criterion.method) == (GOOD, METHOD)
    assert criterion.message_ts == message.ts
    assert criterion.lint_flags == () and not criterion.added_after_kickoff


async def test_lint_is_inline_then_save_anyway_keeps_the_flag(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    first = str(poc.use_cases[0].id)
    ack = await add_criterion(sb, first, VAGUE, method="")
    assert ack["response_action"] == "errors"
    assert "fast" in ack["errors"]["statement"]
    assert (await load(sb, poc.id)).criteria == ()

    assert await add_criterion(sb, first, VAGUE, method="", save_anyway=["yes"]) == {}
    message = await criterion_message(sb, 1)
    assert "Saved despite the linter" in str(message.blocks)
    (criterion,) = (await load(sb, poc.id)).criteria
    assert "subjective" in criterion.lint_flags


async def test_missing_fields_are_inline_errors(sb: Sandbox) -> None:
    await create_poc(sb)
    assert (await add_criterion(sb, "new", GOOD))["errors"].keys() == {"new_use_case"}
    view = await sb.open_modal(SE, DEAL, "criteria")
    ack = await sb.submit(SE, view, {})
    assert set(ack["errors"]) == {"use_case", "statement"}


async def test_after_kickoff_is_a_scope_change(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    sb.clock.advance(days=2)
    assert await add_criterion(sb, "new", GOOD, new_use_case="SSO via Okta") == {}
    assert await add_criterion(sb, "new", GOOD, new_use_case="Audit <!here> export") == {}
    assert await add_criterion(sb, str(poc.use_cases[0].id), GOOD) == {}
    message = await criterion_message(sb, 3)
    assert "scope change" in str(message.blocks)
    poc = await load(sb, poc.id)
    kinds = [c.kind for c in poc.scope_changes]
    assert kinds.count(ScopeChangeKind.use_case_added) == 2
    # A criterion of a new use case is part of that change; one for an old use case is its own.
    assert kinds.count(ScopeChangeKind.criterion_added) == 1
    assert ScopeChangeKind.too_many_use_cases in kinds  # the fourth use case
    assert all(c.added_after_kickoff for c in poc.criteria)
    assert_inert(sb.slack.posts(DEAL), "<!here>")


async def votes(sb: Sandbox, criterion_id: int) -> int:
    async with sb.db.session() as s:
        return len(
            await verdicts.votes_for(session=s, team_id=sb.slack.team_id, criterion_id=criterion_id)
        )


async def test_emoji_verdicts_from_evaluators(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    await add_criterion(sb, str(poc.use_cases[0].id), GOOD)
    message = await criterion_message(sb, 1)

    assert (await sb.client.reaction(CHAMPION, "white_check_mark", message)).status == 200
    await sb.slack.wait_for(lambda: message.edited >= 1)
    (criterion,) = (await load(sb, poc.id)).criteria
    assert (criterion.verdict, criterion.verdict_by) == (Verdict.passed, CHAMPION)
    assert "Passed" in str(message.blocks) and f"<@{CHAMPION}>" in str(message.blocks)

    # Taking the reaction back reverts to pending.
    await sb.client.reaction(CHAMPION, "white_check_mark", message, added=False)
    await sb.slack.wait_for(lambda: message.edited >= 2)
    assert (await load(sb, poc.id)).criteria[0].verdict == Verdict.pending

    # ❌ from the AE fails it.
    await sb.client.reaction(AE, "x", message)
    await sb.slack.wait_for(lambda: message.edited >= 3)
    assert (await load(sb, poc.id)).criteria[0].verdict == Verdict.failed


async def test_conflicting_verdicts_are_shown(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    await add_criterion(sb, str(poc.use_cases[0].id), GOOD)
    message = await criterion_message(sb, 1)
    await sb.client.reaction(CHAMPION, "heavy_check_mark", message)
    await sb.slack.wait_for(lambda: message.edited >= 1)
    await sb.client.reaction(AE, "x", message)
    await sb.slack.wait_for(lambda: message.edited >= 2)
    assert "disagree" in str(message.blocks)
    assert (await load(sb, poc.id)).criteria[0].conflict


async def test_outsiders_and_other_emoji_change_nothing(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    await add_criterion(sb, str(poc.use_cases[0].id), GOOD)
    message = await criterion_message(sb, 1)
    await sb.client.reaction(CHAMPION, "tada", message)
    await sb.client.reaction(OUTSIDER, "x", message)
    told = await sb.slack.wait_for(lambda: sb.slack.ephemerals(OUTSIDER))
    assert "evaluator" in told[0].text.lower()
    criterion = (await load(sb, poc.id)).criteria[0]
    assert criterion.verdict == Verdict.pending
    assert message.edited == 0
    assert await votes(sb, criterion.id) == 0


async def test_a_retried_event_applies_once(sb: Sandbox) -> None:
    poc = await create_poc(sb)
    await add_criterion(sb, str(poc.use_cases[0].id), GOOD)
    message = await criterion_message(sb, 1)
    for retry in (0, 1, 2):
        reply = await sb.client.reaction(CHAMPION, "x", message, event_id="EvSAME", retry=retry)
        assert reply.status == 200
    await sb.slack.wait_for(lambda: message.edited >= 1)
    criterion = (await load(sb, poc.id)).criteria[0]
    assert criterion.verdict == Verdict.failed
    assert await votes(sb, criterion.id) == 1
