"""OAuth install throughput: N installs through the bot's own pages, as browsers make them.

Each install is the whole flow over HTTP against the bot's real server and the Slack
stand-in: GET /slack/install (a signed state is stored, the browser sent to Slack), the
installer allows (the stand-in issues a code), GET /slack/oauth_redirect (the state consumed,
oauth.v2.access and auth.test called, the installation, bot and tenant rows written, the
installer made the workspace's first admin). Sequential, then `--concurrency` at once.

`python -m bench.installs [--installs 100] [--concurrency 10] [--databases sqlite postgres]`
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time

from bench.common import PG_URL, database, percentiles
from bot.sandbox.harness import Sandbox, install_by_oauth
from storage import tenants

_teams = itertools.count(1)


async def one_row(kind: str, installs: int, concurrency: int) -> dict[str, object]:
    async with database(kind) as db, Sandbox(db, oauth=True) as sb:
        gate = asyncio.Semaphore(concurrency)
        took: list[float] = []

        async def install() -> None:
            async with gate:
                t = time.perf_counter()
                await install_by_oauth(sb.base_url, sb.slack, team_id=f"T{next(_teams):07d}")
                took.append((time.perf_counter() - t) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(install() for _ in range(installs)))
        wall = time.perf_counter() - started
        async with db.session() as s:
            served = len(await tenants.served_teams(session=s))
    p = percentiles(took)
    return {
        "db": kind,
        "installs": installs,
        "at once": concurrency,
        "wall s": round(wall, 2),
        "installs/s": round(installs / wall, 1),
        "p50 / p95 / p99 ms": f"{p['p50']} / {p['p95']} / {p['p99']}",
        "served after": served,
    }


def table(rows: list[dict[str, object]]) -> str:
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--installs", type=int, default=100)
    p.add_argument("--concurrency", type=int, default=10)
    p.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    args = p.parse_args()
    rows = []
    for kind in args.databases:
        if kind == "postgres" and not PG_URL:
            print("(PostgreSQL skipped: set TEST_DATABASE_URL)")
            continue
        for at_once in (1, args.concurrency):
            rows.append(asyncio.run(one_row(kind, args.installs, at_once)))
    print(table(rows))


if __name__ == "__main__":
    main()
