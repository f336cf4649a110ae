"""`/poc history`: the POC's audit trail, privately — each line with who and when.

The newest lines are kept when there are more than a message holds (Slack's 50 blocks of
3,000 characters): the recent past is what people ask about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.domain import MILESTONE_TITLES, MilestoneKind, Poc, ScopeChangeKind
from bot.rules import local_time
from bot.views.text import MAX_MESSAGE_BLOCKS, MAX_TEXT, clip, context, escape, header, section
from bot.views.text import user as mention

#: Room for the header and the closing context line.
_BODY_BLOCKS = MAX_MESSAGE_BLOCKS - 2
_LINE = 400  # characters of one quoted detail


class Entry(Protocol):
    """One fact of the trail, as storage/history.py reads it."""

    @property
    def at(self) -> datetime: ...

    @property
    def kind(self) -> str: ...

    @property
    def by(self) -> str | None: ...

    @property
    def detail(self) -> str: ...

    @property
    def subject(self) -> str: ...


_VOTES = {"passed": "✅", "failed": "❌"}
_SCOPE = {
    ScopeChangeKind.use_case_added.value: "added a use case after kickoff",
    ScopeChangeKind.criterion_added.value: "added a criterion after kickoff (scope change)",
    ScopeChangeKind.end_date_moved.value: "moved the end date",
    ScopeChangeKind.too_many_use_cases.value: "took the POC over three use cases",
}


def _quote(text: str) -> str:
    return f"“{escape(clip(' '.join(text.split()), _LINE))}”" if text.strip() else ""


def _who(poc: Poc, by: str | None) -> str:
    return mention(by) if by else "pocbot"


def _person(poc: Poc, subject: str) -> str:
    """An answerer: a mention for one of the POC's people in Slack, else the recorded name."""
    ids = {p.user_id for p in poc.stakeholders if p.user_id}
    return mention(subject) if subject in ids else escape(subject or "someone")


def _milestone(subject: str) -> str:
    try:
        return MILESTONE_TITLES[MilestoneKind(subject)]
    except ValueError:
        return subject


def describe(poc: Poc, e: Entry) -> str:
    """One line, in words: what happened, by whom (the time is said beside it)."""
    who, detail = _who(poc, e.by), e.detail
    if e.kind.startswith("scope:"):
        return f"🧭 {who} {_SCOPE.get(e.kind[6:], 'changed the scope')}: {_quote(detail)}"
    if e.kind in ("agreed", "agreed_with_exceptions", "disagreed"):
        said = {
            "agreed": "✅ agreed: technically validated",
            "agreed_with_exceptions": "⚠️ agreed: validated with exceptions",
            "disagreed": "✋ said something is missing",
        }[e.kind]
        recorded = f" (recorded by {who})" if e.by and e.by != e.subject else ""
        note = f" — {_quote(detail)}" if detail else ""
        return f"{_person(poc, e.subject)} {said}{recorded}{note}"
    words = {
        "created": f"✚ {who} set up the POC for {escape(detail)}",
        "criterion_added": f"📏 {who} added a criterion: {_quote(detail)}",
        "vote": f"{_VOTES.get(detail.split()[0] if detail else '', '•')} {who} marked "
        f"{_quote(e.subject)} {detail}",
        "vote_removed": f"↩️ {who} took back their vote ({detail}) on {_quote(e.subject)}",
        "scope_parked": f"🅿️ {who} parked for Phase 2: {_quote(detail)}",
        "scope_accepted": f"👍 {who} accepted the change: {_quote(detail)}",
        "parked": f"🅿️ {who} parked for Phase 2: {_quote(detail)}",
        "milestone_done": f"☑️ {who} marked {_milestone(e.subject)} done",
        "readout_posted": "🧾 The read-out was posted",
        "closed": f"🏁 {who} closed the POC: {escape(detail)}",
        "paused": f"⏸ {who} paused the POC" + (f": {_quote(detail)}" if detail else ""),
        "resumed": f"▶️ {who} resumed the POC {escape(detail)}",
        "plan_shifted": f"📅 {who} shifted the plan: {escape(detail)}",
        "milestone_moved": f"📍 {who} moved {escape(detail)}",
        "signed_off": f"🤝 Signed off: {escape(detail)}",
    }
    return words.get(e.kind, f"• {who}: {escape(e.kind)} {escape(detail)}")


def _stamp(poc: Poc, at: datetime) -> str:
    local = local_time(at, poc.tz)
    return f"`{local:%a} {local.day} {local:%b} {local:%H:%M}`"


def history_blocks(poc: Poc, entries: Sequence[Entry]) -> list[dict[str, Any]]:
    """The trail in as few sections as hold it, newest kept when it does not all fit."""
    lines = [f"{_stamp(poc, e.at)} {describe(poc, e)}" for e in entries]
    sections: list[list[str]] = [[]]
    size = 0
    for line in reversed(lines):  # fill from the newest, then show oldest first
        if size + len(line) + 1 > MAX_TEXT - 100 and sections[-1]:
            if len(sections) == _BODY_BLOCKS:
                break
            sections.append([])
            size = 0
        sections[-1].append(line)
        size += len(line) + 1
    shown = sum(len(s) for s in sections)
    body = [section("\n".join(reversed(s))) for s in reversed(sections) if s]
    zone = poc.tz.replace("_", " ")
    note = f"Times in {zone}. Internal: only you see this."
    if shown < len(lines):
        note = f"…{len(lines) - shown} earlier lines not shown. " + note
    empty = [section("_Nothing recorded yet._")] if not lines else []
    return [header(f"History: {poc.prospect} POC"), *body, *empty, context(note)]


def history_text(poc: Poc, entries: Sequence[Entry]) -> str:
    return f"History of the {escape(poc.prospect)} POC: {len(entries)} events"
