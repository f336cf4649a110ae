"""Every view and message builder, fed the largest inputs people can type, stays within Slack.

The POC here is as big as the forms and the database allow (names of 200 characters, use
cases of 300, criteria of 500, a pain of 2,000, dozens of criteria, check-ins and parked
requests), and every text carries mrkdwn that must stay inert. Each builder's output is
validated with slack_sdk's models and walked for the limits slack_sdk does not check: option
and button values, texts, labels, placeholders, fallback texts. A builder added to bot.views
without a case here fails `test_every_builder_is_walked`.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

import bot.views
from bot.domain import (
    Checkin,
    CheckinFormat,
    Criterion,
    Engagement,
    EngagementKind,
    Health,
    MilestoneKind,
    Nudge,
    NudgeKind,
    ParkedItem,
    ReadoutAnswer,
    Role,
    ScopeChange,
    ScopeChangeKind,
    Skin,
    Stakeholder,
    Status,
    Thresholds,
    UseCase,
    Verdict,
    VerdictState,
    WorkspaceSettings,
)
from bot.rules import Go, Outcomes, Period, Report, Share, TeamFilter, WeekNews, due_nudges, qualify
from bot.rules import signoff as signoff_state
from bot.views import (
    checkin,
    criteria,
    digest,
    help,
    history,
    holidays,
    home,
    kickoff,
    lifecycle,
    nudges,
    poc_new,
    privacy,
    readout,
    replan,
    settings,
    signoff,
    sponsor,
    team,
    team_digest,
)
from bot.views import report as report_view
from bot.views import status as status_view
from bot.views.text import (
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_FALLBACK_TEXT,
    MAX_OPTION_TEXT,
    MAX_OPTION_VALUE,
    MAX_TEXT,
    escape,
)
from storage import models as m
from storage.history import Entry
from tests.views.checks import check_blocks, check_view, mrkdwn_texts
from tests.views.factories import AE, NOW, SE, START, TODAY, at, make_poc
from tests.views.template_cases import biggest_templates, offers, template_cases

#: Mentions, a broadcast, an entity and a fake link: all must reach Slack inert.
HOSTILE = "<!channel> <@U123> & <http://x|y> "


def long(n: int, seed: str = "") -> str:
    """`n` characters of hostile text (as long as the form or column allows)."""
    text = (seed + HOSTILE) * (n // len(seed + HOSTILE) + 1)
    return text[:n]


def biggest_poc() -> Any:
    names = {Role.business_sponsor: long(200, "Bea "), Role.exec_sponsor: long(200, "Erin ")}
    people = (
        SE,
        AE,
        Stakeholder(Role.champion, user_id="UCHAMP", name=long(200, "Chris ")),
        *(Stakeholder(role, name=name) for role, name in names.items()),
        *(Stakeholder(Role.evaluator, user_id=f"UEVAL{i:02d}") for i in range(20)),
    )
    use_cases = tuple(UseCase(i, long(300, f"Use case {i} ")) for i in range(1, 11))
    verdicts = (Verdict.passed, Verdict.failed, Verdict.pending)
    crits = tuple(
        Criterion(
            i,
            1 + i % 10,
            long(500, f"Criterion {i} "),
            method=long(500, "Timed "),
            verdict=verdicts[i % 3],
            verdict_by="UCHAMP" if i % 3 != 2 else None,
            verdict_at=at(TODAY) if i % 3 != 2 else None,
            conflict=i % 7 == 0,
            lint_flags=("subjective", "unmeasurable"),
            added_after_kickoff=i % 2 == 0,
            message_ts=f"1700000000.{i:06d}",
        )
        for i in range(1, 61)
    )
    checkins = tuple(
        Checkin(
            START + timedelta(days=i),
            CheckinFormat.meeting,
            True,
            Health.yellow,
            long(2000, "Summary "),
            long(2000, "Blocked "),
            "USE",
        )
        for i in range(12)
    )
    return make_poc(
        prospect=long(200, "Globex "),
        pain=long(2000, "Pain\n"),
        stakeholders=people,
        use_cases=use_cases,
        criteria=crits,
        checkins=checkins,
        engagements=tuple(
            Engagement(at(START), EngagementKind.meeting, long(200, "Erin "), long(1000, "Out "))
            for _ in range(5)
        ),
        scope_changes=tuple(
            ScopeChange(100 + i, ScopeChangeKind.use_case_added, long(1000, "SSO "), at(TODAY))
            for i in range(40)
        ),
        parked=tuple(ParkedItem(long(1000, "Later "), "USE", at(TODAY)) for _ in range(30)),
    )


def every_nudge(poc: Any) -> list[Nudge]:
    """Each kind with the longest text the rules can write (it quotes what people typed)."""
    subjects = {NudgeKind.milestone: "readout", NudgeKind.scope_creep: "100"}
    made = [
        Nudge(
            kind,
            f"{kind.value}:{subjects.get(kind, '')}",
            TODAY,
            long(3000, f"{kind.value} "),
            subject=subjects.get(kind, "UCHAMP"),
        )
        for kind in NudgeKind
    ]
    found = due_nudges(replace(poc, end=TODAY - timedelta(days=3)), NOW)
    keys = {n.key for n in made}
    return [*made, *(n for n in found if n.key not in keys)]


def busy_workspace() -> WorkspaceSettings:
    """Every setting set, every list at its longest."""
    return WorkspaceSettings(
        nudge_hour=23,
        holiday_country="AU-NSW",
        digest=False,
        thresholds=Thresholds(60, 30, 365),
        quiet_channels=frozenset(f"C{i:010d}" for i in range(150)),
        admins=tuple(f"U{i:010d}" for i in range(150)),
        managers=tuple(f"U{i:010d}" for i in range(150)),
    )


def engagement() -> sponsor.EngagementInput:
    return sponsor.EngagementInput(
        long(200, "Erin "), Role.exec_sponsor, EngagementKind.call, TODAY, long(1000, "Out ")
    )


def a_checkin() -> checkin.CheckinInput:
    return checkin.CheckinInput(
        TODAY,
        CheckinFormat.email,
        tuple(f"UEVAL{i:02d}" for i in range(30)),
        True,
        long(2000, "Summary "),
        long(2000, "Blocked "),
        Health.red,
    )


def cases() -> dict[str, Callable[[], Any]]:
    """Builder name -> what it builds from the biggest inputs."""
    poc = biggest_poc()
    crit, uc = poc.criteria[6], poc.use_cases[6]
    state = VerdictState(
        Verdict.passed,
        "UCHAMP",
        NOW,
        True,
        tuple((f"UEVAL{i:02d}", Verdict.failed) for i in range(20)),
    )
    q = qualify(replace(poc, stakeholders=(SE,), budget_confirmed=False))
    found = every_nudge(poc)
    message = nudges.nudge_blocks(poc, found)
    return {
        "checkin.checkin_modal": lambda: checkin.checkin_modal(poc),
        "checkin.checkin_blocks": lambda: checkin.checkin_blocks(poc, a_checkin(), logged_by="U1"),
        "checkin.checkin_text": lambda: checkin.checkin_text(poc, a_checkin()),
        "criteria.criteria_modal": lambda: criteria.criteria_modal(
            poc, use_case_id=uc.id, offers=offers(poc, long)
        ),
        "criteria.criterion_blocks": lambda: criteria.criterion_blocks(poc, crit, uc, state=state),
        "criteria.criterion_text": lambda: criteria.criterion_text(crit),
        "help.help_blocks": lambda: help.help_blocks(long(3000, "oops ")),
        "help.help_text": lambda: help.help_text(long(3000, "oops ")),
        "holidays.holidays_text": lambda: holidays.holidays_text(
            replace(
                poc, calendar="US", holidays=frozenset(TODAY + timedelta(days=i) for i in range(40))
            ),
            today=TODAY,
            names={TODAY + timedelta(days=i): long(200, "Day ") for i in range(40)},
            changed_by="USE",
        ),
        "home.home_view": lambda: home.home_view(
            [replace(poc, id=i) for i in range(40)],
            NOW,
            settings=settings.settings_blocks(busy_workspace(), deployment_hour=9),
        ),
        "settings.settings_blocks": lambda: settings.settings_blocks(
            busy_workspace(), deployment_hour=9
        ),
        "settings.settings_modal": lambda: settings.settings_modal(
            busy_workspace(), deployment_hour=9
        ),
        "kickoff.kickoff_blocks": lambda: kickoff.kickoff_blocks(poc),
        "kickoff.kickoff_text": lambda: kickoff.kickoff_text(poc),
        "kickoff.verdict_blocks": lambda: kickoff.verdict_blocks(poc, q),
        "kickoff.verdict_text": lambda: kickoff.verdict_text(poc, q),
        "nudges.nudge_blocks": lambda: message,
        "digest.digest_blocks": lambda: digest.digest_blocks(
            [(replace(poc, id=i), found) for i in range(40)], NOW.date(), part=(1, 2)
        ),
        "digest.digest_text": lambda: digest.digest_text([(poc, found)] * 40),
        "nudges.nudge_text": lambda: nudges.nudge_text(poc, found),
        "nudges.acted_blocks": lambda: nudges.acted_blocks(
            message, key=found[0].key, note=f"✓ Parked by <@USE>: {escape(long(3000))}"
        ),
        "nudges.safe_text": lambda: nudges.safe_text(poc, long(3000, "UCHAMP said ")),
        "poc_new.new_poc_modal": lambda: poc_new.new_poc_modal(
            channel_id="C" * 20,
            tz="UTC",
            templates=[t.summary for t in biggest_templates(poc, long)],
            chosen=biggest_templates(poc, long)[-1],
        ),
        "privacy.exposed_text": lambda: privacy.exposed_text(poc, "C" * 20, deleted=10_000),
        "readout.readout_blocks": lambda: readout.readout_blocks(poc),
        "readout.readout_text": lambda: readout.readout_text(poc),
        "readout.disagree_blocks": lambda: readout.disagree_blocks(user_id="UCHAMP"),
        "readout.disagree_text": lambda: readout.disagree_text(user_id="UCHAMP"),
        "sponsor.sponsor_modal": lambda: sponsor.sponsor_modal(poc),
        "sponsor.engagement_blocks": lambda: sponsor.engagement_blocks(
            poc, engagement(), logged_by="U1"
        ),
        "sponsor.engagement_text": lambda: sponsor.engagement_text(poc, engagement()),
        "status.status_blocks": lambda: status_view.status_blocks(poc, NOW, internal=True),
        "status.status_text": lambda: status_view.status_text(poc, NOW),
        "status.status_modal": lambda: status_view.status_modal(poc, NOW, internal=True),
        **life_cases(poc),
        **team_cases(poc),
        **template_cases(poc, long),
        **report_cases(),
    }


def team_cases(poc: Any) -> dict[str, Callable[[], Any]]:
    """The managers' Team view: the biggest POCs, live and closed, filters set, the settings."""
    closed = replace(poc, status=Status.lost, closed_at=NOW, kickoff_verdict="NO-GO")
    pocs = [replace(poc, id=i) for i in range(30)] + [
        replace(closed, id=100 + i) for i in range(30)
    ]
    chosen = team.TeamState(page=2, filter=TeamFilter(se="USE", ae="UAE"))
    news = WeekNews(
        verdicts=tuple((replace(poc, id=i), Go.no_go) for i in range(100)),
        overruns=tuple(replace(poc, id=i) for i in range(100)),
        stalled=tuple((replace(poc, id=i), 10_000) for i in range(100)),
        closed=tuple(replace(closed, id=i) for i in range(100)),
    )
    return {
        "team_digest.team_digest_blocks": lambda: team_digest.team_digest_blocks(news, TODAY),
        "team_digest.team_digest_text": lambda: team_digest.team_digest_text(news, TODAY),
        "team.team_view": lambda: team.team_view(
            pocs,
            NOW,
            state=chosen,
            tail=settings.settings_blocks(busy_workspace(), deployment_hour=9),
        ),
    }


