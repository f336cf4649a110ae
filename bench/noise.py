"""Noise over four weeks (issue 15): what nine POCs say through Slack in November 2026.

`python -m bench.noise [--database-url URL] [--databases sqlite postgres] [--sweeps 09:00 …]`

America/New_York, Mon 2 Nov → Sun 29 Nov 2026, with the US public holidays of the POCs'
calendar (bot/public_holidays.py: Veterans Day 11 Nov, Thanksgiving 26 Nov). One SE and one
AE own eight POCs nobody acts on (2 → 20 Nov, executive named but never briefed, no
milestone marked, no check-in, the champion silent: they overrun in week 4). Another SE and
AE run a healthy one: kickoff and every milestone marked done on its day, a weekly meeting
with the sponsor, the executive briefed, the champion talking every business day, the
read-out given on its date. Every deal channel is shared with the prospect, so internal
alerts go by DM (one digest a person a day).

The real sweep, Delivery and Web API client run against the Slack stand-in every simulated
day, weekends too, at the sweep times; each sweep's new bot messages belong to that local
date. The measures are the issue's; `replay` is what tests/scheduler/test_noise.py asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bench import common
from bench.common import database
from bot.config import Settings
from bot.deps import close_client, web_client
from bot.domain import Checkin, CheckinFormat, Health, MilestoneKind, NewPoc, Status
from bot.public_holidays import calendar_for, poc_holidays
from bot.rules import default_milestones
from bot.rules.calendar import is_business_day
from bot.sandbox.slack_api import Message, SlackStandIn
from scheduler.delivery import Delivery, Pacer
from scheduler.sweep import sweep
from storage import writes
from storage.db import Database
from tests.blockkit import check_everything_sent
from tests.queries import sent_rows
from tests.scheduler.seed import AE, CHAMPION, SE, TEAM, local, new_poc, seed_poc

TZ = "America/New_York"
FIRST, LAST = date(2026, 11, 2), date(2026, 11, 29)
POC_END = date(2026, 11, 20)
STALLED = tuple(f"CDEAL{i}" for i in range(1, 9))
HEALTHY = "CHEALTHY"
SE2, AE2, CHAMPION2 = "USE2", "UAE2", "UCHAMP2"
PEOPLE = (SE, AE, SE2, AE2)
#: Local sweep times; the clock ticks every 15 minutes, these are the ones that can matter.
SWEEPS: tuple[tuple[int, int], ...] = ((9, 0), (9, 15), (12, 0), (14, 0), (17, 0))
#: The healthy team marks milestones, meets and reads out at 10:00; the champion talks at 11:00.
ACT_HOUR, CHAMPION_HOUR = 10, 11

HOLIDAYS = frozenset(
    d for d in poc_holidays(calendar_for(tz=TZ), FIRST, POC_END) if FIRST <= d <= LAST
)


@dataclass(frozen=True)
class Posted:
    """One bot message, on the local date of the sweep that posted it."""

    day: date
    channel: str
    top_level: bool
    #: (poc id, nudge key, kind, condition) of each sent-log row the message carries
    items: tuple[tuple[int, str, str, str], ...]
    #: POCs with a section in it (a digest's `text:{poc_id}` blocks)
    digest_pocs: frozenset[int]


@dataclass
class NoiseReport:
    stalled: dict[str, int]  # deal channel -> POC id
    healthy: int
    dm: dict[str, str]  # person -> their DM channel with the app
    posted: list[Posted] = field(default_factory=list)
    sweeps: int = 0
    seconds: float = 0.0

    @property
    def days(self) -> list[date]:
        return [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]

    @property
    def business_days(self) -> list[date]:
        return [d for d in self.days if is_business_day(d, holidays=HOLIDAYS)]

    def top_level(self, channel: str) -> list[Posted]:
        return [p for p in self.posted if p.channel == channel and p.top_level]

    def per_week(self, channel: str) -> Counter[int]:
        """ISO week -> top-level bot messages in the channel (every week listed)."""
        weeks = Counter({d.isocalendar().week: 0 for d in self.days})
        weeks.update(p.day.isocalendar().week for p in self.top_level(channel))
        return weeks

    def dms(self, person: str) -> list[Posted]:
        return [p for p in self.posted if p.channel == self.dm[person]]

    def dms_per_day(self, person: str) -> Counter[date]:
        return Counter(p.day for p in self.dms(person))

    def digest_days(self, person: str) -> dict[int, set[date]]:
        """POC id -> the business days it had a section in the person's DMs."""
        found: dict[int, set[date]] = {}
        for p in self.dms(person):
            for poc_id in p.digest_pocs:
                if p.day in self.business_days:
                    found.setdefault(poc_id, set()).add(p.day)
        return found

    def kinds(self, person: str) -> Counter[str]:
        return Counter(kind for p in self.dms(person) for _, _, kind, _ in p.items)

    def carrying(self, person: str, kind: str) -> int:
        """The person's DMs that carry at least one alert of this kind."""
        return sum(any(k == kind for _, _, k, _ in p.items) for p in self.dms(person))

    def off_days(self) -> list[Posted]:
        return [p for p in self.posted if p.day not in self.business_days]

    def said_in(self, channel: str, key: str, stage: str) -> int:
        """Messages in the channel that carry `key` said at this stage ("late", "today")."""
        return sum(
            any(k == key and c.split("|")[0].endswith(f"/{stage}") for _, k, _, c in p.items)
            for p in self.top_level(channel)
        )


