"""bot.rules.lifecycle: a POC that is over is quiet, a paused one hears once a week, the AE is
asked for the outcome after the commercial step, and a POC abandoned past its end is warned,
then closed — with literal POCs and the calendar of tests/rules/poc.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.domain import (
    CheckinFormat,
    EngagementKind,
    NewPoc,
    Person,
    ReadoutAnswer,
    Role,
    Stakeholder,
    Status,
    WorkspaceSettings,
)
from bot.rules import (
    Act,
    Go,
    auto_close_due,
    draft,
    due_nudges,
    exec_disengaged_days,
    is_closed,
    kicked_off,
    last_activity,
    open_to,
    paused_days,
    qualify,
    signed_off_on,
    status_after_pause,
)
from tests.rules.poc import (
    END,
    MON,
    MON2,
    MON3,
    TUE,
    WED,
    at,
    call,
    engaged,
    make_poc,
    with_milestone,
)

K_SIGNOFF = "signoff"


def kinds(poc: object, day: date, hour: int = 10) -> list[str]:
    return [n.kind.value for n in due_nudges(poc, at(day, hour))]  # type: ignore[arg-type]


def business_days(start: date, n: int) -> date:
    d = start
    while n:
        d += timedelta(days=1)
        n -= d.weekday() < 5
    return d


# ---------------------------------------------------------------- closed and paused


@pytest.mark.parametrize("status", [Status.won, Status.lost, Status.no_decision])
def test_a_closed_poc_is_quiet_and_only_looked_at(status: Status) -> None:
    poc = make_poc(status=status)
    overdue = make_poc(end=MON)  # the same POC, running, past its end: plenty is due
    assert kinds(overdue, MON3) and kinds(poc, MON3) == []
    assert is_closed(poc)
    assert open_to(Act.see_status, poc) and open_to(Act.see_history, poc)
    assert not any(open_to(a, poc) for a in (Act.close, Act.log_checkin, Act.snooze, Act.extend))


def test_a_paused_poc_hears_only_its_weekly_reminder() -> None:
    poc = make_poc(status=Status.paused, paused_at=at(TUE, 11), pause_reason="Budget <review>")
    said = {day: kinds(poc, day) for day in (WED, MON2, TUE + timedelta(days=7), MON3)}
    assert said == {WED: [], MON2: [], TUE + timedelta(days=7): ["paused"], MON3: []}
    (reminder,) = due_nudges(poc, at(TUE + timedelta(days=7)))
    assert reminder.internal
    assert "Paused for 5 business days (Budget <review>) — time kills deals" in reminder.text
    assert kinds(poc, TUE + timedelta(days=14)) == ["paused"]
    assert paused_days(poc, TUE + timedelta(days=14)) == 10
    assert paused_days(make_poc(), MON3) == 0  # not paused


def test_a_resumed_poc_picks_up_where_it_was() -> None:
    assert status_after_pause(make_poc()) == Status.active
    assert status_after_pause(make_poc(readout_posted_at=at(END))) == Status.readout


# ---------------------------------------------------------------- the outcome


def test_the_outcome_is_asked_5_business_days_after_the_signoff_then_weekly() -> None:
    signed = make_poc(readout_posted_at=at(END), signed_off_at=at(END, 15))
    days = [business_days(END, n) for n in range(1, 16)]
    asked = [d for d in days if "outcome_due" in kinds(signed, d)]
    assert asked == [business_days(END, 5), business_days(END, 10), business_days(END, 15)]
    unsigned = make_poc(readout_posted_at=at(END))
    assert "outcome_due" not in kinds(unsigned, business_days(END, 5))
    ae = replace(signed, stakeholders=(*signed.stakeholders, Stakeholder(Role.ae, user_id="UAE")))
    (ask,) = [n for n in due_nudges(ae, at(business_days(END, 5))) if n.kind == "outcome_due"]
    assert ask.internal and "UAE, what was the outcome?" in ask.text


def test_the_signoff_day_falls_back_on_the_milestone() -> None:
    legacy = with_milestone(make_poc(), "signoff", done_at=at(WED))  # type: ignore[arg-type]
    assert signed_off_on(legacy) == WED
    assert signed_off_on(make_poc()) is None


# ---------------------------------------------------------------- abandoned


def test_last_activity_is_the_end_at_the_earliest() -> None:
    poc = make_poc(end=MON)
    assert last_activity(poc) == MON
    assert last_activity(replace(poc, checkins=(call(MON2),))) == MON2
    seen = replace(CHAMPION_SEEN, last_seen_at=at(MON3, 8))
    assert last_activity(replace(poc, stakeholders=(seen,))) == MON3
    answered = ReadoutAnswer(Role.champion, True, at(TUE + timedelta(days=7)), user_id="UCHAMP")
    assert last_activity(replace(poc, readout_answers=(answered,))) == TUE + timedelta(days=7)


CHAMPION_SEEN = Stakeholder(Role.champion, user_id="UCHAMP")


def test_one_warning_five_business_days_before_the_poc_is_closed() -> None:
    poc = make_poc(readout_posted_at=at(END))  # read out, then nothing
    day25, day30 = business_days(END, 25), business_days(END, 30)
    assert "auto_close_warning" not in kinds(poc, business_days(END, 24))
    (warning,) = [n for n in due_nudges(poc, at(day25)) if n.kind == "auto_close_warning"]
    assert warning.once and warning.internal
    assert warning.key == f"auto_close_warning:{END.isoformat()}:{day30.isoformat()}"
    assert f"On {day30:%a} {day30.day} {day30:%b} it closes as no decision" in warning.text
    # Not closed without the warning having been said…
    assert not auto_close_due(poc, at(day30))
    warned = replace(poc, delivered_once=frozenset({warning.key}))
    # …said once, then closed on the day it named, from the nudge hour, on a business day.
    assert "auto_close_warning" not in kinds(warned, business_days(END, 26))
    assert not auto_close_due(warned, at(business_days(END, 29)))
    assert not auto_close_due(warned, at(day30, 8))
    assert auto_close_due(warned, at(day30, 9))
    assert day30.weekday() == 4 and not auto_close_due(warned, at(day30 + timedelta(days=1)))
    assert auto_close_due(warned, at(day30 + timedelta(days=3)))  # the Monday after
    assert not auto_close_due(replace(warned, status=Status.paused), at(day30))
    # The workspace's nudge hour wins over the deployment's.
    late = replace(warned, workspace=WorkspaceSettings(nudge_hour=11))
    assert not auto_close_due(late, at(day30, 10)) and auto_close_due(late, at(day30, 11))


def test_activity_after_the_warning_keeps_it_open() -> None:
    poc = make_poc(readout_posted_at=at(END))
    day25, day30 = business_days(END, 25), business_days(END, 30)
    (warning,) = [n for n in due_nudges(poc, at(day25)) if n.kind == "auto_close_warning"]
    later = business_days(END, 27)
    busy = replace(poc, delivered_once=frozenset({warning.key}), checkins=(call(later),))
    assert not auto_close_due(busy, at(day30))
    assert "auto_close_warning" not in kinds(busy, day30), "the clock starts again"


def test_a_poc_long_quiet_gets_its_full_notice() -> None:
    poc = make_poc(readout_posted_at=at(END))
    late = business_days(END, 60)  # quiet for long when the rule came in
    (warning,) = [n for n in due_nudges(poc, at(late)) if n.kind == "auto_close_warning"]
    assert warning.key.endswith(business_days(END, 65).isoformat())


# ---------------------------------------------------------------- kickoff and sponsors


def test_kicked_off_on_its_day_or_when_marked_done() -> None:
    poc = with_milestone(make_poc(), "kickoff", done_at=None)  # type: ignore[arg-type]
    assert not kicked_off(poc, at(MON - timedelta(days=1)))
    assert kicked_off(poc, at(MON, 0))
    early = with_milestone(poc, "kickoff", done_at=at(MON - timedelta(days=3)))  # type: ignore[arg-type]
    assert kicked_off(early, at(MON - timedelta(days=1)))


def test_a_new_poc_is_judged_before_it_is_stored() -> None:
    new = NewPoc(
        channel_id="C1",
        prospect="Acme",
        start=MON,
        end=END,
        created_by="USE",
        budget_confirmed=True,
        people=(Person(Role.se, user_id="USE"),),
        use_cases=("Ingest", "Deploy"),
    )
    poc = draft(new)
    assert (poc.prospect, [u.title for u in poc.use_cases]) == ("Acme", ["Ingest", "Deploy"])
    assert qualify(poc).verdict == Go.at_risk  # no sponsors, no criteria, no skin
    assert qualify(draft(replace(new, budget_confirmed=False))).verdict == Go.no_go


def test_an_executive_not_engaged_for_14_days_is_an_internal_alert() -> None:
    poc = make_poc()  # Vic, the executive, briefed on Wed 25 Feb
    assert exec_disengaged_days(poc, MON2) is None  # 9 days after kickoff: counted from it
    assert exec_disengaged_days(poc, MON3) == 14
    assert "exec_disengaged" in kinds(poc, MON3)
    met = replace(poc, engagements=(engaged(MON2),))
    assert exec_disengaged_days(met, MON3) is None
    # A call with the business sponsor or the champion is not the executive engaged.
    others = replace(poc, checkins=(call(MON2, fmt=CheckinFormat.meeting),))
    assert exec_disengaged_days(others, MON3) == 14
    by_email = replace(poc, engagements=(engaged(MON2, EngagementKind.email),))
    assert exec_disengaged_days(by_email, MON3) == 14