def answers(poc: Any) -> Any:
    """The champion's and an executive's agreement, with the longest notes and names."""
    return replace(
        poc,
        readout_answers=(
            ReadoutAnswer(Role.champion, True, NOW, user_id="UCHAMP", note=long(1000, "Ok ")),
            ReadoutAnswer(
                Role.exec_sponsor,
                True,
                NOW,
                name=long(200, "Erin "),
                recorded_by="USE",
                note=long(1000, "Fine "),
                exceptions=True,
            ),
        ),
    )


def trail() -> list[Entry]:
    """Hundreds of facts of every kind, each quoting the longest text people can type."""
    kinds = [
        "created", "criterion_added", "vote", "vote_removed", "scope:use_case_added",
        "scope_parked", "scope_accepted", "parked", "milestone_done", "readout_posted",
        "agreed", "agreed_with_exceptions", "disagreed", "closed", "paused", "resumed",
        "plan_shifted", "milestone_moved", "signed_off", "something_new",
    ]  # fmt: skip
    return [
        Entry(at(TODAY), kind, "UCHAMP", long(1000, "passed "), long(500, "readout "))
        for kind in kinds
        for _ in range(20)
    ]


def report_cases() -> dict[str, Callable[[], Any]]:
    """`/poc report` over a big team's year: every group full, figures in the thousands."""
    many = Outcomes(won=4321, lost=3210, no_decision=2109)
    figures = Report(
        period=Period(TODAY - timedelta(days=3650), TODAY),
        partial=True,
        started=12_345,
        outcomes=many,
        by_verdict=(*((g, many) for g in Go), (None, many)),
        by_skin=tuple((s, many) for s in Skin),
        by_briefing=((True, many), (False, many)),
        median_days=123.5,
        median_planned_days=30,
        overran=Share(5432, 9640),
        criteria=Share(45_678, 56_789),
        criteria_pending=1234,
        scope_changes=98_765,
    )
    return {
        "report.report_blocks": lambda: report_view.report_blocks(figures, today=TODAY),
        "report.report_text": lambda: report_view.report_text(figures),
    }


