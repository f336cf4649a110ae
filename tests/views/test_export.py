"""The CSV export's rows (bot/views/export.py): every column of a known POC, the period, who
may export what, and text that must survive a spreadsheet: commas, quotes, newlines, and cells
a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.domain import (
    DEFAULT_WORKSPACE,
    Criterion,
    Role,
    Stakeholder,
    Status,
    UseCase,
    Verdict,
)
from bot.views.export import (
    CRITERIA_COLUMNS,
    POC_COLUMNS,
    BadPeriod,
    cell,
    criterion_rows,
    export_csv,
    exportable,
    file_names,
    in_period,
    overran,
    poc_row,
    read_period,
)
from tests.views.factories import END, NOW, START, at, make_poc


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_a_closed_poc_row_says_every_column() -> None:
    poc = make_poc(
        status=Status.won,
        kickoff_verdict="AT RISK",
        readout_posted_at=at(END, 15),
        signed_off_at=datetime(2026, 3, 30, 16, 5, 7, tzinfo=UTC),
        closed_at=datetime(2026, 4, 6, 18, 30, tzinfo=UTC),
        end=date(2026, 4, 3),  # extended after kickoff; the plan said END
    )
    assert poc_row(poc, NOW) == {
        "poc_id": "7",
        "prospect": "Acme Corp",
        "channel_id": "CDEAL",
        "se": "USE",
        "ae": "UAE",
        "status": "won",
        "start": "2026-03-02",
        "planned_end": "2026-03-27",
        "end": "2026-04-03",
        "closed_at_utc": "2026-04-06 18:30:00",
        "kickoff_verdict": "AT RISK",
        "skin": "funded",
        "exec_briefed_before_kickoff": "yes",  # briefed 25 Feb, kickoff 2 Mar
        "criteria_passed": "3",
        "criteria_failed": "1",
        "criteria_pending": "2",
        "scope_changes": "1",
        "overran": "no",  # the read-out was on the planned end day
        "signed_off_at_utc": "2026-03-30 16:05:07",
    }
    assert tuple(poc_row(poc, NOW)) == POC_COLUMNS


def test_a_poc_not_kicked_off_nor_closed_leaves_those_cells_empty() -> None:
    row = poc_row(make_poc(), NOW)
    assert (row["status"], row["closed_at_utc"], row["kickoff_verdict"]) == ("active", "", "")
    assert row["signed_off_at_utc"] == ""


def test_parked_criteria_are_not_counted_but_exported_marked() -> None:
    poc = make_poc(
        use_cases=(*make_poc().use_cases, UseCase(4, "SSO via Okta", parked=True)),
        criteria=(
            *make_poc().criteria,
            Criterion(7, 4, "Logs in with Okta", verdict=Verdict.failed),
            Criterion(8, 1, "Exports to S3", verdict=Verdict.passed, parked=True),
        ),
    )
    row = poc_row(poc, NOW)
    assert (row["criteria_passed"], row["criteria_failed"], row["criteria_pending"]) == (
        "3",
        "1",
        "2",
    )
    rows = criterion_rows(poc)
    assert [r["parked"] for r in rows] == ["no"] * 6 + ["yes", "yes"]
    assert rows[6] == {
        "poc_id": "7",
        "use_case": "SSO via Okta",
        "statement": "Logs in with Okta",
        "method": "",
        "verdict": "failed",
        "verdict_by": "",
        "verdict_at_utc": "",
        "parked": "yes",
    }
    assert tuple(rows[0]) == CRITERIA_COLUMNS


def test_a_voted_criterion_says_who_and_when() -> None:
    poc = make_poc(
        criteria=(
            Criterion(
                1,
                1,
                "Ingests 500 GB in 1 hour",
                method="Timed run on their cluster",
                verdict=Verdict.passed,
                verdict_by="UCHAMP",
                verdict_at=datetime(2026, 3, 12, 14, 3, tzinfo=UTC),
            ),
        )
    )
    (row,) = criterion_rows(poc)
    assert (row["use_case"], row["method"], row["verdict_by"], row["verdict_at_utc"]) == (
        "Ingest our logs",
        "Timed run on their cluster",
        "UCHAMP",
        "2026-03-12 14:03:00",
    )


@pytest.mark.parametrize(
    ("execs", "briefed"),
    [
        ((), "no"),  # nobody named: nobody was briefed
        ((Stakeholder(Role.exec_sponsor, name="Erin"),), "no"),
        (
            (Stakeholder(Role.exec_sponsor, name="Erin", briefed_at=at(date(2026, 3, 2), 20)),),
            "yes",
        ),
        ((Stakeholder(Role.exec_sponsor, name="Erin", briefed_at=at(date(2026, 3, 3), 9)),), "no"),
        (
            (
                Stakeholder(Role.exec_sponsor, name="Erin", briefed_at=at(date(2026, 2, 27))),
                Stakeholder(Role.exec_sponsor, name="Ed"),
            ),
            "no",
        ),
    ],
)
def test_exec_briefed_before_kickoff(execs: tuple[Stakeholder, ...], briefed: str) -> None:
    # Kickoff is Monday 2 March (the milestone); the POC's timezone is UTC.
    others = tuple(s for s in make_poc().stakeholders if s.role != Role.exec_sponsor)
    poc = make_poc(stakeholders=others + execs)
    assert poc_row(poc, NOW)["exec_briefed_before_kickoff"] == briefed


def test_briefed_on_kickoff_day_counts_in_the_pocs_own_timezone() -> None:
    # 02:00 UTC on 3 March is still 2 March in New York: briefed on the kickoff day.
    execs = (Stakeholder(Role.exec_sponsor, name="Erin", briefed_at=at(date(2026, 3, 3), 2)),)
    others = tuple(s for s in make_poc().stakeholders if s.role != Role.exec_sponsor)
    assert poc_row(make_poc(stakeholders=others + execs), NOW)["exec_briefed_before_kickoff"] == (
        "no"
    )
    ny = make_poc(stakeholders=others + execs, tz="America/New_York")
    assert poc_row(ny, NOW)["exec_briefed_before_kickoff"] == "yes"


def test_overran_is_against_the_end_agreed_at_kickoff() -> None:
    late = at(date(2026, 3, 30))
    assert not overran(make_poc(), NOW)  # running, before its end
    assert overran(make_poc(), at(date(2026, 3, 28)))  # running, a day past it
    assert not overran(make_poc(readout_posted_at=at(END)), at(date(2026, 5, 1)))
    assert overran(make_poc(readout_posted_at=late), NOW)
    # Extended to 3 April and read out on 30 March: within the new end, past the plan.
    assert overran(make_poc(end=date(2026, 4, 3), readout_posted_at=late), NOW)
    # Lost before its end without a read-out: the close is when it finished.
    assert not overran(make_poc(status=Status.lost, closed_at=at(date(2026, 3, 20))), late)
    assert overran(make_poc(status=Status.lost, closed_at=late), late)


def test_the_period_is_when_the_poc_ran() -> None:
    poc = make_poc()  # 2 March to 27 March, still running
    assert in_period(poc, date(2026, 1, 1), date(2026, 3, 2))
    assert not in_period(poc, date(2026, 1, 1), date(2026, 3, 1))  # not started yet
    assert in_period(poc, date(2027, 1, 1), date(2027, 2, 1))  # never closed: still running
    closed = make_poc(status=Status.won, closed_at=datetime(2026, 4, 1, 2, tzinfo=UTC))
    assert in_period(closed, date(2026, 4, 1), date(2026, 4, 30))
    assert not in_period(closed, date(2026, 4, 2), date(2026, 4, 30))
    # 02:00 UTC on 1 April is 31 March in New York: closed before April there.
    ny = replace(closed, tz="America/New_York")
    assert not in_period(ny, date(2026, 4, 1), date(2026, 4, 30))
    assert in_period(ny, date(2026, 3, 31), date(2026, 4, 30))


def test_a_manager_exports_the_team_anyone_else_their_own() -> None:
    theirs = make_poc(id=1)
    others = make_poc(
        id=2,
        stakeholders=(Stakeholder(Role.se, user_id="UOTHER"), Stakeholder(Role.ae, user_id="UX")),
    )
    champion = "UCHAMP"  # on the POC, but the prospect's: not an insider
    assert [p.id for p in exportable([theirs, others], "USE")] == [1]
    assert [p.id for p in exportable([theirs, others], champion)] == []
    managed = replace(DEFAULT_WORKSPACE, managers=("UMGR",))
    team = [replace(p, workspace=managed) for p in (theirs, others)]
    assert [p.id for p in exportable(team, "UMGR")] == [1, 2]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Acme = Globex", "Acme = Globex"),  # only a formula's first character matters
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(typed: str, shown: str) -> None:
    assert cell(typed) == shown


def test_commas_quotes_newlines_and_formulas_survive_the_round_trip() -> None:
    nasty = 'Acme, "the big one"\nsecond line'
    poc = make_poc(
        prospect=nasty,
        criteria=(
            Criterion(
                1,
                1,
                '=1+1 passes, "quoted"\r\nand on',
                method="@run it; -v, +x",
                verdict=Verdict.passed,
            ),
        ),
    )
    done = export_csv([poc], first=START, last=END, now=NOW)
    assert done.pocs_csv.startswith(",".join(POC_COLUMNS) + "\r\n")
    (row,) = parsed(done.pocs_csv)
    assert row == poc_row(poc, NOW) and row["prospect"] == nasty
    (crit,) = parsed(done.criteria_csv)
    assert crit["statement"] == '\'=1+1 passes, "quoted"\r\nand on'
    assert crit["method"] == "'@run it; -v, +x"
    assert crit == criterion_rows(poc)[0]
    assert '"Acme, ""the big one""\nsecond line"' in done.pocs_csv  # RFC 4180 quoting


def test_the_export_holds_the_pocs_of_the_period_by_id() -> None:
    pocs = [
        make_poc(id=9),
        make_poc(id=3, start=date(2026, 5, 1), end=date(2026, 5, 20), original_end=None),
        make_poc(id=5, status=Status.lost, closed_at=at(date(2026, 3, 10))),
    ]
    done = export_csv(pocs, first=date(2026, 3, 1), last=date(2026, 3, 31), now=NOW)
    assert [r["poc_id"] for r in parsed(done.pocs_csv)] == ["5", "9"]
    assert (done.pocs, done.criteria) == (2, 12)
    assert {r["poc_id"] for r in parsed(done.criteria_csv)} == {"5", "9"}
    empty = export_csv([], first=START, last=END, now=NOW)
    assert empty.pocs_csv == ",".join(POC_COLUMNS) + "\r\n" and empty.pocs == 0


def test_a_poc_without_an_original_end_is_planned_to_its_end() -> None:
    row = poc_row(make_poc(original_end=None), NOW)
    assert row["planned_end"] == row["end"] == "2026-03-27"


@pytest.mark.parametrize(
    ("typed", "period"),
    [
        ("", (date(2026, 1, 5), date(2026, 4, 5))),
        ("since 2026-01-01", (date(2026, 1, 1), date(2026, 4, 5))),
        ("2026-01-01", (date(2026, 1, 1), date(2026, 4, 5))),
        ("since 2026-01-01 until 2026-03-31", (date(2026, 1, 1), date(2026, 3, 31))),
        ("until 2026-03-31", (date(2025, 12, 31), date(2026, 3, 31))),
        ("SINCE 2026-01-01", (date(2026, 1, 1), date(2026, 4, 5))),
    ],
)
def test_the_period_typed_after_poc_export(typed: str, period: tuple[date, date]) -> None:
    assert read_period(typed, date(2026, 4, 5)) == period


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("since yesterday", "“yesterday” is not a date like 2026-01-31"),
        ("since <!channel>", "“&lt;!channel&gt;” is not a date"),
        ("since 2026-05-01", "2026-05-01 is after 2026-04-05"),
        ("since 2026-01-01 since 2026-02-01", "Usage: `/poc export"),
        ("since", "Usage: `/poc export"),
        ("from 2026-01-01 to 2026-02-01", "not a date"),
    ],
)
def test_a_period_that_is_not_one_says_why(typed: str, says: str) -> None:
    with pytest.raises(BadPeriod, match=None) as refused:
        read_period(typed, date(2026, 4, 5))
    assert says in str(refused.value)


def test_file_names_say_the_period() -> None:
    assert file_names(date(2026, 1, 1), date(2026, 3, 31)) == (
        "pocs-2026-01-01-to-2026-03-31.csv",
        "criteria-2026-01-01-to-2026-03-31.csv",
    )