@dataclass(frozen=True)
class Measure:
    what: str
    figure: int
    op: str  # "≤", "=" or "≥"
    bound: int

    @property
    def holds(self) -> bool:
        f, b = self.figure, self.bound
        return f <= b if self.op == "≤" else f == b if self.op == "=" else f >= b


def measures(r: NoiseReport) -> list[Measure]:
    """The issue's measures, and the product's rules that must survive them."""
    busy = r.business_days
    stalled_week = max(max(r.per_week(c).values()) for c in r.stalled)
    healthy_week = max(r.per_week(HEALTHY).values())
    per_day = {p: max(r.dms_per_day(p)[d] for d in busy) for p in PEOPLE}
    in_digest = max((len(v) for v in r.digest_days(SE).values()), default=0)
    asked = [r.said_in(c, "milestone:kickoff", "late") for c in r.stalled].count(1)
    half = len(busy) // 2
    return [
        Measure("nobody acts: its deal channel's messages a week (max)", stalled_week, "≤", 2),
        Measure("SE with 8 such POCs: DMs a business day (max)", per_day[SE], "≤", 1),
        Measure(f"a POC in that SE's digest: days of {len(busy)} (max)", in_digest, "≤", half),
        Measure("healthy POC: its deal channel's nudges a week (max)", healthy_week, "≤", 2),
        Measure("messages on weekends and public holidays", len(r.off_days()), "=", 0),
        Measure("anyone: DMs a business day (max)", max(per_day.values()), "≤", 1),
        Measure("SE's DMs carrying sponsor_stalled", r.carrying(SE, "sponsor_stalled"), "≥", 1),
        Measure("SE's DMs carrying exec_unbriefed", r.carrying(SE, "exec_unbriefed"), "≥", 1),
        Measure("deal channels asked the overdue kickoff once", asked, "=", len(r.stalled)),
    ]


# ------------------------------------------------------------------------------ the world


def planned(new: NewPoc) -> NewPoc:
    """As /poc new plans it: the milestones on business days of the POC's own calendar."""
    days = poc_holidays(calendar_for(tz=new.tz), new.start, new.end)
    plan = default_milestones(new.start, new.end, today=new.start, holidays=days)
    return replace(new, milestones=plan)


def stalled_poc(i: int, channel: str) -> NewPoc:
    poc = new_poc(channel=channel, start=FIRST, end=POC_END, exec_briefed=False, tz=TZ)
    return planned(replace(poc, prospect=f"Globex {i}"))


def healthy_poc() -> NewPoc:
    poc = new_poc(channel=HEALTHY, start=FIRST, end=POC_END, exec_briefed=True, tz=TZ)
    ours = {SE: SE2, AE: AE2, CHAMPION: CHAMPION2}
    people = tuple(replace(p, user_id=ours.get(p.user_id or "", p.user_id)) for p in poc.people)
    return planned(replace(poc, prospect="Initech", people=people, created_by=SE2))