def life_cases(poc: Any) -> dict[str, Callable[[], Any]]:
    """The life-cycle's builders: close, pause, resume, extend, move, sign-off, history."""
    signed = answers(poc)
    state = signoff_state(signed)
    closed = replace(signed, status=Status.won, closed_at=NOW, closed_by="UAE")
    moved = {MilestoneKind.readout: TODAY, MilestoneKind.signoff: TODAY}
    return {
        "lifecycle.outcome_blocks": lambda: lifecycle.outcome_blocks(
            closed, Status.won, by="UAE", note=long(1000, "Signed "), today=TODAY
        ),
        "lifecycle.outcome_text": lambda: lifecycle.outcome_text(closed, Status.lost),
        "lifecycle.resumed_blocks": lambda: lifecycle.resumed_blocks(poc, 260),
        "lifecycle.new_plan_blocks": lambda: lifecycle.new_plan_blocks(
            poc, title=long(200, "New "), end=TODAY, dates=moved, by="USE"
        ),
        "replan.extend_modal": lambda: replan.extend_modal(poc),
        "replan.move_modal": lambda: replan.move_modal(poc, NOW, milestone=MilestoneKind.readout),
        "history.history_blocks": lambda: history.history_blocks(poc, trail()),
        "history.history_text": lambda: history.history_text(poc, trail()),
        "signoff.agree_modal": lambda: signoff.agree_modal(poc),
        "signoff.record_modal": lambda: signoff.record_modal(poc, exceptions=True),
        "signoff.answer_text": lambda: signoff.answer_text(
            signed, signed.readout_answers[-1], state
        ),
        "signoff.signed_off_text": lambda: signoff.signed_off_text(signed, state),
    }


