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
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from storage.db import Database
from storage.migrate import upgrade

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