def stage(slack: SlackStandIn) -> dict[str, str]:
    """People, and deal channels the prospect's people are in (Slack Connect)."""
    for user in PEOPLE:
        slack.add_user(user, user.lower())
    for champion in (CHAMPION, CHAMPION2):
        slack.add_outsider(champion, champion.lower())
    for channel in STALLED:
        slack.add_channel(channel, members=(SE, AE, CHAMPION), is_ext_shared=True)
    slack.add_channel(HEALTHY, members=(SE2, AE2, CHAMPION2), is_ext_shared=True)
    return {user: slack.dm_id(user) for user in PEOPLE}


async def act(db: Database, poc_id: int, plan: dict[MilestoneKind, date], day: date) -> None:
    """What the healthy POC's people do that day."""
    at = local(day, ACT_HOUR, tz=TZ)
    working = is_business_day(day, holidays=HOLIDAYS)
    async with db.transaction() as s:
        for kind, due in plan.items():
            if due != day or kind == MilestoneKind.scoping:
                continue
            if kind == MilestoneKind.readout:  # as handlers/readout.py records it
                await writes.update_poc(
                    session=s,
                    team_id=TEAM,
                    poc_id=poc_id,
                    now=at,
                    readout_posted_at=at,
                    status=Status.readout,
                )
            await writes.mark_milestone_done(
                session=s, team_id=TEAM, poc_id=poc_id, kind=kind, by=SE2, now=at
            )
        if working and day.weekday() == 0 and day <= POC_END:
            meeting = Checkin(
                held_on=day,
                format=CheckinFormat.meeting,
                sponsor_present=True,
                health=Health.green,
                summary="Weekly call with the sponsor",
                logged_by=SE2,
            )
            await writes.add_checkin(
                session=s, team_id=TEAM, poc_id=poc_id, checkin=meeting, attendees=(), now=at
            )
        if working:
            await writes.touch_last_seen(
                session=s,
                team_id=TEAM,
                channel_id=HEALTHY,
                user_id=CHAMPION2,
                at=local(day, CHAMPION_HOUR, tz=TZ),
            )


# ------------------------------------------------------------------------------ the replay


async def replay(
    db: Database,
    slack: SlackStandIn,
    client: AsyncWebClient,
    *,
    sweeps: Sequence[tuple[int, int]] = SWEEPS,
) -> NoiseReport:
    """Seed the nine POCs, sweep four weeks, and say what was posted on which local date."""
    dm = stage(slack)
    stalled = {c: await seed_poc(db, stalled_poc(i, c)) for i, c in enumerate(STALLED, 1)}
    healthy = healthy_poc()
    report = NoiseReport(stalled, await seed_poc(db, healthy), dm)
    delivery = Delivery(db, pacer=Pacer(0))
    raw: list[tuple[date, Message]] = []
    started = time.perf_counter()
    for day in report.days:
        acted = False
        for hour, minute in sweeps:
            if not acted and (hour, minute) > (ACT_HOUR, 0):
                await act(db, report.healthy, healthy.milestones, day)
                acted = True
            before = len(slack.messages)
            await sweep(db, client, local(day, hour, minute, tz=TZ), delivery=delivery)
            raw += [(day, m) for m in slack.messages[before:] if m.user == slack.bot_user_id]
            report.sweeps += 1
        if not acted:
            await act(db, report.healthy, healthy.milestones, day)
    report.seconds = time.perf_counter() - started
    rows = {r.id: r for r in await sent_rows(db, team_id=TEAM)}
    for day, m in raw:
        ids = ((m.metadata or {}).get("event_payload") or {}).get("log_ids", [])
        items = tuple(
            (rows[i].poc_id, rows[i].key, rows[i].kind, rows[i].condition) for i in ids if i in rows
        )
        # A digest's sections are `text:{poc_id}`; a single POC's message has `text:{key}`.
        tails = (str(b.get("block_id", "")).partition("text:")[2] for b in m.blocks)
        pocs = frozenset(int(t) for t in tails if t.isdigit())
        report.posted.append(Posted(day, m.channel, m.thread_ts is None, items, pocs))
    return report


# ------------------------------------------------------------------------------ the figures