BUILDER_SUFFIXES = ("_blocks", "_view", "_modal", "_text")
#: Pieces of a message, clipped by the block that holds them: only their inertness counts.
FRAGMENTS = {"nudges.safe_text"}


def builders() -> set[str]:
    """Every public builder in bot.views (module.function, named *_blocks/_view/_modal/_text)."""
    found = set()
    for info in pkgutil.iter_modules(bot.views.__path__):
        if info.name in ("text", "forms"):
            continue  # the toolkit, not builders
        module = importlib.import_module(f"bot.views.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            mine = fn.__module__ == module.__name__ and not name.startswith("_")
            if mine and name.endswith(BUILDER_SUFFIXES):
                found.add(f"{info.name}.{name}")
    return found


def test_every_builder_is_walked() -> None:
    assert builders() == set(cases())


# ---------------------------------------------------------------- the walk


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def check_limits(built: Any) -> None:
    """The limits Slack enforces on what we send, checked on every element of `built`."""
    for node in walk(built):
        kind = node.get("type")
        if "value" in node and "text" in node and kind is None:  # an option
            assert len(node["value"]) <= MAX_OPTION_VALUE, node["value"][:80]
            assert len(node["text"]["text"]) <= MAX_OPTION_TEXT
        if kind == "button":
            assert len(node.get("value", "")) <= MAX_BUTTON_VALUE
            assert len(node["text"]["text"]) <= MAX_BUTTON_TEXT
        if kind in ("mrkdwn", "plain_text"):
            assert len(node["text"]) <= MAX_TEXT
        if kind == "plain_text_input":
            assert 0 < node["max_length"] <= MAX_TEXT
            assert len(node.get("placeholder", {}).get("text", "")) <= 150
            assert len(node.get("initial_value", "")) <= node["max_length"]
        if kind == "input":
            assert len(node["label"]["text"]) <= 2000
        if kind == "header":
            assert len(node["text"]["text"]) <= 150
        if "block_id" in node:
            assert len(node["block_id"]) <= 255
        if "action_id" in node:
            assert len(node["action_id"]) <= 255


def check_inert(built: Any) -> None:
    """No mrkdwn (or fallback text) carries the user's mention, broadcast or link live."""
    texts = [built] if isinstance(built, str) else list(mrkdwn_texts(built))
    assert texts
    for text in texts:
        for live in ("<!channel>", "<@U123>", "<http://x|y>"):
            assert live not in text, (live, text[:120])
        # a clipped text never ends inside an entity or a mention
        assert not text.endswith(("&amp…", "&lt…", "&l…", "&a…", "&…", "<@…"))


@pytest.mark.parametrize("name", sorted(cases()))
def test_builder_within_slack_limits_and_inert(name: str) -> None:
    built = cases()[name]()
    if name in FRAGMENTS:
        check_inert(built)
        return
    if isinstance(built, str):  # fallback text: mrkdwn, up to 4,000 characters
        assert 0 < len(built) <= MAX_FALLBACK_TEXT
        check_inert(built)
        return
    if isinstance(built, dict):
        check_view(built)
    else:
        check_blocks(built)
    check_limits(built)
    if name not in (
        "poc_new.new_poc_modal",
        "criteria.criteria_modal",
        "checkin.checkin_modal",
        "replan.extend_modal",
    ):
        check_inert(built)


def test_a_typed_subcommand_is_echoed_inert() -> None:
    text = help.help_text("<!channel>")
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    blocks = help.help_blocks("<@U123>&<http://x|y>")
    assert "&lt;@U123&gt;&amp;&lt;http://x|y&gt;" in str(blocks)


# ---------------------------------------------------------------- modals against columns

#: Which column each modal text input lands in: its max_length must fit the column, so
#: Slack stops over-long text in the form instead of the database clipping it.
COLUMNS = {
    ("poc_new", "prospect"): m.Poc.__table__.c.prospect,
    ("poc_new", "pain"): m.Poc.__table__.c.pain,
    ("poc_new", "business_sponsor"): m.Stakeholder.__table__.c.name,
    ("poc_new", "exec_sponsor"): m.Stakeholder.__table__.c.name,
    ("criteria", "new_use_case"): m.UseCase.__table__.c.title,
    ("criteria", "statement"): m.Criterion.__table__.c.statement,
    ("criteria", "method"): m.Criterion.__table__.c.method,
    ("checkin", "summary"): m.Checkin.__table__.c.summary,
    ("checkin", "blockers"): m.Checkin.__table__.c.blockers,
    ("sponsor", "who"): m.Engagement.__table__.c.who,
    ("sponsor", "outcome"): m.Engagement.__table__.c.outcome,
    ("extend", "reason"): m.ScopeChange.__table__.c.detail,
    ("agree", "note"): m.ReadoutAnswer.__table__.c.note,
    ("answer", "note"): m.ReadoutAnswer.__table__.c.note,
}


def modals() -> dict[str, dict[str, Any]]:
    poc = make_poc(stakeholders=(SE, AE))  # no sponsors: "who" is typed
    return {
        "poc_new": poc_new.new_poc_modal(channel_id="CDEAL", tz="UTC"),
        "criteria": criteria.criteria_modal(poc),
        "checkin": checkin.checkin_modal(poc),
        "sponsor": sponsor.sponsor_modal(poc),
        "extend": replan.extend_modal(poc),
        "agree": signoff.agree_modal(poc),
        "answer": signoff.record_modal(make_poc(), exceptions=False),
    }


def test_every_text_input_fits_its_column() -> None:
    seen = set()
    for form, view in modals().items():
        for block in view["blocks"]:
            element = block.get("element", {})
            if element.get("type") != "plain_text_input":
                continue
            column = COLUMNS.get((form, block["block_id"]))
            if column is None:
                continue  # dates and use case lists: parsed, never stored as typed
            seen.add((form, block["block_id"]))
            assert element["max_length"] <= column.type.limit, (form, block["block_id"])
    assert seen == set(COLUMNS)


def test_use_cases_fit_their_column() -> None:
    assert m.UseCase.__table__.c.title.type.limit >= poc_new.MAX_USE_CASE_LENGTH


def test_the_biggest_poc_is_big() -> None:
    """The walk is only worth it if the inputs are at the limits."""
    poc = biggest_poc()
    assert len(poc.prospect) == 200 and len(poc.criteria) == 60
    assert max(len(p.name or "") for p in poc.stakeholders) == 200
