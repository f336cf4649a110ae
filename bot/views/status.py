"""`/poc status`: the scoreboard — criteria by use case, days left, next milestone, health."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain import (
    MILESTONE_TITLES,
    Criterion,
    Health,
    Poc,
    ScopeResolution,
    Status,
    UseCase,
    Verdict,
)
from bot.rules import (
    days_left,
    health,
    in_scope,
    is_closed,
    local_today,
    next_milestone,
    paused_days,
    qualify,
    score,
    sponsor_pulse,
)
from bot.views.kickoff import VERDICT_EMOJI
from bot.views.text import (
    MAX_MESSAGE_BLOCKS,
    actions,
    bullets,
    button,
    clip,
    context,
    day,
    divider,
    escape,
    fit_blocks,
    header,
    plain,
    plural,
    section,
)
from bot.views.values import button_value

HEALTH_EMOJI = {Health.green: "🟢", Health.yellow: "🟡", Health.red: "🔴"}
VERDICT_EMOJI_BY = {Verdict.passed: "✅", Verdict.failed: "❌", Verdict.pending: "⏳"}


def criterion_line(c: Criterion) -> str:
    mark = "⚠️" if c.conflict else VERDICT_EMOJI_BY[c.verdict]
    return f"{mark} {clip(escape(c.statement), 280)}"


def days_left_words(n: int) -> str:
    if n < 0:
        return f"*overrun by {plural(-n, 'day')}*"
    if n == 0:
        return "*ends today*"
    return f"{plural(n, 'day')} left"


def _state(poc: Poc, now: datetime, *, internal: bool) -> str:
    """Where the POC stands: its health and days left, or on hold, or over."""
    if is_closed(poc):
        when = f" {day(local_today(poc.closed_at, poc.tz))}" if poc.closed_at else ""
        outcome = f" — {poc.status.value.replace('_', ' ')}" if internal else ""
        return f"🏁 *Closed*{when}{outcome}"
    if poc.status == Status.paused:
        days = paused_days(poc, local_today(now, poc.tz))
        why = f": {escape(poc.pause_reason)}" if internal and poc.pause_reason else ""
        return f"⏸ *Paused* for {plural(days, 'business day')}{why} (ends {day(poc.end)})"
    h = health(poc, now)
    nxt = next_milestone(poc, now)
    nxt_words = f"{MILESTONE_TITLES[nxt[0]]} {day(nxt[1])}" if nxt else "all milestones done"
    return (
        f"{HEALTH_EMOJI[h]} *{h.value.title()}* · {days_left_words(days_left(poc, now))} "
        f"(ends {day(poc.end)}) · next: {nxt_words}"
    )


def _use_case_block(poc: Poc, uc: UseCase) -> dict[str, Any]:
    mine = [c for c in poc.criteria if c.use_case_id == uc.id]
    lines = [criterion_line(c) + (" · _parked_" if c.parked else "") for c in mine]
    late = " · _added after kickoff_" if uc.added_after_kickoff else ""
    if uc.parked:
        late = " · _parked for Phase 2: not scored_"
    body = "\n".join(lines) or "_no criteria yet: `/poc criteria`_"
    return section(f"*{escape(uc.title)}*{late}\n{body}")


def status_blocks(poc: Poc, now: datetime, *, internal: bool = False) -> list[dict[str, Any]]:
    s = score(in_scope(poc))
    blocks: list[dict[str, Any]] = [
        header(f"{poc.prospect} — POC status"),
        section(
            _state(poc, now, internal=internal) + "\n"
            f"*Criteria:* ✅ {s.passed} passed · ❌ {s.failed} failed · ⏳ {s.pending} pending"
        ),
    ]
    blocks += [_use_case_block(poc, uc) for uc in poc.use_cases]
    open_changes = [c for c in poc.scope_changes if c.resolution == ScopeResolution.open]
    notes = []
    if open_changes:
        notes.append(f"🧭 {len(open_changes)} open scope change(s)")
    if poc.parked:
        notes.append(f"🅿️ {len(poc.parked)} item(s) parked for Phase 2")
    if poc.checkins:
        last = poc.checkins[-1]
        notes.append(f"Last check-in {day(last.held_on)} ({last.format.value})")
    if notes:
        blocks.append(context(" · ".join(notes)))
    if internal:
        q = qualify(poc)
        pulse = sponsor_pulse(poc, now)
        last = f"last {day(pulse.last_engaged)}" if pulse.last_engaged else "none yet"
        lines = [escape(r.text) for r in q.reasons[:8]]
        blocks += [
            divider(),
            section(
                f"{VERDICT_EMOJI[q.verdict]} *{q.verdict.value}* (internal)"
                + ("\n" + bullets(lines) if lines else "")
                + f"\n*Sponsor pulse:* {pulse.recent} meeting(s) in 14 days, {last}, "
                f"trend {pulse.trend}"
            ),
        ]
    if is_closed(poc):  # history: nothing to log or add any more
        return fit_blocks(blocks)
    buttons = actions(
        button("Log check-in", "status_checkin", button_value(poc.id), style="primary"),
        button("Add criterion", "status_criteria", button_value(poc.id)),
        block_id="status_actions",
    )
    # The buttons survive any trimming: fit the scoreboard around them.
    return [*fit_blocks(blocks, MAX_MESSAGE_BLOCKS - 1), buttons]


def status_text(poc: Poc, now: datetime) -> str:
    s = score(in_scope(poc))
    if is_closed(poc):
        return f"{escape(poc.prospect)}: closed · {s.passed} of {s.total} criteria passed"
    return (
        f"{escape(poc.prospect)}: {s.passed} passed, {s.failed} failed, {s.pending} pending · "
        f"{days_left(poc, now)} days left"
    )


def status_modal(poc: Poc, now: datetime, *, internal: bool = False) -> dict[str, Any]:
    """The scoreboard in a modal (App Home's [Status])."""
    return {
        "type": "modal",
        "title": plain("POC status"),
        "close": plain("Close"),
        "blocks": status_blocks(poc, now, internal=internal),
    }