def _cell(posted: Sequence[Posted]) -> str:
    """What a destination got that day: each message's nudge keys (a digest: per POC)."""
    out = []
    for p in posted:
        if p.digest_pocs:
            kinds = Counter(kind for _, _, kind, _ in p.items)
            out.append(
                f"{len(p.digest_pocs)} POCs: "
                + ", ".join(f"{k}×{n}" if n > 1 else k for k, n in sorted(kinds.items()))
            )
        else:
            out.append(" + ".join(key for _, key, _, _ in p.items) or "(no nudge)")
    return " / ".join(out)


def day_by_day(r: NoiseReport) -> list[str]:
    """Every day with a message: what each destination got (CDEAL1 stands for all eight
    stalled deal channels when they all got the same)."""
    heads = ["CDEAL1", HEALTHY, *PEOPLE]
    out = ["| day | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    for d in r.days:
        today = [p for p in r.posted if p.day == d]
        if not today:
            continue
        deal = [_cell([p for p in today if p.channel == c]) for c in STALLED]
        first = deal[0] + ("" if len(set(deal)) == 1 else " (not all 8 alike!)")
        cells = [first, _cell([p for p in today if p.channel == HEALTHY])]
        cells += [_cell([p for p in today if p.channel == r.dm[u]]) for u in PEOPLE]
        out.append(f"| {d:%a %d %b} | " + " | ".join(cells) + " |")
    return out


def describe(kind: str, r: NoiseReport) -> str:
    busy = r.business_days
    out = [
        f"### {kind}: {r.sweeps} sweeps in {r.seconds:.1f} s, {len(r.posted)} messages",
        "",
        "| measure | figure | limit | holds |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {m.what} | {m.figure} | {m.op} {m.bound} | {'yes' if m.holds else '**NO**'} |"
        for m in measures(r)
    ]
    weeks = sorted(r.per_week(HEALTHY))
    out += [
        "",
        "Top-level messages per ISO week: "
        + ", ".join(f"{c} {[r.per_week(c)[w] for w in weeks]}" for c in (*r.stalled, HEALTHY))
        + f" (weeks {weeks}).",
    ]
    for person in PEOPLE:
        per_day = r.dms_per_day(person)
        in_digest = sorted((len(v) for v in r.digest_days(person).values()), reverse=True)
        out.append(
            f"- {person}: {len(r.dms(person))} DMs over the 4 weeks, on "
            f"{sum(1 for d in busy if per_day[d])} of {len(busy)} business days; business "
            f"days each POC was in the digest: {in_digest}; alerts {dict(r.kinds(person))}"
        )
    out.append(
        f"- Deal channels, over the 4 weeks: stalled "
        f"{[len(r.top_level(c)) for c in r.stalled]}, healthy {len(r.top_level(HEALTHY))}; "
        f"public holidays counted: {', '.join(f'{d:%a %d %b}' for d in sorted(HOLIDAYS))}."
    )
    return "\n".join([*out, "", *day_by_day(r)])


async def one(kind: str, sweeps: Sequence[tuple[int, int]]) -> str:
    async with database(kind) as db, SlackStandIn(team_id=TEAM) as slack:
        client = web_client(
            Settings(slack_bot_token=slack.token, slack_api_url=slack.api_url),
            retry_server_errors=False,
        )
        try:
            report = await replay(db, slack, client, sweeps=sweeps)
        finally:
            await close_client(client)
        checked = check_everything_sent(slack)
    return describe(kind, report) + f"\n\nBlock Kit payloads validated: {checked}."


def _time(text: str) -> tuple[int, int]:
    hour, _, minute = text.partition(":")
    return int(hour), int(minute or 0)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--database-url", help="PostgreSQL (default: BENCH_ or TEST_DATABASE_URL)")
    p.add_argument("--databases", nargs="+", help="sqlite, postgres (default: both if a URL)")
    p.add_argument("--sweeps", nargs="+", type=_time, default=list(SWEEPS), help="HH:MM local")
    args = p.parse_args(argv)
    # bench.common reads its URL when it opens a database: a URL given here wins.
    common.PG_URL = args.database_url or common.PG_URL
    kinds = args.databases or (["sqlite", "postgres"] if common.PG_URL else ["sqlite"])
    logging.basicConfig(level=logging.WARNING)
    for kind in kinds:
        print(asyncio.run(one(kind, args.sweeps)))
        print()


if __name__ == "__main__":
    main()
