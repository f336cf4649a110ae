"""bot.governance: the rules of PRODUCT.md, checked against dates worked out by hand.

The calendar: Monday 2026-03-02 is kickoff of a four-week POC ending Friday 2026-03-27, in UTC
unless a test says otherwise. Every expected date is written out, not computed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain import (
    Cadence,
    Checkin,
    CheckinFormat,
    Criterion,
    Engagement,
    EngagementKind,
    Health,
    Milestone,
    MilestoneKind,
    Nudge,
    NudgeKind,
    Poc,
    Role,
    ScopeChange,
    ScopeChangeKind,
    ScopeResolution,
    Skin,
    Stakeholder,
    Status,
    UseCase,
    Verdict,
)
from bot.governance import (
    NUDGE_PRIORITY,
    Go,
    Lint,
    Vote,
    add_business_days,
    after_kickoff,
    business_days_between,
    days_left,
    default_milestones,
    due_nudges,
    effective_verdict,
    health,
    is_business_day,
    lint_criterion,
    local_today,
    next_milestone,
    qualify,
    reaction_verdict,
    score,
    sponsor_pulse,
)

K = MilestoneKind
NY = "America/New_York"

# ---------------------------------------------------------------- the calendar, by hand

FRI_FEB27 = date(2026, 2, 27)
MON = date(2026, 3, 2)  # kickoff
TUE = date(2026, 3, 3)
WED = date(2026, 3, 4)
THU = date(2026, 3, 5)
FRI = date(2026, 3, 6)
SAT = date(2026, 3, 7)
SUN = date(2026, 3, 8)
MON2 = date(2026, 3, 9)
TUE2 = date(2026, 3, 10)
WED2 = date(2026, 3, 11)
THU2 = date(2026, 3, 12)
FRI2 = date(2026, 3, 13)  # mid-point
MON3 = date(2026, 3, 16)
TUE4 = date(2026, 3, 24)
WED4 = date(2026, 3, 25)
THU4 = date(2026, 3, 26)
END = date(2026, 3, 27)  # Friday: read-out
MON5 = date(2026, 3, 30)


def at(d: date, hour: int = 10, minute: int = 0, tz: str = "UTC") -> datetime:
    """A local wall-clock time in `tz`, handed over in UTC as the scheduler does."""
    return datetime.combine(d, time(hour, minute), tzinfo=ZoneInfo(tz)).astimezone(UTC)


# ---------------------------------------------------------------- a fully GO POC

CHAMPION = Stakeholder(Role.champion, user_id="UCHAMP", name="Dana")
BUSINESS = Stakeholder(Role.business_sponsor, name="Sam")
EXEC = Stakeholder(Role.exec_sponsor, name="Vic", briefed_at=at(date(2026, 2, 25)))
SE = Stakeholder(Role.se, user_id="USE")
INGEST = UseCase(1, "Ingest our logs")
DEPLOY = UseCase(2, "Deploy a microservice")
C_INGEST = Criterion(
    1, 1, "The system ingests 500GB of JSON payload within 1 hour without dropping packets."
)
C_DEPLOY = Criterion(
    2,
    2,
    "A junior engineer can deploy a new microservice via the CI/CD integration in under "
    "5 minutes, as measured during the final workshop.",
)
PLAN = (
    Milestone(K.scoping, date(2026, 2, 26), done_at=at(date(2026, 2, 26))),
    Milestone(K.kickoff, MON, done_at=at(MON, 9)),
    Milestone(K.midpoint, FRI2),
    Milestone(K.readout, END),
    Milestone(K.signoff, date(2026, 3, 31)),
    Milestone(K.commercial, date(2026, 4, 7)),
)


def make_poc(**changes: Any) -> Poc:
    """A POC that qualifies GO; each test changes only what it is about."""
    poc = Poc(
        id=7,
        team_id="T1",
        channel_id="C1",
        prospect="Acme",
        start=MON,
        end=END,
        budget_confirmed=True,
        skin=Skin.funded,
        stakeholders=(SE, CHAMPION, BUSINESS, EXEC),
        use_cases=(INGEST, DEPLOY),
        criteria=(C_INGEST, C_DEPLOY),
        milestones=PLAN,
    )
    return replace(poc, **changes)


def with_milestone(poc: Poc, kind: MilestoneKind, **changes: Any) -> Poc:
    milestones = tuple(replace(m, **changes) if m.kind == kind else m for m in poc.milestones)
    return replace(poc, milestones=milestones)


def call(day: date, *, sponsor: bool = True, fmt: CheckinFormat = CheckinFormat.call) -> Checkin:
    return Checkin(held_on=day, format=fmt, sponsor_present=sponsor, health=Health.green)


def engaged(day: date, kind: EngagementKind = EngagementKind.meeting) -> Engagement:
    return Engagement(at=at(day, 15), kind=kind, who="Vic")


def kinds(nudges: list[Nudge]) -> list[NudgeKind]:
    return [n.kind for n in nudges]


def of_kind(poc: Poc, day: date, kind: NudgeKind, **kw: Any) -> list[Nudge]:
    return [n for n in due_nudges(poc, at(day, **kw)) if n.kind == kind]


# ---------------------------------------------------------------- business days


@pytest.mark.parametrize(
    ("d", "expected"),
    [(MON, True), (WED, True), (FRI, True), (SAT, False), (SUN, False)],
)
def test_is_business_day(d: date, expected: bool) -> None:
    assert is_business_day(d) is expected


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (FRI, 1, MON2),  # Friday + 1 skips the weekend
        (SAT, 1, MON2),  # from a weekend day, +1 is Monday
        (SUN, 1, MON2),
        (THU, 2, MON2),
        (WED, 5, WED2),  # a week
        (MON, 10, MON3),  # two weeks
        (MON2, -1, FRI),
        (SAT, -1, FRI),
        (SUN, -2, THU),
        (FRI2, -5, FRI),
        (WED, 0, WED),
        (SAT, 0, SAT),  # 0 moves nothing, even on a weekend
    ],
)
def test_add_business_days(d: date, n: int, expected: date) -> None:
    assert add_business_days(d, n) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (THU, MON2, 2),  # Fri, Mon
        (FRI, MON2, 1),
        (FRI, SAT, 0),
        (SAT, SUN, 0),
        (SAT, MON2, 1),
        (WED, WED, 0),
        (MON, MON3, 10),
        (MON2, FRI, -1),
        (MON3, MON, -10),
        (date(2025, 12, 31), date(2027, 1, 1), 262),  # 2026 has 261 business days, + Fri 1 Jan
    ],
)
def test_business_days_between(a: date, b: date, expected: int) -> None:
    assert business_days_between(a, b) == expected


def test_business_days_between_inverts_add_business_days() -> None:
    for offset in range(14):
        a = MON + timedelta(days=offset)
        for n in range(-12, 13):
            b = add_business_days(a, n)
            # From a weekend day, -1 lands on Friday: (Fri, Sat] holds 0 business days.
            expected = n if is_business_day(a) or n >= 0 else n + 1
            assert business_days_between(a, b) == expected, (a, n)


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 11, 19, 6, 30, tzinfo=UTC), "America/Los_Angeles", date(2026, 11, 18)),
        (datetime(2026, 11, 19, 6, 30, tzinfo=UTC), "UTC", date(2026, 11, 19)),
        (datetime(2026, 11, 18, 23, 30, tzinfo=UTC), "Asia/Tokyo", date(2026, 11, 19)),
    ],
)
def test_local_today(now: datetime, tz: str, expected: date) -> None:
    assert local_today(now, tz) == expected


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_today(datetime(2026, 3, 2, 10), "UTC")


# ---------------------------------------------------------------- qualification


def test_the_fixture_is_go() -> None:
    q = qualify(make_poc())
    assert (q.verdict, q.reasons, q.warnings) == (Go.go, (), ())


FOUR_USE_CASES = tuple(UseCase(i, f"Use case {i}") for i in range(1, 5))
FOUR_CRITERIA = tuple(Criterion(i, i, f"Does {i} things within 1 hour") for i in range(1, 5))


@pytest.mark.parametrize(
    ("changes", "code", "level", "says"),
    [
        ({"budget_confirmed": False}, "no_budget", Go.no_go, "do not proceed"),
        ({"end": MON}, "end_before_start", Go.no_go, "time-boxed"),
        ({"end": FRI_FEB27}, "end_before_start", Go.no_go, "Fri 27 Feb"),
        ({"use_cases": (), "criteria": ()}, "no_use_cases", Go.no_go, "see what it can do"),
        ({"stakeholders": (SE, CHAMPION, BUSINESS)}, "exec_missing", Go.at_risk, "budget"),
        (
            {"stakeholders": (SE, CHAMPION, BUSINESS, replace(EXEC, briefed_at=None))},
            "exec_not_briefed",
            Go.at_risk,
            "pause until the executive is looped in",
        ),
        ({"stakeholders": (SE, BUSINESS, EXEC)}, "no_champion", Go.at_risk, "technical sponsor"),
        ({"stakeholders": (SE, CHAMPION, EXEC)}, "no_business_sponsor", Go.at_risk, "business"),
        (
            {"skin": Skin.none},
            "no_skin",
            Go.at_risk,
            "collaborative < funded < conditional purchase order",
        ),
        ({"use_cases": (INGEST,), "criteria": (C_INGEST,)}, "too_few_use_cases", Go.at_risk, "2–3"),
        (
            {"use_cases": FOUR_USE_CASES, "criteria": FOUR_CRITERIA},
            "too_many_use_cases",
            Go.at_risk,
            "Phase 2",
        ),
        ({"criteria": (C_INGEST,)}, "criteria_missing", Go.at_risk, "Deploy a microservice"),
    ],
)
def test_each_reason_alone(changes: dict[str, Any], code: str, level: Go, says: str) -> None:
    q = qualify(make_poc(**changes))
    assert [r.code for r in q.reasons] == [code]
    assert q.verdict == level == q.reasons[0].level
    assert says in q.reasons[0].text


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        (
            {
                "budget_confirmed": False,
                "end": FRI_FEB27,
                "skin": Skin.none,
                "stakeholders": (SE, replace(EXEC, briefed_at=None)),
                "use_cases": (INGEST,),
                "criteria": (),
            },
            [
                "no_budget",
                "end_before_start",
                "exec_not_briefed",
                "no_champion",
                "no_business_sponsor",
                "no_skin",
                "too_few_use_cases",
                "criteria_missing",
            ],
        ),
        (
            {"stakeholders": (), "use_cases": (), "criteria": ()},
            ["exec_missing", "no_champion", "no_business_sponsor", "no_use_cases"],
        ),
        (
            {"use_cases": (*FOUR_USE_CASES, UseCase(5, "Mainframe")), "criteria": FOUR_CRITERIA},
            ["too_many_use_cases", "criteria_missing"],
        ),
    ],
)
def test_every_reason_is_listed(changes: dict[str, Any], codes: list[str]) -> None:
    q = qualify(make_poc(**changes))
    assert sorted(r.code for r in q.reasons) == sorted(codes)
    expected = Go.no_go if any(r.level == Go.no_go for r in q.reasons) else Go.at_risk
    assert q.verdict == expected
    assert all(r.text for r in q.reasons)


def test_missing_criteria_name_each_use_case() -> None:
    q = qualify(make_poc(criteria=()))
    assert "Ingest our logs" in q.reasons[0].text
    assert "Deploy a microservice" in q.reasons[0].text


FLAGGED = replace(C_DEPLOY, statement="The UI is intuitive", lint_flags=("subjective",))


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"end": date(2026, 4, 2)}, "time kills all deals"),  # 31 days
        ({"criteria": (C_INGEST, FLAGGED)}, '"The UI is intuitive" (subjective)'),
        ({"skin": Skin.collaborative}, "conditional purchase order"),
    ],
)
def test_warnings_do_not_change_the_verdict(changes: dict[str, Any], says: str) -> None:
    q = qualify(make_poc(**changes))
    assert q.verdict == Go.go
    assert len(q.warnings) == 1
    assert says in q.warnings[0]


def test_thirty_days_is_not_too_long() -> None:
    assert qualify(make_poc(end=date(2026, 4, 1))).warnings == ()


# ---------------------------------------------------------------- criteria lint

POOR = ("The system handles our data ingestion well.", "The UI is intuitive for our DevOps team.")
EXCELLENT_1 = "The system ingests 500GB of JSON payload within 1 hour without dropping packets."
EXCELLENT_2 = (
    "A junior engineer can deploy a new microservice via the CI/CD integration in under "
    "5 minutes, as measured during the final workshop."
)


@pytest.mark.parametrize("statement", POOR)
def test_the_seeds_poor_criteria_are_flagged(statement: str) -> None:
    lint = lint_criterion(statement)
    assert not lint.ok
    assert [w.code for w in lint.warnings] == ["subjective", "unmeasurable"]


def test_the_seeds_excellent_criteria_pass() -> None:
    assert lint_criterion(EXCELLENT_1).warnings == ()
    assert lint_criterion(EXCELLENT_2) == Lint()  # no warnings and no hints at all


SUBJ, UNMEAS, SHORT, EMPTY = "subjective", "unmeasurable", "too_short", "empty"
NO_TIME, NO_METHOD = "no_time_bound", "no_method"


@pytest.mark.parametrize(
    ("statement", "method", "warnings", "hints"),
    [
        (POOR[0], "", [SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        (POOR[1], "", [SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        (EXCELLENT_1, "", [], [NO_METHOD]),
        (EXCELLENT_2, "", [], []),
        ("The software must be easy to use.", "", [SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        ("Dashboards load fast for 50 concurrent users.", "", [SUBJ], [NO_TIME, NO_METHOD]),
        ("The breakfast menu syncs to 3 kitchens within 10 minutes.", "", [], [NO_METHOD]),
        ("The wellness app exports 1,000 records within 2 seconds.", "", [], [NO_METHOD]),
        ("Ingests 10 GB of logs as well as 2 GB of metrics within 1 hour.", "", [], [NO_METHOD]),
        ("The API parses well-formed JSON at 5,000 requests/s.", "", [], [NO_METHOD]),
        (
            "The platform is user-friendly and seamless for 20 analysts.",
            "",
            [SUBJ],
            [NO_TIME, NO_METHOD],
        ),
        ("Setup is quick and simple, as measured by the survey.", "", [SUBJ, UNMEAS], [NO_TIME]),
        ("The cluster is robust and scalable.", "", [SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        ("Zero dropped packets during the 2-hour soak test.", "", [], [NO_METHOD]),
        ("No data is lost when a node fails over.", "", [], [NO_TIME, NO_METHOD]),
        ("Every nightly backup completes before 6 am.", "Backup logs", [], []),
        ("p95 latency under 200 ms at 50 concurrent users", "JMeter, final workshop", [], []),
        ("The report is GOOD ENOUGH for 3 auditors within 2 days.", "", [SUBJ], [NO_METHOD]),
        ("Reports render reliably in under 3s for 100 users.", "Grafana", [SUBJ], []),
        ("Approved by monitoring staff for 3 use cases.", "Sign-off form", [], [NO_TIME]),
        ("Fast.", "", [SHORT, SUBJ, UNMEAS], [NO_TIME, NO_METHOD]),
        ("", "", [EMPTY], []),
        ("   \n", "", [EMPTY], []),
    ],
)
def test_lint_table(statement: str, method: str, warnings: list[str], hints: list[str]) -> None:
    lint = lint_criterion(statement, method)
    assert [w.code for w in lint.warnings] == warnings
    assert [h.code for h in lint.hints] == hints
    assert lint.ok is (not warnings)
    assert all(i.message and i.hint for i in (*lint.warnings, *lint.hints))


@pytest.mark.parametrize(
    ("statement", "words", "hint"),
    [
        (POOR[1], ['"intuitive"'], "who does what in how long"),
        (POOR[0], ['"well"'], "a threshold: 'ingests 500 GB"),
        ("Queries are fast on 10 TB.", ['"fast"'], "a number with a unit: 'p95 latency"),
        ("It is Seamless and RELIABLE for 3 teams.", ['"seamless"', '"reliable"'], "threshold"),
    ],
)
def test_subjective_names_the_words_and_fits_the_hint(
    statement: str, words: list[str], hint: str
) -> None:
    issue = lint_criterion(statement).warnings[0]
    assert issue.code == "subjective"
    assert all(w in issue.message for w in words)
    assert hint in issue.hint


# ---------------------------------------------------------------- Mutual Evaluation Plan


def plan(*dates: date) -> dict[MilestoneKind, date]:
    return dict(zip(MilestoneKind, dates, strict=True))


@pytest.mark.parametrize(
    ("start", "end", "today", "expected"),
    [
        pytest.param(WED, WED, date(2026, 2, 23), plan(MON, WED, WED, WED, FRI, FRI2), id="1-day"),
        pytest.param(
            MON,
            FRI2,
            date(2026, 2, 20),
            plan(date(2026, 2, 26), MON, FRI, FRI2, date(2026, 3, 17), date(2026, 3, 24)),
            id="2-week",
        ),
        pytest.param(
            MON,
            date(2026, 4, 10),
            date(2026, 2, 20),
            plan(
                date(2026, 2, 26),
                MON,
                date(2026, 3, 20),
                date(2026, 4, 10),
                date(2026, 4, 14),
                date(2026, 4, 21),
            ),
            id="6-week",
        ),
        pytest.param(
            SAT,
            date(2026, 3, 20),
            WED,
            plan(THU, MON2, FRI2, date(2026, 3, 20), TUE4, date(2026, 3, 31)),
            id="starts-saturday",
        ),
        pytest.param(
            SAT, SUN, WED, plan(THU, MON2, MON2, MON2, WED2, date(2026, 3, 18)), id="weekend-poc"
        ),
        pytest.param(
            MON, FRI2, WED, plan(MON, MON, FRI, FRI2, date(2026, 3, 17), TUE4), id="created-late"
        ),
        pytest.param(
            MON2,
            date(2026, 3, 20),
            SAT,
            plan(MON2, MON2, FRI2, date(2026, 3, 20), TUE4, date(2026, 3, 31)),
            id="created-on-saturday",
        ),
    ],
)
def test_default_milestones(
    start: date, end: date, today: date, expected: dict[MilestoneKind, date]
) -> None:
    assert default_milestones(start, end, today=today) == expected


def test_default_milestones_are_business_days_in_order() -> None:
    for offset in range(7):
        start = MON + timedelta(days=offset)
        for length in (0, 1, 2, 3, 6, 13, 20, 41):
            for lead in (-3, 0, 1, 5, 10):
                today = start - timedelta(days=lead)
                got = default_milestones(start, start + timedelta(days=length), today=today)
                dates = list(got.values())
                assert list(got) == list(MilestoneKind)
                assert all(is_business_day(d) for d in dates), (start, length, lead)
                assert dates == sorted(dates), (start, length, lead)
                assert got[K.readout] < got[K.signoff] < got[K.commercial]


# ---------------------------------------------------------------- verdicts from reactions


@pytest.mark.parametrize(
    ("reaction", "expected"),
    [
        ("white_check_mark", Verdict.passed),
        ("heavy_check_mark", Verdict.passed),
        ("white_check_mark::skin-tone-2", Verdict.passed),
        (":heavy_check_mark:", Verdict.passed),
        ("x", Verdict.failed),
        ("x::skin-tone-5", Verdict.failed),
        ("thumbsup", None),
        ("x-ray", None),
        ("", None),
    ],
)
def test_reaction_verdict(reaction: str, expected: Verdict | None) -> None:
    assert reaction_verdict(reaction) == expected


T = [datetime(2026, 3, 10, 12, minute, tzinfo=UTC) for minute in range(10)]
OK, OK2, NO = "white_check_mark", "heavy_check_mark", "x"


def add(user: str, reaction: str, t: int) -> Vote:
    return Vote(user, reaction, True, T[t])


def remove(user: str, reaction: str, t: int) -> Vote:
    return Vote(user, reaction, False, T[t])


P, F, PEND = Verdict.passed, Verdict.failed, Verdict.pending


@pytest.mark.parametrize(
    ("votes", "verdict", "by", "t", "conflict", "voters"),
    [
        pytest.param([], PEND, None, None, False, (), id="none"),
        pytest.param([add("U1", OK, 0)], P, "U1", 0, False, (("U1", P),), id="add"),
        pytest.param([add("U1", OK, 0), remove("U1", OK, 1)], PEND, None, None, False, (), id="rm"),
        pytest.param(
            [add("U1", OK, 0), add("U2", NO, 1)],
            F,
            "U2",
            1,
            True,
            (("U1", P), ("U2", F)),
            id="conflict",
        ),
        pytest.param(
            [add("U1", OK, 0), add("U2", NO, 1), remove("U2", NO, 2)],
            P,
            "U1",
            0,
            False,
            (("U1", P),),
            id="revert-to-previous",
        ),
        pytest.param(
            [add("U1", OK, 0), add("U1", OK, 0)], P, "U1", 0, False, (("U1", P),), id="retried"
        ),
        pytest.param(
            [add("U1", OK, 0), add("U1", OK, 3)], P, "U1", 0, False, (("U1", P),), id="re-added"
        ),
        pytest.param(
            [add("U1", OK, 0), add("U1", OK2, 1), remove("U1", OK, 2)],
            P,
            "U1",
            1,
            False,
            (("U1", P),),
            id="two-ticks-one-removed",
        ),
        pytest.param(
            [add("U1", OK, 0), add("U1", NO, 1), remove("U1", OK, 2)],
            F,
            "U1",
            1,
            False,
            (("U1", F),),
            id="changed-mind",
        ),
        pytest.param(
            [add("U1", OK, 0), add("U2", "tada", 1), add("U2", "thumbsup", 2)],
            P,
            "U1",
            0,
            False,
            (("U1", P),),
            id="ignored-reactions",
        ),
        pytest.param([remove("U1", OK, 0)], PEND, None, None, False, (), id="remove-only"),
        pytest.param(
            [add("U2", NO, 0), add("U1", OK, 1), add("U2", OK, 2), remove("U2", NO, 3)],
            P,
            "U2",
            2,
            False,
            (("U1", P), ("U2", P)),
            id="voters-oldest-first",
        ),
        pytest.param(
            [add("U1", "x::skin-tone-3", 0), remove("U1", "x::skin-tone-3", 1)],
            PEND,
            None,
            None,
            False,
            (),
            id="skin-tone",
        ),
    ],
)
def test_effective_verdict(
    votes: list[Vote],
    verdict: Verdict,
    by: str | None,
    t: int | None,
    conflict: bool,
    voters: tuple[tuple[str, Verdict], ...],
) -> None:
    state = effective_verdict(votes)
    assert (state.verdict, state.by, state.conflict, state.voters) == (
        verdict,
        by,
        conflict,
        voters,
    )
    assert state.at == (T[t] if t is not None else None)


# ---------------------------------------------------------------- progress


@pytest.mark.parametrize(
    ("poc", "now", "expected"),
    [
        (with_milestone(make_poc(), K.kickoff, done_at=None), at(date(2026, 3, 1)), False),
        (with_milestone(make_poc(), K.kickoff, done_at=None), at(MON, 17), False),
        (with_milestone(make_poc(), K.kickoff, done_at=None), at(TUE, 8), True),
        (make_poc(), at(MON, 9), True),  # marked done at 09:00
        (make_poc(), at(MON, 8), False),  # … not yet at 08:00
        (make_poc(milestones=()), at(MON, 17), False),  # no plan: the start date decides
        (make_poc(milestones=()), at(TUE), True),
        # 21:00 Monday in Los Angeles is already Tuesday in UTC: still kickoff day there.
        (make_poc(milestones=(), tz="America/Los_Angeles"), at(TUE, 5), False),
        (make_poc(milestones=(), tz="America/Los_Angeles"), at(WED, 5), True),
    ],
)
def test_after_kickoff(poc: Poc, now: datetime, expected: bool) -> None:
    assert after_kickoff(poc, now) is expected


def test_score() -> None:
    criteria = [
        C_INGEST,
        replace(C_DEPLOY, verdict=Verdict.passed),
        replace(C_DEPLOY, id=3, verdict=Verdict.passed),
        replace(C_DEPLOY, id=4, verdict=Verdict.failed),
    ]
    s = score(criteria)
    assert (s.passed, s.failed, s.pending, s.total) == (2, 1, 1, 4)
    assert score([]).total == 0


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (at(WED4), "UTC", 2),
        (at(END), "UTC", 0),
        (at(MON5), "UTC", -3),
        (datetime(2026, 3, 28, 2, tzinfo=UTC), NY, 0),  # still Friday evening in New York
    ],
)
def test_days_left(now: datetime, tz: str, expected: int) -> None:
    assert days_left(make_poc(tz=tz), now) == expected


@pytest.mark.parametrize(
    ("poc", "now", "expected"),
    [
        (make_poc(), at(WED), (K.midpoint, FRI2)),
        (make_poc(), at(MON5), (K.midpoint, FRI2)),  # overdue comes first
        (with_milestone(make_poc(), K.midpoint, done_at=at(FRI2)), at(MON5), (K.readout, END)),
        (with_milestone(make_poc(), K.kickoff, done_at=None), at(WED), (K.kickoff, MON)),
        (make_poc(milestones=tuple(replace(m, done_at=at(MON)) for m in PLAN)), at(WED), None),
        (make_poc(milestones=()), at(WED), None),
    ],
)
def test_next_milestone(
    poc: Poc, now: datetime, expected: tuple[MilestoneKind, date] | None
) -> None:
    assert next_milestone(poc, now) == expected


@pytest.mark.parametrize(
    ("engagements", "checkins", "last", "since", "recent", "previous", "trend"),
    [
        ((), (), None, None, 0, 0, "flat"),
        ((engaged(MON2),), (), MON2, 2, 1, 0, "up"),
        ((engaged(MON2, EngagementKind.email),), (), None, None, 0, 0, "flat"),
        ((engaged(MON2, EngagementKind.message),), (), None, None, 0, 0, "flat"),
        ((engaged(MON2, EngagementKind.briefing),), (), MON2, 2, 1, 0, "up"),
        ((), (call(TUE2),), TUE2, 1, 1, 0, "up"),
        ((), (call(TUE2, fmt=CheckinFormat.email),), None, None, 0, 0, "flat"),
        ((), (call(TUE2, sponsor=False),), None, None, 0, 0, "flat"),
        ((engaged(date(2026, 4, 1)),), (), None, None, 0, 0, "flat"),  # logged ahead of time
        # Today is Wed 11 Mar: the last 14 days are 26 Feb–11 Mar, the 14 before 12–25 Feb.
        (
            (engaged(date(2026, 2, 26)), engaged(date(2026, 2, 25))),
            (),
            date(2026, 2, 26),
            13,
            1,
            1,
            "flat",
        ),
        (
            (engaged(date(2026, 2, 12)), engaged(date(2026, 2, 20))),
            (),
            date(2026, 2, 20),
            19,
            0,
            2,
            "down",
        ),
        ((engaged(date(2026, 2, 11)),), (), date(2026, 2, 11), 28, 0, 0, "flat"),
    ],
)
def test_sponsor_pulse(
    engagements: tuple[Engagement, ...],
    checkins: tuple[Checkin, ...],
    last: date | None,
    since: int | None,
    recent: int,
    previous: int,
    trend: str,
) -> None:
    pulse = sponsor_pulse(make_poc(engagements=engagements, checkins=checkins), at(WED2))
    assert (pulse.last_engaged, pulse.days_since, pulse.recent, pulse.previous, pulse.trend) == (
        last,
        since,
        recent,
        previous,
        trend,
    )


# ---------------------------------------------------------------- health

#: A POC in good shape on Wednesday 11 March: sponsors met yesterday, champion active.
HEALTHY: dict[str, Any] = {
    "checkins": (call(TUE2),),
    "stakeholders": (SE, replace(CHAMPION, last_seen_at=at(TUE2)), BUSINESS, EXEC),
}


QUIET_CHAMPION: dict[str, Any] = {
    "checkins": (call(FRI),),
    "stakeholders": (SE, replace(CHAMPION, last_seen_at=at(FRI)), BUSINESS, EXEC),
}


def checked_in(h: Health) -> tuple[Checkin, ...]:
    return (call(MON2), replace(call(TUE2), health=h))


@pytest.mark.parametrize(
    ("changes", "now", "expected"),
    [
        ({}, at(WED2), Health.green),
        ({"budget_confirmed": False}, at(WED2), Health.red),
        ({"checkins": checked_in(Health.red)}, at(WED2), Health.red),
        ({"checkins": (call(TUE2, sponsor=False),)}, at(WED2), Health.red),  # no sponsor in 9 days
        ({"checkins": (call(TUE2, fmt=CheckinFormat.email),)}, at(WED2), Health.red),
        ({"checkins": (call(MON5),)}, at(MON5), Health.red),  # overrun
        ({"checkins": (call(MON5),), "status": Status.readout}, at(MON5), Health.green),
        ({"checkins": (call(MON5),), "readout_posted_at": at(END)}, at(MON5), Health.green),
        ({"skin": Skin.none}, at(WED2), Health.yellow),
        ({"checkins": checked_in(Health.yellow)}, at(WED2), Health.yellow),
        (
            {"criteria": (replace(C_INGEST, verdict=Verdict.failed), C_DEPLOY)},
            at(WED2),
            Health.yellow,
        ),
        # The champion's last word was Friday: Mon, Tue, Wed, Thu is silence.
        ({**QUIET_CHAMPION, "engagements": (engaged(TUE2),)}, at(THU2), Health.yellow),
    ],
)
def test_health(changes: dict[str, Any], now: datetime, expected: Health) -> None:
    assert health(make_poc(**{**HEALTHY, **changes}), now) == expected


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
    assert "email doesn't count" in nudge.text


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
        (MON3, "Overdue by 1 business day: Mid-point check-in was due Fri 13 Mar"),
        (date(2026, 3, 20), "Overdue by 5 business days"),
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
        (WED4, (C_INGEST, C_DEPLOY), "2 of 2 criteria still pending"),
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
        (UNBRIEFED, MON5, "Vic"),
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
        ({}, MON5, "ended Fri 27 Mar, 1 business day ago"),
        ({}, date(2026, 4, 2), "4 business days ago"),
        ({"readout_posted_at": at(END)}, MON5, None),
        ({"status": Status.readout}, MON5, "Time kills all deals"),
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
