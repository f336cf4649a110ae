"""The criteria modal (callback `poc_criteria`) and each criterion's message in the deal channel.

Block ids are a contract: use_case, statement, method. `new_use_case` and `save_anyway` are ours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain import Criterion, Poc, UseCase, Verdict, VerdictState
from bot.rules import FLAG_WORDS, Lint, LintIssue, Offer, scoped_use_cases
from bot.views.forms import State, checkbox, field, input_block, text_input, ticked
from bot.views.templates import with_offers
from bot.views.text import clip, context, day, escape, option, plain, section, user
from bot.views.values import modal_metadata

CALLBACK = "poc_criteria"
NEW_USE_CASE = "new"
MAX_STATEMENT = 500
MAX_METHOD = 500
#: Slack shows field errors in a small font: keep each one readable.
MAX_ERROR = 300

VERDICT_LINE = {
    Verdict.pending: "⏳ *Pending* — evaluators: react ✅ pass or ❌ fail",
    Verdict.passed: "✅ *Passed*",
    Verdict.failed: "❌ *Failed*",
}


def criteria_modal(
    poc: Poc,
    *,
    use_case_id: int | None = None,
    offers: Sequence[Offer] = (),
    chosen: str | None = None,
) -> dict[str, Any]:
    """The form; `offers`: the template's criteria not added yet (bot/views/templates.py)."""
    # A use case parked for Phase 2 is out of this POC: no new criteria for it.
    options = [option(u.title, str(u.id)) for u in scoped_use_cases(poc)[:99]]
    options.append(option("➕ A new use case (below)", NEW_USE_CASE))
    use_case: dict[str, Any] = {
        "type": "static_select",
        "action_id": "use_case",
        "options": options,
    }
    picked = next((o for o in options if o["value"] == str(use_case_id)), None)
    if picked:
        use_case["initial_option"] = picked
    modal = {
        "type": "modal",
        "callback_id": CALLBACK,
        "title": plain("Add a criterion"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "private_metadata": modal_metadata(poc.id),
        "blocks": [
            section(f"*{escape(poc.prospect)}* — objective and binary: pass or fail, no debate."),
            input_block("use_case", "Use case", use_case),
            text_input(
                "new_use_case",
                "New use case",
                placeholder="Only if you picked 'A new use case'",
                optional=True,
                max_length=300,
                hint="Added after kickoff, a use case or criterion is a scope change.",
            ),
            text_input(
                "statement",
                "Criterion",
                placeholder="Ingests 500 GB of JSON within 1 hour without dropping packets",
                multiline=True,
                max_length=MAX_STATEMENT,
                hint="A number with a unit or a threshold, a time bound, no subjective words.",
            ),
            text_input(
                "method",
                "How it is measured",
                placeholder="Timed during the final workshop, from the ingestion dashboard",
                multiline=True,
                optional=True,
                max_length=MAX_METHOD,
            ),
            checkbox(
                "save_anyway", "Linter", "Save anyway if it is flagged (the flag stays visible)"
            ),
        ],
    }
    modal["blocks"] = with_offers(modal["blocks"], offers, chosen)
    return modal


@dataclass(frozen=True, slots=True)
class CriterionForm:
    use_case_id: int | None  # None: create `new_use_case`
    new_use_case: str | None
    statement: str
    method: str
    save_anyway: bool


def read_criterion(values: State, poc: Poc) -> tuple[CriterionForm | None, dict[str, str]]:
    errors: dict[str, str] = {}
    picked = field(values, "use_case")
    new_title = field(values, "new_use_case")
    use_case_id: int | None = None
    if picked == NEW_USE_CASE or (picked is None and new_title):
        if not new_title:
            errors["new_use_case"] = "Name the new use case."
    elif picked is None:
        errors["use_case"] = "Pick the use case this criterion proves."
    else:
        use_case_id = int(picked) if picked.isdigit() else -1
        if use_case_id not in {u.id for u in scoped_use_cases(poc)}:
            errors["use_case"] = "That use case is no longer part of this POC: pick another."
    statement = " ".join((field(values, "statement") or "").split())
    if not statement:
        errors["statement"] = "Write the criterion."
    if errors:
        return None, errors
    return (
        CriterionForm(
            use_case_id=use_case_id,
            new_use_case=new_title if use_case_id is None else None,
            statement=statement,
            method=(field(values, "method") or "").strip(),
            save_anyway=ticked(values, "save_anyway"),
        ),
        {},
    )


def lint_errors(lint: Lint) -> dict[str, str]:
    """The linter's warnings, inline under the criterion, with the way out."""
    text = " ".join(f"{w.message} {w.hint}" for w in lint.warnings)
    return {"statement": clip(text + " Rewrite it, or tick 'Save anyway'.", MAX_ERROR)}


def flag_codes(issues: tuple[LintIssue, ...]) -> list[str]:
    """What is stored on the criterion: the codes, rendered with FLAG_WORDS."""
    return [issue.code for issue in issues]


def criterion_blocks(
    poc: Poc, criterion: Criterion, use_case: UseCase, *, state: VerdictState | None = None
) -> list[dict[str, Any]]:
    """A criterion's message: what it says, how to vote, and its verdict with who gave it."""
    number = next((i for i, c in enumerate(poc.criteria, 1) if c.id == criterion.id), None)
    title = f"*Criterion {number}*" if number else "*Criterion*"
    body = f"{title} · _{escape(use_case.title)}_\n>{escape(criterion.statement)}"
    if criterion.method:
        body += f"\n*Measured:* {escape(criterion.method)}"
    blocks = [section(body), section(verdict_line(poc, criterion, state))]
    notes = []
    if criterion.lint_flags:
        labels = [FLAG_WORDS.get(f, f) for f in criterion.lint_flags]
        notes.append("⚑ Saved despite the linter: " + escape("; ".join(labels)))
    if criterion.added_after_kickoff:
        notes.append("🧭 Added after kickoff: a scope change.")
    notes.append("Evaluators mark it: ✅ pass · ❌ fail · remove your reaction to take it back.")
    blocks.append(context(*notes))
    return blocks


def verdict_line(poc: Poc, criterion: Criterion, state: VerdictState | None) -> str:
    if state is not None and state.conflict:
        votes = ", ".join(
            f"{user(u)} {'✅' if v == Verdict.passed else '❌'}" for u, v in state.voters
        )
        return f"⚠️ *Evaluators disagree* — {votes}. Settle it at the next check-in."
    line = VERDICT_LINE[criterion.verdict]
    if criterion.verdict != Verdict.pending and criterion.verdict_by:
        line += f" by {user(criterion.verdict_by)}"
        if criterion.verdict_at:
            line += f" on {day(criterion.verdict_at.astimezone(ZoneInfo(poc.tz)).date())}"
    return line


def criterion_text(criterion: Criterion) -> str:
    return clip(f"Criterion: {escape(criterion.statement)}", 300)


def criterion_metadata(poc_id: int, criterion_id: int) -> dict[str, Any]:
    """Message metadata: a criterion's message says which criterion it is, for any reader."""
    return {
        "event_type": "poc_criterion",
        "event_payload": {"poc_id": poc_id, "criterion_id": criterion_id},
    }
