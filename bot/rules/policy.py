"""The delivery policy: of what is due about a POC today, what is said, and which way.

The rules (bot/rules/nudges.py) say what is true; this module decides what is worth saying,
so that an alert nobody acts on does not become a daily chore:

- **Back-off.** An alert whose condition has not changed is said again after 2 business
  days, then 5, then weekly. A worse condition (a new threshold passed) is a new condition:
  said at once, and its back-off starts again.
- **Manners in the deal channel** (the prospect can read it): each item is said there once;
  its repeats go the internal way. At most one top-level message a local business day and
  two a week; past that, new items go the internal way too.
- Alerts with their own rhythm (the paused reminder, the outcome ask) and once-only ones
  (a scope change, the auto-close warning) are not backed off: they are due only when due.

Each nudge's *condition* is "item|level": the item is what is being said (the milestone's due
date and stage, the date a silence began), the level how bad it has got. Both are worked out
here from the POC, so the rules stay about facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain import Nudge, NudgeKind, Poc, Role
from bot.rules.calendar import add_business_days, business_days_between
from bot.rules.defaults import CADENCE_BUSINESS_DAYS, EXEC_DISENGAGED_DAYS
from bot.rules.facts import (
    champion_silence,
    exec_disengaged_days,
    kickoff_date,
    last_live_checkin,
    sponsor_engagement_dates,
    sponsor_stall_days,
    unbriefed_execs,
)

#: Business days before an unchanged alert is said again: the first repeat, the second, and
#: every one after (weekly).
BACKOFF_BUSINESS_DAYS = (2, 5, 5)
#: Top-level nudge messages a POC's deal channel gets in one week (Monday to Sunday, local).
CHANNEL_MESSAGES_PER_WEEK = 2
#: How far back the sweep reads what was said: enough for the weekly repeat to find the last.
LOOKBACK_DAYS = 21

#: Due only on their own days: said whenever due, never backed off.
_OWN_RHYTHM = frozenset({NudgeKind.paused, NudgeKind.outcome_due})


class Way(StrEnum):
    channel = "channel"  # the deal channel, top-level
    internal = "internal"  # the internal channel, the deal channel when private, or DMs


@dataclass(frozen=True, slots=True)
class Said:
    """A nudge said (sent, or claimed today by a sweep under way) to one destination."""

    key: str
    local_date: date
    destination: str
    condition: str
    in_thread: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """A nudge to say today, which way, under what condition (kept in the sent-log)."""

    nudge: Nudge
    way: Way
    condition: str


# ------------------------------------------------------------------------- conditions


def _days_since(today: date, days: int, poc: Poc) -> date:
    return add_business_days(today, -days, holidays=poc.holidays)


def _overrun(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    # Worse each week it runs on: a week late is news, the fourth day is not.
    late = business_days_between(poc.end, today, holidays=poc.holidays)
    return str(poc.end), late // 5


def _milestone(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    m = next((x for x in poc.milestones if x.kind.value == n.subject), None)
    if m is None:
        return "", 0
    stage = "soon" if today < m.due else "today" if today == m.due else "late"
    return f"{m.due}/{stage}", 0


def _cadence(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    kickoff = kickoff_date(poc)
    last = last_live_checkin(poc, today)
    since = max(last, kickoff) if last else kickoff
    gap = business_days_between(since, today, holidays=poc.holidays)
    every = CADENCE_BUSINESS_DAYS[poc.cadence]
    return str(since), max(0, gap - every) // every  # each missed period is worse


def _exec_unbriefed(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    # Naming an executive changes what is asked (brief them, not find them): a new item.
    named = ",".join(s.label for s in unbriefed_execs(poc)) or "none"
    return f"{kickoff_date(poc)}/{named[:30]}", 0


def _sponsor_stalled(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    days = sponsor_stall_days(poc, today) or 0
    last = max(sponsor_engagement_dates(poc, today), default=kickoff_date(poc))
    return str(last), days // max(1, poc.thresholds.sponsor_stall_days)  # 7, 14, 21 days…


def _exec_disengaged(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    days = exec_disengaged_days(poc, today) or 0
    return str(today.toordinal() - days), days // EXEC_DISENGAGED_DAYS


def _champion_silent(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    days = champion_silence(poc, today) or 0
    champion = poc.person(Role.champion)
    who = champion.label if champion else ""
    return f"{_days_since(today, days, poc)}/{who[:20]}", 0


def _today(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    return str(today), 0


def _same(poc: Poc, n: Nudge, today: date) -> tuple[str, int]:
    return "", 0


_CONDITIONS: dict[NudgeKind, Callable[[Poc, Nudge, date], tuple[str, int]]] = {
    NudgeKind.overrun: _overrun,
    NudgeKind.milestone: _milestone,
    NudgeKind.readout_ready: _same,  # due on one day only
    NudgeKind.cadence: _cadence,
    NudgeKind.exec_unbriefed: _exec_unbriefed,
    NudgeKind.sponsor_stalled: _sponsor_stalled,
    NudgeKind.exec_disengaged: _exec_disengaged,
    NudgeKind.champion_silent: _champion_silent,
    NudgeKind.paused: _today,
    NudgeKind.outcome_due: _today,
}


def condition(poc: Poc, nudge: Nudge, today: date) -> str:
    """ "item|level": what the nudge is about, and how bad it is, on `today`."""
    if nudge.once:
        return ""
    item, level = _CONDITIONS.get(nudge.kind, _same)(poc, nudge, today)
    return f"{item}|{level}"


def owner(poc: Poc, *, besides: str = "") -> str | None:
    """Who takes a nudge on (named in the deal channel) and hears that a destination refuses:
    the SE, else the AE — never `besides` (the refusing DM's own person)."""
    for person in (*poc.people(Role.se), *poc.people(Role.ae)):
        if person.user_id and person.user_id != besides:
            return person.user_id
    return None


def _item(cond: str) -> str:
    return cond.rpartition("|")[0]


# ---------------------------------------------------------------------------- policy


def backed_off(key: str, cond: str, said: Iterable[Said], today: date, poc: Poc) -> bool:
    """Is this unchanged alert still in its quiet spell? Said on no day yet: no."""
    days = sorted({s.local_date for s in said if s.key == key and s.condition == cond})
    if not days:
        return False
    gap = BACKOFF_BUSINESS_DAYS[min(len(days), len(BACKOFF_BUSINESS_DAYS)) - 1]
    return business_days_between(days[-1], today, holidays=poc.holidays) < gap


def _channel_days(poc: Poc, said: Iterable[Said]) -> set[date]:
    """Local dates the deal channel got a top-level nudge message."""
    return {s.local_date for s in said if s.destination == poc.channel_id and not s.in_thread}


def decide(poc: Poc, due: Sequence[Nudge], said: Sequence[Said], today: date) -> list[Decision]:
    """What to say today of the nudges `due`, given what was `said` about this POC.

    `said`: the POC's sent-log rows of the last LOOKBACK_DAYS that were sent, and today's
    claimed by a sweep under way. Nudges left out wait: the next sweep asks again.
    """
    channel_days = _channel_days(poc, said)
    week = today.isocalendar()[:2]
    this_week = {d for d in channel_days if d.isocalendar()[:2] == week}
    posted_today = today in channel_days
    full_week = len(this_week - {today}) >= CHANNEL_MESSAGES_PER_WEEK
    decisions: list[Decision] = []
    for n in due:
        cond = condition(poc, n, today)
        way = Way.internal
        if not n.internal and not poc.quiet:
            told = (
                any(
                    s.key == n.key
                    and _item(s.condition) == _item(cond)
                    and s.destination == poc.channel_id
                    for s in said
                )
                if cond
                else False
            )
            if not told and posted_today:
                continue  # one top-level message a day: it waits for tomorrow's
            if not told and not full_week:
                way = Way.channel
        rhythm = n.kind in _OWN_RHYTHM or n.once
        if way == Way.internal and not rhythm and backed_off(n.key, cond, said, today, poc):
            continue
        decisions.append(Decision(n, way, cond))
    return decisions
