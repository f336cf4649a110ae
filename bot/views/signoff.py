"""Answering the read-out (rules 9, 11): the note "validated with exceptions" needs (modal
`poc_agree`), an answer given in the meeting recorded by the SE or AE (modal `poc_answer`),
and what the thread says as answers come in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain import ENGAGING_ROLES, Poc, ReadoutAnswer, Role, Verdict
from bot.rules import Signoff, in_scope
from bot.views.checkin import _past_date
from bot.views.forms import State, field, input_block, select, text_input
from bot.views.kickoff import person_label
from bot.views.sponsor import picked_sponsor, sponsor_choices
from bot.views.text import bullets, clip, escape, option, plain, section, user
from bot.views.values import modal_metadata

AGREE_MODAL, RECORD_MODAL = "poc_agree", "poc_answer"
MAX_NOTE = 1000
NOTE_NEEDED = (
    "A criterion is failed or still pending: say what is not met and why you agree anyway."
)


@dataclass(frozen=True, slots=True)
class Recorded:
    """An answer given in the meeting, as the SE or AE records it."""

    role: Role
    who: str  # a Slack user id or a name
    held_on: date
    note: str


def open_points(poc: Poc) -> list[str]:
    """The criteria in scope that are not passed: what "with exceptions" is about."""
    marks = {Verdict.failed: "❌", Verdict.pending: "⏳"}
    return [
        f"{marks[c.verdict]} {escape(clip(c.statement, 200))}"
        for c in in_scope(poc)
        if c.verdict != Verdict.passed
    ][:20]


def _note(*, required: bool) -> dict[str, Any]:
    return text_input(
        "note",
        "What is not met, and why agree anyway" if required else "Note",
        multiline=True,
        optional=not required,
        max_length=MAX_NOTE,
        hint="Posted in the read-out's thread: everyone in the deal channel reads it.",
    )


def agree_modal(poc: Poc) -> dict[str, Any]:
    """The champion's or a sponsor's own "validated with exceptions", with its note."""
    return {
        "type": "modal",
        "callback_id": AGREE_MODAL,
        "title": plain("With exceptions"),
        "submit": plain("Agree"),
        "close": plain("Cancel"),
        "private_metadata": modal_metadata(poc.id),
        "blocks": [
            section(
                f"*{escape(poc.prospect)}* — not every criterion is passed:\n"
                + bullets(open_points(poc))
            ),
            _note(required=True),
        ],
    }


def record_modal(poc: Poc, *, exceptions: bool) -> dict[str, Any]:
    """The SE or AE records an answer given in the meeting, perhaps by someone outside Slack."""
    choices = sponsor_choices(poc)
    blocks = [
        section(
            f"*{escape(poc.prospect)}* — record who agreed in the read-out meeting. Sign-off "
            "needs the champion and a business or executive sponsor."
        ),
        input_block(
            "who", "Who agreed", select("who", [option(c.label, c.value) for c in choices], None)
        ),
        text_input("held_on", "Agreed in the meeting on", initial="today", max_length=64),
        _note(required=exceptions),
    ]
    return {
        "type": "modal",
        "callback_id": RECORD_MODAL,
        "title": plain("Record an answer"),
        "submit": plain("Record it"),
        "close": plain("Cancel"),
        "private_metadata": modal_metadata(poc.id),
        "blocks": blocks,
    }


def read_note(values: State, *, exceptions: bool) -> tuple[str | None, dict[str, str]]:
    note = field(values, "note") or ""
    if exceptions and not note:
        return None, {"note": NOTE_NEEDED}
    return clip(note, MAX_NOTE), {}


def read_recorded(
    values: State, *, poc: Poc, now: datetime, exceptions: bool
) -> tuple[Recorded | None, dict[str, str]]:
    errors: dict[str, str] = {}
    held_on = _past_date(values, "held_on", now=now, tz=poc.tz, errors=errors)
    picked = field(values, "who")
    choice = picked_sponsor(poc, picked) if picked else None
    if choice is None:
        errors["who"] = "Pick who agreed." if not picked else "They are not on this POC any more."
    note, note_errors = read_note(values, exceptions=exceptions)
    errors.update(note_errors)
    if errors or held_on is None or choice is None or note is None:
        return None, errors
    return Recorded(role=choice.role, who=choice.who, held_on=held_on, note=note), {}


# ---------------------------------------------------------------- the thread


def _answerer(poc: Poc, a: ReadoutAnswer) -> str:
    name = user(a.user_id) if a.user_id else escape(a.name or "someone")
    recorded = f" (recorded by {user(a.recorded_by)})" if a.recorded_by else ""
    return name + recorded


def answer_text(poc: Poc, answer: ReadoutAnswer, state: Signoff) -> str:
    """The thread's reply to an agreement: signed off, or who is still needed."""
    note = f" — “{escape(answer.note)}”" if answer.note else ""
    if state.complete:
        return f"✅ {_answerer(poc, answer)} agreed{note}. {signed_off_text(poc, state)}"
    said = "validated with exceptions" if answer.exceptions else "technically validated"
    head = f"✅ {_answerer(poc, answer)} agreed: *{said}*{note}."
    if state.champion is None:
        missing = f"the champion ({person_label(poc, Role.champion)})"
    else:
        names = " or ".join(person_label(poc, r) for r in ENGAGING_ROLES if poc.people(r))
        missing = f"a business or executive sponsor ({names or 'not named yet'})"
    return (
        f"{head} The sign-off also needs {missing}; the SE can record an answer given in the "
        "meeting."
    )


def signed_off_text(poc: Poc, state: Signoff) -> str:
    """The sign-off, recorded: who agreed, with what exceptions, and the hand-over to the AE."""
    assert state.champion is not None and state.sponsor is not None
    who = f"{_answerer(poc, state.champion)} and {_answerer(poc, state.sponsor)}"
    what = "Validated with exceptions" if state.exceptions else "Technically validated"
    ae = poc.person(Role.ae)
    if ae and ae.user_id:
        handover = f"Over to {user(ae.user_id)} for the commercial next steps."
    elif ae and ae.name:
        handover = f"Over to {escape(ae.name)} (AE) for the commercial next steps."
    else:
        handover = "The AE is not named yet: add them so the commercial steps have an owner."
    return f"*{what}*: signed off by {who}. {handover}"
