"""bot.rules.nudges: what is due on one local business day (rules 5–9), and snoozes.

Dates are the hand-worked calendar of tests/rules/poc.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.domain import (
    Cadence,
    Checkin,
    CheckinFormat,
    Criterion,
    Engagement,
    EngagementKind,
    Milestone,
    Nudge,
    NudgeKind,
    Poc,
    ScopeChange,
    ScopeChangeKind,
    ScopeResolution,
    Stakeholder,
    Status,
    Verdict,
)
from bot.rules import NUDGE_PRIORITY, due_nudges, snooze_until
from tests.rules.poc import (
    BUSINESS,
    C_DEPLOY,
    C_INGEST,
    CHAMPION,
    END,
    EXEC,
    FRI,
    FRI2,
    FRI_FEB27,
    MON,
    MON2,
    MON3,
    MON5,
    NY,
    SAT,
    SE,
    SUN,
    THU,
    THU2,
    THU4,
    TUE,
    TUE2,
    TUE4,
    WED,
    WED2,
    WED4,
    K,
    at,
    call,
    engaged,
    make_poc,
    with_milestone,
)


def kinds(nudges: list[Nudge]) -> list[NudgeKind]:
    return [n.kind for n in nudges]


def of_kind(poc: Poc, day: date, kind: NudgeKind, **kw: Any) -> list[Nudge]:
    return [n for n in due_nudges(poc, at(day, **kw)) if n.kind == kind]


# ---------------------------------------------------------------- what is due: when nothing is

#: Neglected since kickoff: no check-in, no sponsor contact, exec unbriefed, a change open.
NEGLECTED: dict[str, Any] = {
    "stakeholders": (SE, CHAMPION, BUSINESS, replace(EXEC, briefed_at=None)),
    "scope_changes": (
        ScopeChange(17, ScopeChangeKind.use_case_added, "Mainframe connector", at(TUE)),
    ),
}


def test_a_neglected_poc_gets_every_kind_in_priority_order() -> None:
    nudges = due_nudges(make_poc(**NEGLECTED), at(MON2))
    assert kinds(nudges) == [
        NudgeKind.scope_creep,
        NudgeKind.cadence,
        NudgeKind.exec_unbriefed,
        NudgeKind.sponsor_stalled,
        NudgeKind.champion_silent,
    ]
    assert len({n.key for n in nudges}) == len(nudges)
    assert all(n.local_date == MON2 for n in nudges)
    order = [NUDGE_PRIORITY.index(k) for k in kinds(nudges)]
    assert order == sorted(order)


@pytest.mark.parametrize("day", [SAT, SUN])
def test_weekends_are_quiet(day: date) -> None:
    assert due_nudges(make_poc(**NEGLECTED), at(day, 12)) == []


@pytest.mark.parametrize(
    ("hour", "minute", "nudge_hour", "expected"),
    [(8, 59, 9, False), (9, 0, 9, True), (23, 59, 9, True), (9, 30, 10, False), (0, 0, 0, True)],
)
def test_nothing_before_the_nudge_hour(
    hour: int, minute: int, nudge_hour: int, expected: bool
) -> None:
    nudges = due_nudges(make_poc(**NEGLECTED), at(MON2, hour, minute), nudge_hour=nudge_hour)
    assert bool(nudges) is expected


@pytest.mark.parametrize("status", list(Status))
def test_only_live_pocs_are_nudged(status: Status) -> None:
    nudges = due_nudges(make_poc(**NEGLECTED, status=status), at(MON2))
    live = status in (Status.draft, Status.active, Status.readout)
    assert bool(nudges) is live


@pytest.mark.parametrize(
    ("monday", "hour", "minute", "expected"),
    [
        (date(2026, 3, 9), 9, 5, True),  # the Monday after spring-forward (EDT, UTC-4)
        (date(2026, 3, 9), 8, 30, False),
        (date(2026, 11, 2), 9, 5, True),  # the Monday after fall-back (EST, UTC-5)
        (date(2026, 11, 2), 8, 30, False),
    ],
)
def test_dst_nudges_follow_local_time(monday: date, hour: int, minute: int, expected: bool) -> None:
    poc = make_poc(
        tz=NY,
        start=monday - timedelta(days=7),
        end=monday + timedelta(days=11),
        milestones=(Milestone(K.midpoint, monday),),
    )
    now = at(monday, hour, minute, tz=NY)  # aware local time, handed over in UTC
    nudges = due_nudges(poc, now)
    assert ("milestone:midpoint" in [n.key for n in nudges]) is expected
    assert all(n.local_date == monday for n in nudges)


# ---------------------------------------------------------------- what is due: cadence


@pytest.mark.parametrize(
    ("cadence", "checkins", "day", "expected"),
    [
        # Weekly, no check-in since kickoff Monday 2 March: due Monday 9, overdue after.
        (Cadence.weekly, (), FRI, None),
        (Cadence.weekly, (), MON2, "due today"),
        (Cadence.weekly, (), TUE2, "overdue by 1 business day"),
        (Cadence.weekly, (), THU2, "overdue by 3 business days"),
        # Twice a week, last call Thursday: Friday is 1 business day, Monday 2.
        (Cadence.twice_weekly, (call(THU),), FRI, None),
        (Cadence.twice_weekly, (call(THU),), MON2, "due today"),
        # Weekly, last call Friday: due the next Friday, not before.
        (Cadence.weekly, (call(FRI),), THU2, None),
        (Cadence.weekly, (call(FRI),), FRI2, "due today"),
        (Cadence.biweekly, (), FRI2, None),
        (Cadence.biweekly, (), MON3, "due today"),
        # Email and async updates never keep the cadence.
        (Cadence.weekly, (call(FRI, fmt=CheckinFormat.email),), MON2, "due today"),
        (Cadence.weekly, (call(FRI, fmt=CheckinFormat.async_),), MON2, "due today"),
        (Cadence.weekly, (call(FRI, fmt=CheckinFormat.meeting, sponsor=False),), MON2, None),
        # A scoping meeting before kickoff does not start the clock early.
        (Cadence.weekly, (call(FRI_FEB27),), FRI, None),
    ],
)
def test_cadence(
    cadence: Cadence, checkins: tuple[Checkin, ...], day: date, expected: str | None
) -> None:
    found = of_kind(make_poc(cadence=cadence, checkins=checkins), day, NudgeKind.cadence)
    if expected is None:
        assert found == []
        return
    (nudge,) = found
    assert (nudge.key, nudge.internal, nudge.local_date) == ("cadence", False, day)
    assert expected in nudge.text
    # Worded for the customer, who reads the deal channel: a question, no seller's rule.
    assert nudge.text.endswith("Shall we book a call?") and "email" not in nudge.text


def test_cadence_stops_after_the_readout_and_once_overrun() -> None:
    assert of_kind(make_poc(readout_posted_at=at(THU2)), FRI2, NudgeKind.cadence) == []
    assert of_kind(make_poc(), MON5, NudgeKind.cadence) == []
    assert of_kind(make_poc(), END, NudgeKind.cadence) != []  # the last day is still the POC


# ---------------------------------------------------------------- what is due: milestones


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (WED2, None),
        (THU2, "Tomorrow: Mid-point check-in"),
        (FRI2, "Today: Mid-point check-in"),
        (MON3, "Mid-point check-in was planned for Fri 13 Mar (1 business day ago)"),
        (date(2026, 3, 20), "(5 business days ago)"),
    ],
)
def test_milestone_reminders(day: date, expected: str | None) -> None:
    found = [n for n in of_kind(make_poc(), day, NudgeKind.milestone) if n.subject == "midpoint"]
    if expected is None:
        assert found == []
        return
    (nudge,) = found
    assert (nudge.key, nudge.internal) == ("milestone:midpoint", False)
    assert expected in nudge.text


def test_a_monday_milestone_is_announced_on_friday() -> None:
    poc = with_milestone(make_poc(), K.midpoint, due=MON3)
    (nudge,) = of_kind(poc, FRI2, NudgeKind.milestone)
    assert "Next business day (Mon 16 Mar)" in nudge.text
    assert of_kind(poc, THU2, NudgeKind.milestone) == []


@pytest.mark.parametrize(
    ("poc", "day", "subject", "expected"),
    [
        (with_milestone(make_poc(), K.midpoint, done_at=at(THU2)), FRI2, "midpoint", False),
        (make_poc(), END, "readout", True),
        (make_poc(readout_posted_at=at(THU4)), END, "readout", False),
        # Commercial next steps wait for the sign-off (due Tue 31 Mar, commercial Tue 7 Apr).
        (make_poc(readout_posted_at=at(END)), date(2026, 4, 7), "commercial", False),
        (
            with_milestone(make_poc(readout_posted_at=at(END)), K.signoff, done_at=at(MON5)),
            date(2026, 4, 7),
            "commercial",
            True,
        ),
        (make_poc(readout_posted_at=at(END)), date(2026, 3, 31), "signoff", True),
    ],
)
def test_milestone_reminder_conditions(poc: Poc, day: date, subject: str, expected: bool) -> None:
    subjects = [n.subject for n in of_kind(poc, day, NudgeKind.milestone)]
    assert (subject in subjects) is expected


# ---------------------------------------------------------------- what is due: read-out ready


def pending(n: int) -> tuple[Criterion, ...]:
    return tuple(Criterion(i, 1, f"Criterion number {i} within 1 hour") for i in range(1, n + 1))


@pytest.mark.parametrize(
    ("day", "criteria", "expected"),
    [
        (TUE4, (C_INGEST, C_DEPLOY), None),
        (WED4, (C_INGEST, C_DEPLOY), "2 of 2 criteria still open"),
        (THU4, (C_INGEST, C_DEPLOY), None),
        (WED4, (*pending(7),), "Criterion number 5 within 1 hour; and 2 more"),
        (WED4, (replace(C_INGEST, verdict=Verdict.passed), C_DEPLOY), "1 of 2 criteria"),
        (WED4, (replace(C_INGEST, verdict=Verdict.passed),), "all 1 criterion are marked"),
    ],
)
def test_readout_ready(day: date, criteria: tuple[Criterion, ...], expected: str | None) -> None:
    found = of_kind(make_poc(criteria=criteria), day, NudgeKind.readout_ready)
    if expected is None:
        assert found == []
        return
    (nudge,) = found
    assert nudge.key == "readout_ready"
    assert "Read-out in 2 business days (Fri 27 Mar)" in nudge.text
    assert expected in nudge.text
    assert "Criterion number 6" not in nudge.text


def test_readout_ready_stops_once_the_readout_is_posted() -> None:
    assert of_kind(make_poc(readout_posted_at=at(TUE4)), WED4, NudgeKind.readout_ready) == []


# ---------------------------------------------------------------- what is due: scope creep

CHANGE = ScopeChange(17, ScopeChangeKind.use_case_added, "Legacy mainframe connector", at(TUE))


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"scope_changes": (CHANGE,)}, True),
        ({"scope_changes": (replace(CHANGE, resolution=ScopeResolution.parked),)}, False),
        ({"scope_changes": (replace(CHANGE, resolution=ScopeResolution.accepted),)}, False),
        ({"scope_changes": (CHANGE,), "delivered_once": frozenset({"scope_creep:17"})}, False),
        ({"scope_changes": (CHANGE,), "delivered_once": frozenset({"scope_creep:18"})}, True),
    ],
)
def test_scope_creep(changes: dict[str, Any], expected: bool) -> None:
    found = of_kind(make_poc(**changes), WED, NudgeKind.scope_creep)
    assert bool(found) is expected
    if expected:
        (nudge,) = found
        assert (nudge.key, nudge.subject, nudge.once, nudge.internal) == (
            "scope_creep:17",
            "17",
            True,
            False,
        )
        assert "Legacy mainframe connector" in nudge.text
        assert "Phase 2" in nudge.text


# ---------------------------------------------------------------- what is due: sponsors

UNBRIEFED = (SE, CHAMPION, BUSINESS, replace(EXEC, briefed_at=None))


@pytest.mark.parametrize(
    ("stakeholders", "day", "expected"),
    [
        (UNBRIEFED, FRI_FEB27, None),  # the business day before kickoff
        (UNBRIEFED, MON, "pause until the executive is looped in"),
        (UNBRIEFED, END, "Vic"),
        (UNBRIEFED, MON5, None),  # the end date has passed: the overrun line speaks
        ((SE, CHAMPION, BUSINESS), MON, "No executive sponsor named"),
        ((SE, CHAMPION, BUSINESS, EXEC), MON, None),
    ],
)
def test_exec_unbriefed(
    stakeholders: tuple[Stakeholder, ...], day: date, expected: str | None
) -> None:
    found = of_kind(make_poc(stakeholders=stakeholders), day, NudgeKind.exec_unbriefed)
    if expected is None:
        assert found == []
        return
    (nudge,) = found
    assert (nudge.key, nudge.internal) == ("exec_unbriefed", True)
    assert expected in nudge.text


@pytest.mark.parametrize(
    ("engagements", "checkins", "day", "expected"),
    [
        ((), (), FRI, None),  # kickoff + 4 days
        ((), (), MON2, "none since kickoff"),  # kickoff + 7 days
        ((engaged(TUE),), (), MON2, None),  # 6 days
        ((engaged(TUE),), (), TUE2, "Tue 3 Mar, 7 days ago"),
        ((engaged(TUE, EngagementKind.email),), (), TUE2, "none since kickoff"),
        ((), (call(TUE),), TUE2, "7 days ago"),
        ((), (call(THU),), TUE2, None),
        ((), (call(THU, fmt=CheckinFormat.email),), TUE2, "none since kickoff"),
        ((), (call(THU, sponsor=False),), TUE2, "none since kickoff"),
        ((), (), MON5, None),  # overrun says it all
    ],
)
def test_sponsor_stalled(
    engagements: tuple[Engagement, ...],
    checkins: tuple[Checkin, ...],
    day: date,
    expected: str | None,
) -> None:
    poc = make_poc(engagements=engagements, checkins=checkins)
    found = of_kind(poc, day, NudgeKind.sponsor_stalled)
    if expected is None:
        assert found == []
        return
    (nudge,) = found
    assert (nudge.key, nudge.internal) == ("sponsor_stalled", True)
    assert expected.replace("none", "no sponsor meeting or call") in nudge.text


@pytest.mark.parametrize(
    ("last_seen", "checkins", "day", "expected"),
    [
        (None, (), WED, None),  # 2 business days after kickoff
        (None, (), THU, "3 business days"),
        (at(THU), (), MON2, None),  # Fri, Mon
        (at(THU), (), TUE2, "3 business days"),
        (at(THU, 23, tz="UTC"), (), TUE2, "3 business days"),
        (None, (call(THU, fmt=CheckinFormat.email, sponsor=False),), MON2, None),
        (at(MON5), (), MON5, None),  # overrun says it all
    ],
)
def test_champion_silent(
    last_seen: datetime | None, checkins: tuple[Checkin, ...], day: date, expected: str | None
) -> None:
    champion = replace(CHAMPION, last_seen_at=last_seen)
    poc = make_poc(stakeholders=(SE, champion, BUSINESS, EXEC), checkins=checkins)
    found = of_kind(poc, day, NudgeKind.champion_silent)
    if expected is None:
        assert found == []
        return
    (nudge,) = found
    assert (nudge.key, nudge.internal, nudge.subject) == ("champion_silent", True, "UCHAMP")
    assert "Dana" in nudge.text
    assert expected in nudge.text


def test_champion_silence_is_judged_in_the_pocs_timezone() -> None:
    # 01:00 UTC Friday is still Thursday evening in New York: Fri, Mon, Tue = 3 days on Tuesday.
    champion = replace(CHAMPION, last_seen_at=datetime(2026, 3, 6, 1, tzinfo=UTC))
    poc = make_poc(tz=NY, stakeholders=(SE, champion, BUSINESS, EXEC))
    assert [n.kind for n in due_nudges(poc, at(TUE2, tz=NY))].count(NudgeKind.champion_silent) == 1
    assert NudgeKind.champion_silent not in kinds(due_nudges(poc, at(MON2, tz=NY)))


# ---------------------------------------------------------------- what is due: overrun


@pytest.mark.parametrize(
    ("changes", "day", "expected"),
    [
        ({}, END, None),
        ({}, MON5, "planned end was Fri 27 Mar (1 business day ago)"),
        ({}, date(2026, 4, 2), "4 business days ago"),
        ({"readout_posted_at": at(END)}, MON5, None),
        ({"status": Status.readout}, MON5, "Shall we set a read-out date"),
    ],
)
def test_overrun(changes: dict[str, Any], day: date, expected: str | None) -> None:
    found = of_kind(make_poc(**changes), day, NudgeKind.overrun)
    if expected is None:
        assert found == []
        return
    (nudge,) = found
    assert nudge.key == "overrun"
    assert expected in nudge.text


def test_overrun_comes_first_and_silences_cadence_and_sponsors() -> None:
    nudges = due_nudges(make_poc(**NEGLECTED), at(MON5))
    assert kinds(nudges)[:2] == [NudgeKind.overrun, NudgeKind.scope_creep]
    for quiet in (NudgeKind.cadence, NudgeKind.sponsor_stalled, NudgeKind.champion_silent):
        assert quiet not in kinds(nudges)


# ---------------------------------------------------------------- snooze


@pytest.mark.parametrize(
    ("snoozed", "kind", "expected"),
    [
        ({"cadence": TUE2}, NudgeKind.cadence, False),  # until tomorrow
        ({"cadence": MON2}, NudgeKind.cadence, True),  # until is the first day it may return
        ({"cadence": FRI}, NudgeKind.cadence, True),
        ({"scope_creep:17": TUE2}, NudgeKind.scope_creep, False),
        ({"scope_creep:18": TUE2}, NudgeKind.scope_creep, True),
        ({"sponsor_stalled": TUE2}, NudgeKind.champion_silent, True),  # only the one snoozed
    ],
)
def test_snooze(snoozed: dict[str, date], kind: NudgeKind, expected: bool) -> None:
    poc = make_poc(**NEGLECTED, snoozed_until=snoozed)
    assert (kind in kinds(due_nudges(poc, at(MON2)))) is expected


def test_snoozing_one_milestone_keeps_the_others() -> None:
    poc = with_milestone(make_poc(), K.readout, due=FRI2)
    keys = [n.key for n in due_nudges(poc, at(FRI2))]
    assert {"milestone:midpoint", "milestone:readout"} <= set(keys)
    snoozed = replace(poc, snoozed_until={"milestone:readout": MON3})
    keys = [n.key for n in due_nudges(snoozed, at(FRI2))]
    assert "milestone:midpoint" in keys
    assert "milestone:readout" not in keys


@pytest.mark.parametrize(
    ("now", "tz", "until"),
    [
        (at(THU), "UTC", MON2),  # Friday skipped, back on Monday
        (at(FRI), "UTC", TUE2),  # the weekend is not a day of snooze
        # 23:00 Thursday in New York is already Friday in UTC: the POC's day decides.
        (at(THU, 23, tz=NY), NY, MON2),
        (at(THU, 23, tz=NY), "UTC", TUE2),
    ],
)
def test_snooze_until(now: datetime, tz: str, until: date) -> None:
    assert snooze_until(now, make_poc(tz=tz)) == until


def test_a_holiday_is_not_a_day_of_snooze() -> None:
    # Snoozed on Thursday with Friday a public holiday: Monday is skipped, back on Tuesday.
    poc = make_poc(tz="UTC", holidays=frozenset({FRI}))
    assert snooze_until(at(THU), poc) == TUE2


def test_snooze_one_day_skips_the_next_business_day_only() -> None:
    poc = make_poc(stakeholders=UNBRIEFED)
    snoozed = replace(poc, snoozed_until={"exec_unbriefed": snooze_until(at(THU), poc)})
    assert NudgeKind.exec_unbriefed in kinds(due_nudges(poc, at(THU)))  # snoozed on Thursday
    assert NudgeKind.exec_unbriefed not in kinds(due_nudges(snoozed, at(FRI)))
    assert NudgeKind.exec_unbriefed in kinds(due_nudges(snoozed, at(MON2)))


# ---------------------------------------------------------------- public holidays


def test_nothing_is_due_on_a_public_holiday_and_counts_skip_it() -> None:
    poc = make_poc(stakeholders=UNBRIEFED, holidays=frozenset({FRI}))
    assert due_nudges(poc, at(FRI)) == []  # a holiday is as quiet as a weekend
    assert due_nudges(replace(poc, holidays=frozenset()), at(FRI)) != []
    # Weekly cadence, last call Monday 2 March: due five business days later, on Monday 9
    # March; with Friday 6 March a holiday, on Tuesday 10 March.
    weekly = make_poc(checkins=(call(MON),))
    assert "due today" in of_kind(weekly, MON2, NudgeKind.cadence)[0].text
    weekly = replace(weekly, holidays=frozenset({FRI}))
    assert of_kind(weekly, MON2, NudgeKind.cadence) == []
    assert "due today" in of_kind(weekly, TUE2, NudgeKind.cadence)[0].text


def test_an_overdue_milestone_counts_business_days_without_holidays() -> None:
    poc = with_milestone(make_poc(), K.midpoint, due=MON2)
    (plain,) = of_kind(poc, FRI2, NudgeKind.milestone)
    assert "(4 business days ago)" in plain.text
    (fewer,) = of_kind(replace(poc, holidays=frozenset({WED2})), FRI2, NudgeKind.milestone)
    assert "(3 business days ago)" in fewer.text


# ---------------------------------------------------------------- words for the customer

#: Seller sayings, jargon and internal ratings: never in a nudge the prospect may read.
NOT_FOR_THE_CUSTOMER = (
    "time kills",
    "scope creep",
    "executive buyer",
    "email doesn't count",
    "sponsor engagement",
    "on track",
    "at risk",
    "off track",
)


def test_what_the_prospect_may_read_is_worded_for_them() -> None:
    from bot.domain import ScopeChange

    stalled = make_poc(
        checkins=(),
        stakeholders=(*make_poc().stakeholders[:3],),
        scope_changes=tuple(
            ScopeChange(i, kind, "SSO via Okta", at(MON2)) for i, kind in enumerate(ScopeChangeKind)
        ),
    )
    said = [
        n.text.lower()
        for offset in range(45)
        for n in due_nudges(stalled, at(MON + timedelta(days=offset)))
        if not n.internal
    ]
    assert len({t[:20] for t in said}) >= 6  # milestones, cadence, read-out, requests, overrun
    assert [t for t in said if any(w in t for w in NOT_FOR_THE_CUSTOMER)] == []
    assert any(
        t.startswith("new request: sso via okta — shall we add it to phase 2?") for t in said
    )
