"""What every long-running process does first and last: open the database (migrating it),
and wait for SIGTERM or SIGINT.

Shared by `serve` (bot/runtime.py), `clock` and `sweep` (scheduler/), so none of them
imports another's entry point.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress

from bot.config import ConfigError, Settings
from storage.db import Database, UnsupportedDatabase, failure_reason, shown_url
from storage.migrate import upgrade

#: Start-up says one line per fact under one name (README, "Run it"): the serve process's.
log = logging.getLogger("bot.runtime")


def database(settings: Settings) -> Database:
    """The Database the settings describe, with their timeouts (0 s statement timeout: none)."""
    try:
        return Database(
            settings.database_url,
            connect_timeout=settings.database_connect_timeout,
            statement_timeout=settings.database_statement_timeout or None,
        )
    except UnsupportedDatabase as e:
        raise ConfigError(f"DATABASE_URL: {e}") from e


async def open_database(settings: Settings, *, migrate: bool = True) -> Database:
    """Connect and bring the schema up to date, or stop with one line that says what is wrong."""
    db = database(settings)
    where = f"DATABASE_URL ({shown_url(settings.database_url)})"
    try:
        async with db.engine.connect():
            pass
    except Exception as e:
        await db.dispose()
        waited = f"{settings.database_connect_timeout:g} s (DATABASE_CONNECT_TIMEOUT)"
        raise ConfigError(f"cannot connect to {where}: {failure_reason(e, waited=waited)}") from e
    if not migrate:
        return db
    try:
        before, after = await upgrade(db)
    except Exception as e:
        await db.dispose()
        waited = f"{settings.database_statement_timeout:g} s (DATABASE_STATEMENT_TIMEOUT)"
        raise ConfigError(f"cannot migrate {where}: {failure_reason(e, waited=waited)}") from e
    shown = shown_url(settings.database_url)
    if before == after:
        log.info("database %s: schema up to date (revision %s)", shown, after)
    else:
        log.info("database %s: schema migrated from %s to %s", shown, before or "empty", after)
    return db


def stop_event() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM: what a process waits on until it is asked to stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):  # platforms without signal handlers
            loop.add_signal_handler(sig, stop.set)
    return stop
