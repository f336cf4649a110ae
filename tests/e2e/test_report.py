"""`/poc report`, end to end on both databases: a portfolio with known outcomes, one POC of it
run and closed through the real server and the rest stored as `/poc new` and `/poc close`
store them, then the signed command and its private answer — every figure checked, every
block valid; a period that is not one answered clearly; guests and other organisations refused.

Q1 2027, asked on Mon 5 Apr 2027 in New York. Each POC: start → original end; finished (the
read-out, else the close) and length; closed, outcome; kickoff verdict; skin; executive briefed
by kickoff; in-scope criteria; scope changes.

- R (through Slack): Mar 1 → Mar 15; closed Mar 10 (9 d); won; AT RISK (no criteria); collaborative;
  briefed; —; 0
- S1: Jan 4 → Jan 29; read-out Jan 28 (24 d); Feb 5 won; GO; funded; briefed; ✅✅❌; 1
- S2: Jan 11 → Feb 5; read-out Feb 12 (32 d, overran); Feb 19 won; GO; funded; briefed; ✅✅; 2
- S3: Jan 18 → Feb 12; closed Mar 5 (46 d, overran); lost; GO; none; not briefed; ❌ and one
  pending; 0
- S4: Feb 1 → Feb 26; read-out Feb 26 (25 d); Mar 12 won; GO; conditional PO; briefed; ✅; 0
- S5: Feb 8 → Mar 5; read-out Mar 4 (24 d); Mar 19 no decision; NO-GO; none; not briefed; ❌❌; 3
- S6: Oct 5 2026 → Oct 30 2026; Dec 18 2026 lost: before the quarter (❌, 5 changes: not counted)
- S7: Mar 22 → Apr 16; open
- another team's POC, Jan 4 → Jan 29, closed Feb 5 won: not ours to count

Started: R, S1–S5, S7 = 7. Closed: R, S1, S2, S4 won; S3 lost; S5 no decision = 6, 67% won.
GO: S1, S2, S4 of S1–S4 = 3 of 4; AT RISK: R, 1 of 1; NO-GO: S5, 0 of 1. Skin: none 0 of 2 (S3,
S5), collaborative 1 of 1 (R), funded 2 of 2, conditional PO 1 of 1. Briefed: R, S1, S2, S4 = 4 of
4; not: S3, S5 = 0 of 2. Lengths 9 24 24 25 32 46: median 24.5 days; planned 14 25 25 25 25 25:
25. Overran S2, S3: 2 of 6 = 33%. Criteria 5 passed of 9 judged = 56%, 1 pending. Scope changes
1 + 2 + 3 = 6 over 6 POCs = 1.0.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from bot.domain import ScopeChangeKind, Skin, Status, Verdict
from bot.rules import Act, who_may
from bot.sandbox.harness import Sandbox
from storage import lifecycle, models, snapshots, writes
from tests.e2e.conftest import AE, SE
from tests.e2e.life import PROSPECT_TEAM, local, poc_on, response_to, said_privately
from tests.scheduler.seed import new_poc, seed_poc

P, F, W = Verdict.passed, Verdict.failed, Verdict.pending
ASKED = date(2027, 4, 5)


def d(month: int, day: int, year: int = 2027) -> date:
    return date(year, month, day)


async def seed(
    sb: Sandbox,
    name: str,
    start: date,
    end: date,
    *,
    closed: tuple[date, Status] | None = None,
    verdict: str = "GO",
    readout: date | None = None,
    skin: Skin = Skin.funded,
    briefed: bool = True,
    criteria: tuple[Verdict, ...] = (),
    scope: int = 0,
    team: str | None = None,
) -> int:
    """A POC stored as `/poc new` stores it, then its criteria, verdicts, scope changes,
    read-out and close, each at its day (New York)."""
    team = team or sb.slack.team_id
    new = replace(
        new_poc(channel=f"C{name}", start=start, end=end, exec_briefed=briefed), skin=skin
    )
    poc_id = await seed_poc(sb.db, new, team_id=team)
    async with sb.db.transaction() as s:
        poc = await snapshots.load_poc(session=s, team_id=team, poc_id=poc_id)
        assert poc is not None
        for k, verdict_ in enumerate(criteria):
            criterion = await writes.add_criterion(
                session=s, team_id=team, poc_id=poc_id, use_case_id=poc.use_cases[0].id,
                statement=f"Criterion {k}: 500 GB within 1 hour", method="", lint_flags=(),
                after_kickoff=False, created_by=SE, now=local(start, 10),
            )  # fmt: skip
            c = models.Criterion.__table__
            await s.exec(sa.update(c).where(c.c.id == criterion).values(verdict=verdict_))
        for k in range(scope):
            await writes.add_scope_change(
                session=s, team_id=team, poc_id=poc_id, kind=ScopeChangeKind.criterion_added,
                detail=f"change {k}", now=local(start + timedelta(days=3), 10),
            )  # fmt: skip
        if readout:
            p = models.Poc.__table__
            await s.exec(
                sa.update(p).where(p.c.id == poc_id).values(readout_posted_at=local(readout, 14))
            )
        if closed:
            day, outcome = closed
            assert await lifecycle.close(
                session=s, team_id=team, poc_id=poc_id, outcome=outcome, by=AE, note="",
                verdict=verdict, now=local(day, 16),
            )  # fmt: skip
    return poc_id


async def portfolio(sb: Sandbox) -> None:
    """The quarter above: R through Slack, the rest stored."""
    await poc_on(sb, d(3, 1))
    sb.clock.set(local(d(3, 10), 11))
    assert "Closed: Globex — won" in await said_privately(sb, AE, "close won Signed")
    won, lost, none = Status.won, Status.lost, Status.no_decision
    await seed(
        sb,
        "S1",
        d(1, 4),
        d(1, 29),
        closed=(d(2, 5), won),
        readout=d(1, 28),
        criteria=(P, P, F),
        scope=1,
    )
    await seed(
        sb,
        "S2",
        d(1, 11),
        d(2, 5),
        closed=(d(2, 19), won),
        readout=d(2, 12),
        criteria=(P, P),
        scope=2,
    )
    await seed(
        sb,
        "S3",
        d(1, 18),
        d(2, 12),
        closed=(d(3, 5), lost),
        skin=Skin.none,
        briefed=False,
        criteria=(F, W),
    )
    await seed(
        sb,
        "S4",
        d(2, 1),
        d(2, 26),
        closed=(d(3, 12), won),
        readout=d(2, 26),
        skin=Skin.conditional_po,
        criteria=(P,),
    )
    await seed(
        sb,
        "S5",
        d(2, 8),
        d(3, 5),
        closed=(d(3, 19), none),
        verdict="NO-GO",
        readout=d(3, 4),
        skin=Skin.none,
        briefed=False,
        criteria=(F, F),
        scope=3,
    )
    await seed(
        sb,
        "S6",
        d(10, 5, 2026),
        d(10, 30, 2026),
        closed=(d(12, 18, 2026), lost),
        criteria=(F,),
        scope=5,
    )
    await seed(sb, "S7", d(3, 22), d(4, 16))
    await seed(sb, "X", d(1, 4), d(1, 29), closed=(d(2, 5), won), team="TOTHER")
    sb.clock.set(local(ASKED, 10))


def sections(answer: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"]


Q1_FIGURES = [
    "*Started:* 7 POCs · *Closed:* 6 — 4 won · 1 lost · 1 no decision · 67% won",
    "*Win rate by kickoff verdict*\n🟢 GO: 3 of 4 won\n🟠 AT RISK: 1 of 1 won\n"
    "🔴 NO-GO: 0 of 1 won",
    "*By skin in the game*\nNo skin in the game: 0 of 2 won\nCollaborative: 1 of 1 won\n"
    "Funded: 2 of 2 won\nConditional purchase order: 1 of 1 won",
    "*By executive briefing*\nExecutive briefed by kickoff: 4 of 4 won\n"
    "Not briefed by kickoff (or none named): 0 of 2 won",
    "*Delivery*\nMedian length: 24.5 days, against 25 days planned\n"
    "Finished after the end agreed at kickoff: 33% (2 of 6)\n"
    "Criteria: 56% passed (5 of 9); 1 still pending\n"
    "Scope changes: 1.0 per POC (6 over 6 POCs)",
]


async def test_the_quarters_figures_privately(sb: Sandbox) -> None:
    await portfolio(sb)
    answer = await response_to(sb, SE, "report last quarter")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == (
        "Report Q1 2027: 7 POCs started, 6 closed — 4 won, 1 lost, 1 no decision; "
        "GO at kickoff: 3 of 4 won"
    )
    assert answer["blocks"][0]["text"]["text"] == "Team report — Q1 2027"
    assert sections(answer) == Q1_FIGURES
    # The same quarter named, or as a range of dates: the same figures.
    for typed in ("report Q1 2027", "report 2027-01-01..2027-03-31", "report Jan 1 to Mar 31"):
        assert sections(await response_to(sb, AE, typed)) == Q1_FIGURES, typed
    # Nothing was posted for anyone else to read.
    assert not [m for m in sb.slack.posts(ephemeral=None) if "Team report" in str(m.blocks)]


async def test_this_quarter_so_far(sb: Sandbox) -> None:
    await portfolio(sb)
    answer = await response_to(sb, SE, "report")
    assert answer["text"] == "Report Q2 2027 so far: 0 POCs started, 0 closed"
    assert answer["blocks"][1]["elements"][0]["text"] == (
        "Thu 1 Apr 2027 – Wed 30 Jun 2027 · so far, to Mon 5 Apr 2027"
    )


async def test_a_period_that_is_not_one_is_answered_clearly(sb: Sandbox) -> None:
    said = await said_privately(sb, SE, "report next fortnight-ish")
    assert said.startswith("I can't read 'next fortnight-ish' as a period. Try `/poc report`")
    assert "`/poc report last quarter`" in said and "`/poc report 2026-01-01..2026-03-31`" in said
    said = await said_privately(sb, SE, "report 2027-03-31..2027-01-01")
    assert said.startswith("That range ends before it starts. Try ")


async def test_guests_and_other_organisations_may_not_see_it(sb: Sandbox) -> None:
    await portfolio(sb)
    refused = f"Sorry — only {who_may(Act.see_report)} can see the team's report."
    assert await said_privately(sb, "UCHAMP", "report", team_id=PROSPECT_TEAM) == refused
    sb.slack.add_guest("UGUEST", "Gus Guest")
    assert await said_privately(sb, "UGUEST", "report") == refused
    sb.slack.add_user("UNEW", "Nell New")  # anyone of our team may: a manager, another SE
    assert sections(await response_to(sb, "UNEW", "report last quarter")) == Q1_FIGURES
