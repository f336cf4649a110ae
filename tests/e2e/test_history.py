"""`/poc history` and the clock's end of a POC, end to end: the audit trail with who and when,
privately to the SE and AE; a POC quiet for 30 business days past its end closed as no
decision, after one internal warning."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain import Status
from bot.rules import Act, who_may
from bot.sandbox.harness import Sandbox
from handlers.guard import settled
from tests.e2e.conftest import AE, CHAMPION, DEAL, SE
from tests.e2e.journeys import load
from tests.e2e.life import (
    MON,
    PROSPECT_TEAM,
    everything,
    local,
    nudge_keys,
    poc_on,
    react,
    response_to,
    said_privately,
    signed_off,
    sweep_on,
)
from tests.e2e.test_signoff import criterion

END = MON + timedelta(days=14)


async def test_history_says_who_did_what_and_when_privately(sb: Sandbox) -> None:
    poc = await poc_on(sb)
    message = await criterion(sb, "Ingests 500 GB of JSON logs within 1 hour")
    sb.clock.set(local(MON + timedelta(days=1), 10))
    await react(sb, CHAMPION, "white_check_mark", message)
    view = await sb.open_modal(SE, DEAL, "move")
    assert await sb.submit(SE, view, {"milestone": "midpoint", "date": "Mar 10"}) == {}
    sb.clock.set(local(MON + timedelta(days=2), 10))
    await said_privately(sb, AE, "pause Budget review")
    sb.clock.set(local(MON + timedelta(days=7), 10))
    await response_to(sb, AE, "resume")
    sb.clock.set(local(MON + timedelta(days=7), 11))
    view = await sb.open_modal(SE, DEAL, "extend")
    assert await sb.submit(SE, view, {"end": "Mar 22", "reason": "Security review"}) == {}
    sb.clock.set(local(date(2027, 3, 22), 11))
    await signed_off(sb, poc)
    await said_privately(sb, AE, "close won Signed")
    await settled()

    said = await said_privately(sb, CHAMPION, "history", team_id=PROSPECT_TEAM)
    assert said.startswith(f"Sorry — only {who_may(Act.see_history)} can ")
    trail = await response_to(sb, SE, "history")
    assert trail["response_type"] == "ephemeral"
    text = "\n".join(b["text"]["text"] for b in trail["blocks"] if b["type"] == "section")
    lines = text.splitlines()
    expected = [
        (f"<@{SE}> set up the POC for Globex", "Mon 1 Mar 09:00"),
        (f"<@{SE}> added a criterion", "Mon 1 Mar 09:00"),
        (f"<@{CHAMPION}> marked “Ingests 500 GB", "Tue 2 Mar 10:05"),
        (f"<@{SE}> moved Mid-point check-in Mon 8 Mar → Wed 10 Mar", "Tue 2 Mar 10:05"),
        (f"<@{AE}> paused the POC: “Budget review”", "Wed 3 Mar 10:05"),
        (f"<@{AE}> resumed the POC after 3 business days on hold", "Mon 8 Mar 10:05"),
        (
            f"<@{SE}> moved the end date: “Mon 15 Mar → Mon 22 Mar: Security review”",
            "Mon 8 Mar 11:05",
        ),
        (f"<@{CHAMPION}> ✅ agreed: technically validated", "Mon 22 Mar 11:05"),
        ("Erin Exec, VP Engineering ✅ agreed: technically validated (recorded by", "11:05"),
        ("Signed off: technically validated", "Mon 22 Mar 11:05"),
        (f"<@{AE}> closed the POC: won: Signed", "Mon 22 Mar 11:05"),
    ]
    found = []
    for words, when in expected:
        line = next((ln for ln in lines if words in ln), None)
        assert line is not None, (words, text)
        assert when in line, (when, line)
        found.append(lines.index(line))
    assert found == sorted(found), "oldest first"
    assert "Times in America/New York" in str(trail["blocks"])


async def test_a_poc_quiet_long_past_its_end_is_closed_as_no_decision_after_a_warning(
    sb: Sandbox,
) -> None:
    poc = await poc_on(sb)  # ends Monday 15 March; nothing happens after it
    warnings = []
    for day, idle in [
        (date(2027, 4, 16), 24),
        (date(2027, 4, 19), 25),
        (date(2027, 4, 20), 26),
        (date(2027, 4, 23), 29),
    ]:
        report = await sweep_on(sb, day)
        warnings += [n for d in report.plan for n in d.nudges if n.kind == "auto_close_warning"]
        assert report.life.closed == [], (day, idle)
    (warning,) = warnings
    assert "Nothing has happened on this POC since Mon 15 Mar (25 business days)" in warning.text
    assert "On Mon 26 Apr it closes as no decision" in warning.text
    (posted,) = [
        m for m in everything(sb) if any(k.startswith("auto_close_warning") for k in nudge_keys(m))
    ]
    assert "[Won]" not in posted.text and re.search(
        r"Won.*Lost.*No decision.*Extend", str(posted.blocks)
    )

    deal = len(sb.slack.posts(DEAL))
    report = await sweep_on(sb, date(2027, 4, 26))
    assert [p.id for p in report.life.closed] == [poc.id]
    closed = await load(sb, poc.id)
    assert (closed.status, closed.closed_by) == (Status.no_decision, None)
    assert "no activity since Mon 15 Mar" in closed.close_note
    assert "evaluation is complete" in sb.slack.posts(DEAL)[deal].text
    before = len(everything(sb))
    report = await sweep_on(sb, date(2027, 4, 27))
    assert (report.pocs, len(everything(sb))) == (0, before)
