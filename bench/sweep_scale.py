"""Sweep scaling: plan + claim for N active POCs of one team (a sweep never splits a team),
next to the floor of SELECTing the same rows.

`python -m bench.sweep_scale [--sizes 1000 10000 50000] [--databases sqlite postgres]`

Rows share this process, so memory is not measured here: bench/sweep_teams.py sweeps in a
fresh process per row and measures its peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import date

import sqlalchemy as sa

from bench.common import PG_URL, database
from scheduler.due import place, plan
from scheduler.sweep import _claim
from storage import models as m
from storage.snapshots import SNAPSHOT_COLUMNS
from tests.queries import counting
from tests.scheduler.seed import TEAM, local, new_poc, seed_bulk

DAY = date(2026, 10, 21)
NOW = local(DAY, 9, 5)


async def floor(db: object) -> float:
    """Time to read the same rows and columns with one plain SELECT per table, building
    nothing: what any sweep must pay to look at every live POC."""
    t = time.perf_counter()
    async with db.session() as s:  # type: ignore[attr-defined]
        (await s.exec(sa.select(m.Poc.__table__))).all()
        for model, names in SNAPSHOT_COLUMNS.items():
            table = model.__table__
            (await s.exec(sa.select(table.c.poc_id, *(table.c[n] for n in names)))).all()
    return time.perf_counter() - t


async def one(kind: str, n: int) -> dict[str, object]:
    async with database(kind) as db:
        news = [
            new_poc(
                channel=f"C{i:06d}",
                start=DAY,
                end=date(2026, 11, 3),
                exec_briefed=i % 2 == 0,
                use_cases=("Ingest logs", "Deploy via CI/CD", "SSO via Okta"),
            )
            for i in range(n)
        ]
        # Realistic: 3 use cases x 2 criteria, 6 milestones, 3 check-ins, 4 people each.
        await seed_bulk(db, news, criteria_per_use_case=2, checkins=3)
        with counting(db) as statements:
            t = time.perf_counter()
            due = await plan(db, NOW, teams=[TEAM])
            planned = time.perf_counter() - t
            # No Slack here: every deal channel private to the company, as the figures assume.
            place(due, {d.poc.channel_id: False for d in due})
            claims = await _claim(db, due, NOW)
            total = time.perf_counter() - t
        base = await floor(db)
        return {
            "db": kind,
            "pocs": n,
            "plan_s": round(planned, 2),
            "plan_claim_s": round(total, 2),
            "floor_s": round(base, 2),
            "ratio": round(planned / base, 1),
            "queries": len(statements),
            "claimed": len(claims),
        }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    p.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"] if PG_URL else ["sqlite"]
    )
    args = p.parse_args()
    print("| db | POCs | plan s | plan+claim s | SELECT floor s | plan/floor | queries | claimed |")
    print("|---|---|---|---|---|---|---|---|")
    for kind in args.databases:
        for n in args.sizes:
            r = asyncio.run(one(kind, n))
            print(
                f"| {r['db']} | {r['pocs']:,} | {r['plan_s']} | {r['plan_claim_s']} | "
                f"{r['floor_s']} | {r['ratio']} | {r['queries']} | {r['claimed']:,} |"
            )


if __name__ == "__main__":
    main()
