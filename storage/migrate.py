"""Run Alembic migrations from inside the application's event loop."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.locks import AdvisoryLock, lock_for_transaction

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


async def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to `revision`; a no-op when it is already there.

    Returns the revisions (before, after), for the one line start-up logs about it.
    """

    def run(conn: Connection) -> tuple[str | None, str | None]:
        before = _revision(conn)
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        return before, _revision(conn)

    async with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several web dynos may start at once: one migrates, the others wait, then no-op.
            # The wait is bounded by statement_timeout, so a stuck migrator cannot hang us.
            await lock_for_transaction(conn, AdvisoryLock.migration)
        return await conn.run_sync(run)


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as conn:
        return await conn.run_sync(_revision)
