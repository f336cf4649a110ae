"""The read-out (PRODUCT.md rule 9): the pain restated, each criterion with its result, and
the sponsor's technical validation sign-off asked for — then the hand-over to the AE."""

from __future__ import annotations

from typing import Any

from bot.domain import SPONSOR_ROLES, Poc
from bot.rules import in_scope, scoped_use_cases, score, with_exceptions
from bot.views.kickoff import person_label
from bot.views.status import criterion_line
from bot.views.text import (
    MAX_MESSAGE_BLOCKS,
    actions,
    button,
    clip,
    context,
    escape,
    fit_blocks,
    header,
    section,
    user,
)
from bot.views.values import button_value

AGREE = "readout_agree"
DISAGREE = "readout_disagree"


def readout_blocks(poc: Poc) -> list[dict[str, Any]]:
    """The pain, each criterion in scope with its result, Phase 2, and the question."""
    scored = in_scope(poc)
    s = score(scored)
    blocks: list[dict[str, Any]] = [header(f"Read-out: {poc.prospect}")]
    if poc.pain:
        quoted = "\n".join(f">{line}" for line in escape(poc.pain).splitlines())
        blocks.append(section(f"*The business pain we set out to solve*\n{quoted}"))
    for uc in scoped_use_cases(poc):  # a parked use case is listed under Phase 2
        mine = [c for c in scored if c.use_case_id == uc.id]
        lines = [criterion_line(c) for c in mine] or ["_no criteria were set_"]
        blocks.append(section(f"*{escape(uc.title)}*\n" + "\n".join(lines)))
    verdict = f"*Result:* ✅ {s.passed} of {s.total} criteria passed, ❌ {s.failed} failed"
    if s.pending:
        verdict += f", ⏳ *{s.pending} still pending* — mark them before asking for sign-off"
    blocks.append(section(verdict))
    if poc.parked:
        # Rule 7: what was parked is listed, so Phase 2 starts from an agreed list.
        items = [f"• {escape(clip(p.text, 200))}" for p in poc.parked[:20]]
        more = f"\n…and {len(poc.parked) - 20} more" if len(poc.parked) > 20 else ""
        blocks.append(section("*Parked for Phase 2 (after purchase)*\n" + "\n".join(items) + more))
    sponsors = ", ".join(person_label(poc, r) for r in SPONSOR_ROLES)
    # With a criterion failed or pending, agreeing is "validated with exceptions" (and a note).
    agree = (
        "⚠️ Validated with exceptions"
        if with_exceptions(poc)
        else "✅ Agree — technically validated"
    )
    ask = [
        section(
            "*Did we meet the success criteria we agreed together?* "
            f"Sponsors ({sponsors}): if yes, this is the technical validation sign-off."
        ),
        actions(
            button(agree, AGREE, button_value(poc.id), style="primary"),
            button("Something is missing", DISAGREE, button_value(poc.id)),
            block_id="readout_answer",
        ),
        context(
            "The sign-off needs the champion and a business or executive sponsor. The SE or AE "
            "can record an answer given in the meeting: click the first button."
        ),
    ]
    # The question and its buttons must survive any trimming: fit the body around them.
    return [*fit_blocks(blocks, MAX_MESSAGE_BLOCKS - len(ask)), *ask]


def readout_text(poc: Poc) -> str:
    s = score(in_scope(poc))
    return f"Read-out for {escape(poc.prospect)}: {s.passed} of {s.total} criteria passed"


def disagree_blocks(*, user_id: str) -> list[dict[str, Any]]:
    return [section(disagree_text(user_id=user_id))]


def disagree_text(*, user_id: str) -> str:
    return (
        f"{user(user_id)} isn't ready to sign off. What is missing? Reply in this thread; "
        "the SE will follow up before the commercial steps."
    )
