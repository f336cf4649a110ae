"""The delivery policy (bot/rules/policy.py): back-off, worse resets, manners in the deal
channel. Dates are the hand-written calendar of tests/rules/poc.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.domain import MilestoneKind, Nudge, NudgeKind, Role, Stakeholder
from bot.rules import due_nudges
from bot.rules.policy import Said, Way, backed_off, condition, decide
from tests.rules.poc import (
    END,
    FRI,
    MON,
    MON2,
    MON3,
    THU,
    TUE,
    TUE2,
    WED,
    WED2,
    at,
    make_poc,
    with_milestone,
)

UNBRIEFED = Stakeholder(Role.exec_sponsor, name="Vic")


def alert(kind: NudgeKind = NudgeKind.exec_unbriefed, day: date = MON, **kw: object) -> Nudge:
    return Nudge(kind=kind, key=kind.value, local_date=day, text="…", internal=True, **kw)  # type: ignore[arg-type]


def said(n: Nudge, cond: str, *days: date, where: str = "USE") -> list[Said]:
    return [Said(n.key, d, where, cond) for d in days]


def test_an_unchanged_alert_repeats_after_two_then_five_then_weekly_business_days() -> None:
    poc = make_poc()
    n = alert()
    cond = "x|0"
    assert not backed_off(n.key, cond, [], MON, poc)
    history = said(n, cond, MON)
    assert backed_off(n.key, cond, history, TUE, poc)
    assert not backed_off(n.key, cond, history, WED, poc)  # 2 business days on
    history += said(n, cond, WED)
    assert backed_off(n.key, cond, history, date(2026, 3, 10), poc)  # Tue: 4 days on
    assert not backed_off(n.key, cond, history, WED2, poc)  # 5 business days on
    history += said(n, cond, WED2)
    assert backed_off(n.key, cond, history, date(2026, 3, 17), poc)
    assert not backed_off(n.key, cond, history, date(2026, 3, 18), poc)  # weekly after


def test_a_weekend_and_a_holiday_do_not_count_towards_the_back_off() -> None:
    poc = make_poc(holidays=frozenset({MON2}))
    history = said(alert(), "x|0", FRI)
    # Fri → Tue is one business day when Monday is a holiday.
    assert backed_off("exec_unbriefed", "x|0", history, TUE2, poc)
    assert not backed_off("exec_unbriefed", "x|0", history, WED2, poc)


def test_a_worse_condition_is_said_at_once() -> None:
    poc = make_poc(readout_posted_at=None)
    late_a_day = due_nudges(poc, at(date(2026, 3, 30), 10))
    overrun = next(n for n in late_a_day if n.kind == NudgeKind.overrun)
    early = condition(poc, overrun, date(2026, 3, 30))
    later = condition(poc, overrun, date(2026, 4, 6))  # a week late: worse
    assert early != later
    assert early.rpartition("|")[0] == later.rpartition("|")[0]  # the same item
    history = said(overrun, early, date(2026, 4, 2))
    x = decide(poc, [replace(overrun, local_date=date(2026, 4, 6))], history, date(2026, 4, 6))
    assert [d.condition for d in x] == [later]


def test_a_new_check_in_starts_a_new_cadence_item() -> None:
    poc = make_poc()
    n = Nudge(NudgeKind.cadence, "cadence", MON2, "…")
    before = condition(poc, n, MON2)
    from tests.rules.poc import call

    after = condition(replace(poc, checkins=(call(WED),)), n, MON2)
    assert before != after


def test_each_deal_channel_item_is_said_there_once_then_repeats_go_internal() -> None:
    poc = with_milestone(make_poc(), MilestoneKind.midpoint, due=MON2)
    n = next(x for x in due_nudges(poc, at(TUE2, 10)) if x.kind == NudgeKind.milestone)
    cond = condition(poc, n, TUE2)
    first = decide(poc, [n], [], TUE2)
    assert [d.way for d in first] == [Way.channel]
    history = said(n, cond, TUE2, where=poc.channel_id)
    # Two business days on the overdue mid-point is repeated, to us, not to the prospect.
    thu = replace(n, local_date=date(2026, 3, 12))
    again = decide(poc, [thu], history, date(2026, 3, 12))
    assert [(d.way, d.condition) for d in again] == [(Way.internal, cond)]


def test_one_top_level_message_a_day_and_two_a_week_in_the_deal_channel() -> None:
    poc = make_poc()
    a = Nudge(NudgeKind.cadence, "cadence", WED, "…")
    b = Nudge(NudgeKind.milestone, "milestone:midpoint", WED, "…", subject="midpoint")
    posted_today = [Said("milestone:kickoff", WED, poc.channel_id, "k|0")]
    assert decide(poc, [a], posted_today, WED) == []  # waits for tomorrow
    # A reply in a thread is not the day's message.
    threaded = [Said("scope_creep:1", WED, poc.channel_id, "", in_thread=True)]
    assert [d.way for d in decide(poc, [a], threaded, WED)] == [Way.channel]
    two_this_week = [
        Said("milestone:kickoff", MON, poc.channel_id, "k|0"),
        Said("readout_ready", TUE, poc.channel_id, "|0"),
    ]
    # The week's two are out: a new item goes to us instead.
    assert [d.way for d in decide(poc, [a, b], two_this_week, THU)] == [Way.internal] * 2
    # A new week, a new allowance.
    assert [d.way for d in decide(poc, [replace(a, local_date=MON2)], two_this_week, MON2)] == [
        Way.channel
    ]


def test_quiet_mode_sends_every_nudge_the_internal_way() -> None:
    from bot.domain import WorkspaceSettings

    poc = make_poc(workspace=WorkspaceSettings(quiet_channels=frozenset({"C1"})))
    n = Nudge(NudgeKind.cadence, "cadence", WED, "…")
    assert [d.way for d in decide(poc, [n], [], WED)] == [Way.internal]


def test_alerts_with_their_own_rhythm_are_never_backed_off() -> None:
    poc = make_poc()
    paused = alert(NudgeKind.paused, MON3)
    history = said(paused, condition(poc, paused, MON2), MON2)
    assert len(decide(poc, [paused], history, MON3)) == 1


def test_naming_an_executive_changes_the_briefing_item() -> None:
    nobody = make_poc(
        stakeholders=tuple(s for s in make_poc().stakeholders if s.role != Role.exec_sponsor)
    )
    named = make_poc(
        stakeholders=(*nobody.stakeholders, UNBRIEFED),
    )
    n = alert(day=MON3)
    assert condition(nobody, n, MON3) != condition(named, n, MON3)


def test_the_end_date_itself_is_not_overrun() -> None:
    poc = make_poc()
    assert not [n for n in due_nudges(poc, at(END, 10)) if n.kind == NudgeKind.overrun]
