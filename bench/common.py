"""What the benchmarks share: a temporary database of either kind, percentiles, RSS."""

from __future__ import annotations

import itertools
import os
import resource
import statistics
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.config import Settings
from bot.domain import NewPoc
from storage.db import Database
from storage.installation_models import Tenant, slack_bots
from storage.migrate import upgrade
from tests.scheduler.seed import AE, CHAMPION, SE

PG_URL = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")


@asynccontextmanager
async def database(kind: str) -> AsyncIterator[Database]:
    """A migrated, empty database: a temp SQLite file, or a throwaway PostgreSQL schema."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="pocbot-bench-") as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            await upgrade(db)
            try:
                yield db
            finally:
                await db.dispose()
        return
    assert PG_URL, "set TEST_DATABASE_URL for the PostgreSQL runs"
    schema = f"pocbot_bench_{uuid.uuid4().hex[:8]}"
    admin = Database(PG_URL)
    async with admin.engine.begin() as conn:
        await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, schema=schema)
    try:
        await upgrade(db)
        yield db
    finally:
        await db.dispose()
        async with admin.engine.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {"p50": round(q[49], 1), "p95": round(q[94], 1), "p99": round(q[98], 1)}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb(pid: int) -> float:
    return _status_mb(pid, "VmRSS")


def hwm_mb(pid: int) -> float:
    """Peak RSS of another process (the kernel's high-water mark)."""
    return _status_mb(pid, "VmHWM")


def _status_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


_views = itertools.count(1)


def reopened(view: dict[str, Any]) -> dict[str, Any]:
    """The same modal as if opened anew: Slack gives every modal its own view id, and pocbot
    applies a submission once per view id and hash (a resubmitted copy is a replay)."""
    return {**view, "id": f"{view.get('id', 'V')}-{next(_views)}"}


#: The OAuth app the benchmarks' installations belong to (the stand-in's credentials).
BENCH_CLIENT_ID = "1234.5678"


async def seed_installations(db: Database, tokens: dict[str, str]) -> None:
    """Workspace installs as the OAuth flow leaves them (slack_sdk's bot rows and our tenant
    rows), in bulk: team -> bot token."""
    now = datetime.now(UTC)
    bots = [
        {
            "client_id": BENCH_CLIENT_ID,
            "app_id": "A0POCBOT",
            "team_id": team,
            "bot_token": token,
            "bot_id": "BPOCBOT",
            "bot_user_id": "UPOCBOT",
            "is_enterprise_install": False,
            "installed_at": now.replace(tzinfo=None),
        }
        for team, token in tokens.items()
    ]
    tenants = [{"team_id": t, "org_install": False, "seen_at": now} for t in tokens]
    async with db.transaction() as s:
        for start in range(0, len(bots), 1000):
            await s.exec(sa.insert(slack_bots), params=bots[start : start + 1000])  # type: ignore[call-overload]
            await s.exec(sa.insert(Tenant.__table__), params=tenants[start : start + 1000])  # type: ignore[call-overload]


def oauth_settings(api_url: str) -> Settings:
    """The settings of an OAuth deployment on the stand-in at `api_url`."""
    return Settings(
        slack_client_id=BENCH_CLIENT_ID,
        slack_client_secret="sandbox-client-secret",
        slack_state_secret="bench",
        slack_signing_secret="bench",
        slack_api_url=api_url,
    )


def people_of(team: str) -> tuple[str, str, str]:
    """A workspace's own SE, AE and champion: people are not shared between workspaces, so
    neither are their DMs (a DM takes one message a second, like any channel)."""
    return f"U{team}SE", f"U{team}AE", f"U{team}CH"


def staffed(poc: NewPoc, team: str) -> NewPoc:
    """`poc` with its team's own people in place of the seed's."""
    se, ae, champion = people_of(team)
    ids = {SE: se, AE: ae, CHAMPION: champion}
    people = tuple(replace(p, user_id=ids.get(p.user_id or "", p.user_id)) for p in poc.people)
    return replace(poc, people=people, created_by=se)
