"""`/poc export` end to end: the POCs of a period as two CSV files in the caller's DM, uploaded
with Slack's current file API (files.getUploadURLExternal → the bytes → completeUploadExternal).

What the stand-in received parses back to the rows `python -m bot export` writes for the same
data (bot.exports.team_export, which the command line runs; tests/process/test_export_cli.py
compares the two processes' bytes)."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.exports import team_export
from bot.sandbox.harness import Sandbox
from bot.sandbox.slack_api import SlackStandIn
from bot.views.export import CRITERIA_COLUMNS, POC_COLUMNS
from bot.workspace import parse
from storage import workspace
from tests.e2e.conftest import AE, CHAMPION, OUTSIDER, SE
from tests.e2e.journeys import create_poc, load
from tests.e2e.life import PROSPECT_TEAM, said_privately
from tests.e2e.test_criteria import GOOD, add_criterion, criterion_message

MANAGER = "UMGR"
OTHER = "COTHER"
NASTY = '=HYPERLINK("http://evil"), Société "EU"\nsecond line'
FORMULA = "@SUM(A1:A9) rows are ingested within 1 hour, 0 dropped"
FIRST, LAST = date(2026, 11, 1), date(2026, 11, 23)
PERIOD = f"since {FIRST} until {LAST}"


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def managers(sb: Sandbox, *users: str) -> None:
    key, value = parse("managers", ",".join(users))
    async with sb.db.transaction() as s:
        await workspace.save_settings(
            session=s, team_id=sb.slack.team_id, values={key: value}, by=None, now=sb.clock.now
        )


async def portfolio(sb: Sandbox) -> tuple[int, int, int]:
    """A POC with two criteria (one passed by the champion's ✅) closed won, then another in
    the same channel under a prospect name full of CSV traps, and a third of another SE."""
    won = await create_poc(sb)
    use_case = str(won.use_cases[0].id)
    assert await add_criterion(sb, use_case, GOOD) == {}
    assert await add_criterion(sb, use_case, FORMULA, save_anyway=["yes"]) == {}
    message = await criterion_message(sb, 1)
    await sb.client.reaction(CHAMPION, "white_check_mark", message)
    await sb.slack.wait_for(lambda: message.edited >= 1)
    said = await said_privately(sb, AE, "close won Three-year order signed")
    assert "Closed: Globex" in said
    again = await create_poc(sb, prospect=NASTY)
    sb.slack.add_channel(OTHER, "deal-initech", members=(OUTSIDER, AE), bot_member=False)
    theirs = await create_poc(sb, by=OUTSIDER, channel=OTHER, prospect="Initech", ae=OUTSIDER)
    return won.id, again.id, theirs.id


def uploads(slack: SlackStandIn, after: int = 0) -> tuple[list[int], list[bytes]]:
    """Declared lengths and received bytes of the uploads since the `after`-th."""
    asked = slack.calls_to("files.getUploadURLExternal")[after:]
    files = [slack.files.by_id[f] for f in list(slack.files.by_id)[after:]]
    return [int(c.args["length"]) for c in asked], [f.data or b"" for f in files]


async def test_a_manager_gets_the_teams_pocs_as_two_csv_files(sb: Sandbox) -> None:
    sb.slack.add_user(MANAGER, "Morgan Manager")
    await managers(sb, MANAGER)
    won, again, theirs = await portfolio(sb)

    said = await said_privately(sb, MANAGER, f"export {PERIOD}")
    assert said == (
        "📎 Sent to you by DM: 3 POCs and 2 criteria from 2026-11-01 to 2026-11-23, "
        "as two CSV files."
    )
    # Two files, each declared with its length in bytes (the é, the quotes), then one share.
    lengths, received = uploads(sb.slack)
    assert lengths == [len(data) for data in received] and len(received) == 2
    (complete,) = sb.slack.calls_to("files.completeUploadExternal")
    dm = sb.slack.dm_id(MANAGER)
    assert complete.args["channel_id"] == dm
    pocs_file, criteria_file = sb.slack.files.shared(dm)
    assert len(pocs_file.data or b"") > len(pocs_file.text)  # bytes, not characters
    assert (pocs_file.title, criteria_file.title) == (
        "pocs-2026-11-01-to-2026-11-23.csv",
        "criteria-2026-11-01-to-2026-11-23.csv",
    )
    (note,) = sb.slack.posts(MANAGER)
    assert note.files == [pocs_file.id, criteria_file.id]
    assert "3 POCs and 2 criteria" in note.text

    # The same rows as the command line's export of the same data.
    cli = await team_export(
        sb.db, team_id=sb.slack.team_id, first=FIRST, last=LAST, now=sb.clock.now
    )
    assert (pocs_file.text, criteria_file.text) == (cli.pocs_csv, cli.criteria_csv)
    rows, crits = parsed(pocs_file.text), parsed(criteria_file.text)
    assert tuple(rows[0]) == POC_COLUMNS and tuple(crits[0]) == CRITERIA_COLUMNS
    assert [r["poc_id"] for r in rows] == [str(won), str(again), str(theirs)]
    first = await load(sb, won)
    assert {k: rows[0][k] for k in ("prospect", "se", "ae", "status", "kickoff_verdict")} == {
        "prospect": "Globex",
        "se": SE,
        "ae": AE,
        "status": "won",
        "kickoff_verdict": first.kickoff_verdict,
    }
    assert rows[0]["closed_at_utc"] == "2026-11-23 14:00:00"
    assert (rows[0]["criteria_passed"], rows[0]["criteria_pending"]) == ("1", "1")
    assert rows[1]["prospect"] == "'" + NASTY and rows[1]["status"] == "active"
    assert rows[2]["se"] == OUTSIDER
    assert [(c["poc_id"], c["verdict"], c["verdict_by"]) for c in crits] == [
        (str(won), "passed", CHAMPION),
        (str(won), "pending", ""),
    ]
    assert crits[1]["statement"] == "'" + FORMULA


async def test_anyone_else_gets_the_pocs_they_are_se_or_ae_of(sb: Sandbox) -> None:
    won, again, _ = await portfolio(sb)
    said = await said_privately(sb, SE, f"export {PERIOD}")
    assert said.startswith("📎 Sent to you by DM: 2 POCs and 2 criteria")
    pocs_file, _ = sb.slack.files.shared(sb.slack.dm_id(SE))
    assert [r["poc_id"] for r in parsed(pocs_file.text)] == [str(won), str(again)]


async def test_nothing_to_export_uploads_nothing(sb: Sandbox) -> None:
    await create_poc(sb)
    said = await said_privately(sb, CHAMPION, f"export {PERIOD}")  # the prospect's champion
    assert said.startswith("No POC you may export ran between 2026-11-01 and 2026-11-23")
    said = await said_privately(sb, SE, "export since 2026-10-01 until 2026-10-31")  # before it
    assert said.startswith("No POC you may export")
    assert sb.slack.calls_to("files.getUploadURLExternal") == []


async def test_a_bad_period_or_another_workspace_is_answered_privately(sb: Sandbox) -> None:
    said = await said_privately(sb, SE, "export since last week")
    assert "“last” is not a date like 2026-01-31" in said and "Usage: `/poc export" in said
    said = await said_privately(sb, CHAMPION, "export", team_id=PROSPECT_TEAM)
    assert said == "Exports are for the people of this workspace."
    assert sb.slack.calls_to("files.getUploadURLExternal") == []


async def test_slack_refusing_the_upload_is_said_privately(sb: Sandbox) -> None:
    await create_poc(sb)
    sb.slack.fail_next("files.getUploadURLExternal", error="file_uploads_disabled")
    said = await said_privately(sb, SE, f"export {PERIOD}")
    assert said.startswith(
        "I couldn't send the files to your DM (Slack said: file_uploads_disabled)."
    )
    assert sb.slack.files.shared() == [] and sb.slack.calls_to("files.completeUploadExternal") == []


async def test_poc_report_csv_uploads_the_same_files_as_export(sb: Sandbox) -> None:
    """`/poc report <period> csv`: the report's period, the export's two files."""
    sb.slack.add_user(MANAGER, "Morgan Manager")
    await managers(sb, MANAGER)
    await portfolio(sb)
    said = await said_privately(sb, MANAGER, "report 2026-11-01..2026-11-23 csv")
    assert said.startswith("📎 Sent to you by DM: 3 POCs and 2 criteria from 2026-11-01")
    lengths, received = uploads(sb.slack)
    assert lengths == [len(data) for data in received] and len(received) == 2
    pocs_file, criteria_file = sb.slack.files.shared(sb.slack.dm_id(MANAGER))
    cli = await team_export(
        sb.db, team_id=sb.slack.team_id, first=FIRST, last=LAST, now=sb.clock.now
    )
    assert (pocs_file.text, criteria_file.text) == (cli.pocs_csv, cli.criteria_csv)
