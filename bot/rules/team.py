"""The team's portfolio for its sales managers: how each live POC stands, the filters of App
Home's Team view, and what the Monday digest reports (issue 16).

The Monday digest covers the week before the Monday it is sent on, in the manager's own
timezone: Monday 00:00 a week earlier up to Monday 00:00. A verdict, a close, is "last week's"
by that window; an overrun or a stalled sponsor is how things stand when it is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import CLOSED_STATUSES, LIVE_STATUSES, Poc, Role, Status
from bot.rules.calendar import local_time, local_today
from bot.rules.facts import is_overrun, sponsor_stall_days
from bot.rules.progress import days_left, health
from bot.rules.qualification import Go, qualify

#: How a live POC stands in the Team view: its health, or on hold.
STANDINGS = ("red", "yellow", "green", "paused")
#: Closed POCs the Team view lists: those closed within this many days.
CLOSED_WITHIN_DAYS = 90
#: The verdicts the Monday digest reports when they are new.
WORRYING = (Go.no_go, Go.at_risk)
#: Every timezone's offset from UTC lies within these hours (UTC-12 … UTC+14).
_WEST, _EAST = timedelta(hours=12), timedelta(hours=14)


def standing(poc: Poc, now: datetime) -> str:
    """ "paused", else its health ("red", "yellow", "green")."""
    return "paused" if poc.status == Status.paused else health(poc, now).value


@dataclass(frozen=True, slots=True)
class TeamFilter:
    """What the manager narrowed the Team view to; None: anyone, any health."""

    se: str | None = None
    ae: str | None = None
    standing: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.se or self.ae or self.standing)


def _has(poc: Poc, role: Role, user_id: str | None) -> bool:
    return user_id is None or any(p.user_id == user_id for p in poc.people(role))


def live_for_team(pocs: Sequence[Poc], now: datetime, f: TeamFilter) -> list[Poc]:
    """The POCs not over yet that pass the filter: the worst first (red, yellow, green,
    paused), then the fewest days left, then the oldest."""
    found = []
    for p in pocs:
        if p.status in CLOSED_STATUSES or not (_has(p, Role.se, f.se) and _has(p, Role.ae, f.ae)):
            continue
        s = standing(p, now)
        if f.standing is None or s == f.standing:
            found.append((STANDINGS.index(s), days_left(p, now), p.id, p))
    return [p for *_, p in sorted(found, key=lambda t: t[:3])]


def closed_for_team(pocs: Sequence[Poc], now: datetime, f: TeamFilter) -> list[Poc]:
    """The POCs closed in the last CLOSED_WITHIN_DAYS that pass the SE and AE filters, newest
    first. A filter on health is about what is running: it shows no closed POC."""
    if f.standing is not None:
        return []
    since = now - timedelta(days=CLOSED_WITHIN_DAYS)
    found = [
        p
        for p in pocs
        if p.status in CLOSED_STATUSES
        and p.closed_at is not None
        and p.closed_at >= since
        and _has(p, Role.se, f.se)
        and _has(p, Role.ae, f.ae)
    ]
    return sorted(found, key=lambda p: (p.closed_at, p.id), reverse=True)


# ---------------------------------------------------------------- the Monday digest


def candidate_monday(now: datetime) -> date | None:
    """The Monday it is somewhere on Earth at `now` (UTC+14 is there first, UTC-12 last);
    None on the other days, when no manager anywhere is due a digest."""
    for instant in (now + _EAST, now - _WEST):
        d = instant.astimezone(UTC).date()
        if d.weekday() == 0:
            return d
    return None


def digest_monday(now: datetime, tz: str, hour: int) -> date | None:
    """The Monday a manager in `tz` is due their digest at `now`: it is Monday there and the
    nudge hour has come; else None."""
    local = local_time(now, tz)
    if local.weekday() != 0 or local.hour < hour:
        return None
    return local.date()


@dataclass(frozen=True, slots=True)
class WeekNews:
    """What the Monday digest says; nothing when it is `empty`."""

    verdicts: tuple[tuple[Poc, Go], ...] = ()  # new NO-GO and AT RISK verdicts, worst first
    overruns: tuple[Poc, ...] = ()  # past their end date without a read-out
    stalled: tuple[tuple[Poc, int], ...] = ()  # days without a sponsor meeting
    closed: tuple[Poc, ...] = ()  # closed last week, newest first

    @property
    def empty(self) -> bool:
        return not (self.verdicts or self.overruns or self.stalled or self.closed)


def _week(monday: date, tz: str) -> tuple[datetime, datetime]:
    """Last week in `tz`: Monday 00:00 a week before `monday`, up to `monday` 00:00."""
    end = datetime.combine(monday, time(0), ZoneInfo(tz))
    return end - timedelta(days=7), end


def verdict_now(poc: Poc) -> Go:
    """The go/no-go as it stands: frozen at kickoff, else as the rules judge it today."""
    if poc.kickoff_verdict_at is not None and poc.kickoff_verdict in set(Go):
        return Go(poc.kickoff_verdict)
    return qualify(poc).verdict


def _new_verdict(poc: Poc, start: datetime, end: datetime) -> bool:
    """Given last week: the POC was set up then (its verdict came with `/poc new`), or its
    verdict was frozen at a kickoff then."""
    return any(
        at is not None and start <= at < end for at in (poc.created_at, poc.kickoff_verdict_at)
    )


def week_news(pocs: Sequence[Poc], *, monday: date, tz: str, now: datetime) -> WeekNews:
    """The digest a manager in `tz` gets on `monday` about these POCs (the team's live ones and
    those closed lately)."""
    start, end = _week(monday, tz)
    verdicts = [
        (p, v) for p in pocs if _new_verdict(p, start, end) and (v := verdict_now(p)) in WORRYING
    ]
    verdicts.sort(key=lambda pv: (WORRYING.index(pv[1]), pv[0].id))
    running = [p for p in pocs if p.status in LIVE_STATUSES]
    overruns = [
        p for p in running if p.status == Status.active and is_overrun(p, local_today(now, p.tz))
    ]
    stalled = [
        (p, days)
        for p in running
        if (days := sponsor_stall_days(p, local_today(now, p.tz))) is not None
    ]
    closed = [
        p
        for p in pocs
        if p.status in CLOSED_STATUSES and p.closed_at is not None and start <= p.closed_at < end
    ]
    return WeekNews(
        verdicts=tuple(verdicts),
        overruns=tuple(sorted(overruns, key=lambda p: (p.end, p.id))),
        stalled=tuple(sorted(stalled, key=lambda pd: (-pd[1], pd[0].id))),
        closed=tuple(sorted(closed, key=lambda p: (p.closed_at, p.id), reverse=True)),
    )
