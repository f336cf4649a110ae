"""`/poc report` over a big quarter: N POCs closed in it, each with 4 people, 3 use cases, 6
criteria, 6 milestones and 3 check-ins, a third with a scope change. Timed as the handler runs
it after the ack: load the team's POCs of the period (storage/portfolio.py), work out the
figures (bot/rules/portfolio.py), build the message (bot/views/report.py). The loop stall is
the longest another request in the same process would have waited for its turn.

`python -m bench.report [--sizes 1000 10000] [--databases sqlite postgres] [--runs 3]`
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from bench.common import PG_URL, database, peak_rss_mb
from bot.domain import ScopeChangeKind
from bot.rules import Go, Period, Report, local_today, report
from bot.views.report import report_blocks
from storage import models as m
from storage.db import Database
from storage.portfolio import pocs_for_period
from tests.queries import counting
from tests.scheduler.seed import ROWS, TEAM, local, new_poc, seed_bulk

Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
ASKED = local(date(2026, 4, 6), 10)  # Monday after the quarter, New York
_OUTCOMES = ("won", "won", "lost", "no_decision", "won", "lost", "won")
_VERDICTS = (Go.go, Go.go, Go.at_risk, Go.no_go, Go.go)


def start_of(i: int) -> date:
    return Q1.start + timedelta(days=4 + i % 50)


async def seed_closed(db: Database, n: int) -> list[int]:
    """N POCs started in Q1 and closed in it, with outcomes, verdicts, read-outs, criteria
    verdicts and scope changes set by bulk UPDATEs and INSERTs (seconds, not minutes)."""
    news = [
        new_poc(
            channel=f"C{i:06d}",
            start=start_of(i),
            end=start_of(i) + timedelta(days=25),
            exec_briefed=i % 3 != 0,
            use_cases=("Ingest logs", "Deploy via CI/CD", "SSO via Okta"),
        )
        for i in range(n)
    ]
    ids = await seed_bulk(db, news, criteria_per_use_case=2, checkins=3)
    poc, crit = m.Poc.__table__, m.Criterion.__table__
    closes = []
    for i, (poc_id, new) in enumerate(zip(ids, news, strict=True)):
        finished = new.end + timedelta(days=i % 11 - 4)  # early, on time or late
        closes.append(
            {
                "pid": poc_id,
                "status": _OUTCOMES[i % len(_OUTCOMES)],
                "verdict": _VERDICTS[i % len(_VERDICTS)].value,
                "readout": local(finished, 14) if i % 4 else None,
                "closed": local(finished + timedelta(days=5), 16),
            }
        )
    async with db.transaction() as s:
        await s.exec(
            sa.update(poc)
            .where(poc.c.id == sa.bindparam("pid"))
            .values(
                status=sa.bindparam("status"),
                outcome=sa.bindparam("status"),
                kickoff_verdict=sa.bindparam("verdict"),
                kickoff_verdict_at=ASKED,
                readout_posted_at=sa.bindparam("readout"),
                closed_at=sa.bindparam("closed"),
            ),
            params=closes,
        )
        verdict = sa.case(
            (crit.c.id % 3 == 0, "failed"), (crit.c.id % 3 == 1, "passed"), else_="pending"
        )
        await s.exec(sa.update(crit).values(verdict=verdict))
        changes = [
            {
                "team_id": TEAM,
                "poc_id": poc_id,
                "kind": ScopeChangeKind.criterion_added,
                "detail": "Replay within 15 minutes",
                "at": local(start_of(i) + timedelta(days=7), 11),
            }
            for i, poc_id in enumerate(ids)
            if i % 3 == 0
        ]
        for k in range(0, len(changes), ROWS):
            await s.exec(sa.insert(m.ScopeChange.__table__).values(changes[k : k + ROWS]))
    return ids


async def asked(db: Database) -> tuple[Report, list[dict[str, Any]]]:
    """What the handler does once it knows the period: load, figure out, render."""
    async with db.session() as s:
        pocs = await pocs_for_period(session=s, team_id=TEAM, start=Q1.start, end=Q1.end)
    figures = await asyncio.to_thread(report, pocs, Q1, ASKED)
    return figures, report_blocks(figures, today=local_today(ASKED, "America/New_York"))


class Stalls:
    """The longest the event loop went without running a 10 ms ticker: how long another
    request's ack would wait behind the report in the same process."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.01)
            self.longest = max(self.longest, time.perf_counter() - t - 0.01)

    def __enter__(self) -> Stalls:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def one(kind: str, n: int, runs: int = 3) -> dict[str, Any]:
    async with database(kind) as db:
        await seed_closed(db, n)
        times, cpu, stalled = [], [], []
        for _ in range(runs):
            with counting(db) as statements, Stalls() as stalls:
                t, c = time.perf_counter(), time.process_time()
                figures, blocks = await asked(db)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                await asyncio.sleep(0.02)  # the ticker's last lap
            stalled.append(stalls.longest)
        return {
            "db": kind,
            "pocs": n,
            "closed": figures.outcomes.closed,
            "first_s": round(times[0], 2),
            "median_s": round(statistics.median(times), 2),
            # this process's CPU (the database's own is not in it): steadier on a busy machine
            "cpu_s": round(statistics.median(cpu), 2),
            "stall_s": round(statistics.median(stalled), 2),
            "queries": len(statements),
            "blocks": len(blocks),
            "peak_rss_mb": round(peak_rss_mb()),
        }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    p.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"] if PG_URL else ["sqlite"]
    )
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    print(
        "| db | closed POCs | queries | first s | median s | median CPU s | loop stall s "
        "| blocks | peak RSS MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in args.databases:
        for n in args.sizes:
            r = asyncio.run(one(kind, n, args.runs))
            print(
                f"| {r['db']} | {r['closed']:,} | {r['queries']} | {r['first_s']} | "
                f"{r['median_s']} | {r['cpu_s']} | {r['stall_s']} | {r['blocks']} | "
                f"{r['peak_rss_mb']} |"
            )


if __name__ == "__main__":
    main()
