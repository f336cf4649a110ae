"""Async engines and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

#: SQLite waits this long for a writer instead of failing with "database is locked".
SQLITE_BUSY_MS = 5000
#: PostgreSQL: seconds to open a connection. asyncpg's own default is 60 s, and a server that
#: accepts TCP but never answers (a partition, a full firewall) kept start-up silent that long.
CONNECT_TIMEOUT_S = 5.0
#: PostgreSQL: seconds a statement may run before the server cancels it (statement_timeout).
STATEMENT_TIMEOUT_S = 30.0
#: The client waits this much longer than statement_timeout before it gives up on an answer
#: itself: the server's cancel cannot reach us through a partition, asyncpg's timeout can.
CLIENT_GRACE_S = 2.0
#: Seconds a stopping process asks the database whether it still answers (`dispose`).
STOP_PING_S = 1.0
#: Execution option that makes a SQLite transaction take the write lock at BEGIN.
WRITE = "pocbot_write"
#: Set while this task holds its Database's write turn (`Database.write_turn`).
_IN_WRITE_TURN: ContextVar[bool] = ContextVar("pocbot_write_turn", default=False)


class UnsupportedDatabase(ValueError):
    """DATABASE_URL names something we cannot open: said in one line, at start-up."""


def async_url(url: str) -> URL:
    """Map what people paste (Heroku's postgres://, plain sqlite:///) to the async drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UnsupportedDatabase(
            "not a database URL: use sqlite:///path.db or postgresql://user:pass@host/db"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    raise UnsupportedDatabase(
        f"unsupported database {backend!r}: use sqlite:///path.db or postgresql://…"
    )


def shown_url(url: str) -> str:
    """The URL as the operator wrote it, password hidden: for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparsable>"


def failure_reason(error: BaseException, *, waited: str = "") -> str:
    """One line saying why the database did not answer (a bare TimeoutError says nothing).

    `waited` names the limit that ran out, e.g. "5 s (DATABASE_CONNECT_TIMEOUT)".
    """
    if isinstance(error, sa.exc.DBAPIError) and error.orig is not None:
        error = error.orig
    if isinstance(error, TimeoutError):
        return f"no answer within {waited or 'the time allowed'}"
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


def make_engine(
    url: str,
    *,
    schema: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_S,
    statement_timeout: float | None = STATEMENT_TIMEOUT_S,
    **kw: Any,
) -> AsyncEngine:
    """An engine with the pragmas and driver options each backend needs.

    `schema` puts every table in a PostgreSQL schema of its own (tests run side by side).
    `connect_timeout` and `statement_timeout` (seconds, None: no limit) bound PostgreSQL;
    SQLite is a local file, bounded by its busy timeout.
    """
    parsed = async_url(url)
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql":
        server_settings: dict[str, str] = {}
        connect_args["timeout"] = connect_timeout
        if statement_timeout:
            server_settings["statement_timeout"] = str(int(statement_timeout * 1000))
            connect_args["command_timeout"] = statement_timeout + CLIENT_GRACE_S
        # asyncpg knows `ssl`, not libpq's `sslmode` that Heroku-style URLs carry.
        sslmode = parsed.query.get("sslmode")
        if sslmode:
            parsed = parsed.difference_update_query(["sslmode"])
            if sslmode != "disable":
                connect_args["ssl"] = "require" if sslmode in ("allow", "prefer") else sslmode
        if schema:
            server_settings["search_path"] = schema
        connect_args["server_settings"] = server_settings
        kw.setdefault("pool_pre_ping", True)
    else:
        # One connection per task; aiosqlite serialises writers through busy_timeout.
        connect_args["timeout"] = SQLITE_BUSY_MS / 1000
    engine = create_async_engine(parsed, connect_args=connect_args, **kw)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        sa.event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers (the web tier) run while the clock writes the sent-log.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    # We emit BEGIN ourselves (below), so writers can ask for BEGIN IMMEDIATE.
    dbapi_conn.isolation_level = None


def _sqlite_begin(conn: sa.Connection) -> None:
    # A deferred transaction that reads, then writes, fails at once with SQLITE_BUSY when
    # another writer committed in between (busy_timeout cannot help it). Writers take the
    # lock up front instead and wait their turn.
    immediate = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: rows stay readable after commit without a lazy (sync) reload.
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


class Database:
    """The engine and its session factory, created once per process."""

    def __init__(self, url: str, *, schema: str | None = None, **kw: Any) -> None:
        self.url = url
        self.schema = schema
        self.engine = make_engine(url, schema=schema, **kw)
        self.sessions = session_factory(self.engine)
        # SQLite has one writer. Queued here, this process's writers hand over in FIFO order
        # the moment one commits; left to SQLite's busy handler they poll with sleeps of up
        # to 100 ms, which under 20 concurrent submissions pushed acks past Slack's 3 s.
        self._writer = asyncio.Lock() if not is_postgres(self.engine) else None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as s:
            yield s

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits together or not at all."""
        if self._writer is None:
            async with self.sessions() as s, s.begin():
                yield s
            return
        async with self._writer, self.sessions() as s, s.begin():
            await s.connection(execution_options={WRITE: True})
            yield s

    @asynccontextmanager
    async def write_turn(self) -> AsyncIterator[None]:
        """SQLite: this process's one writer's turn, for code that writes through the engine
        on its own (slack_sdk's stores): two of its read-then-write transactions at once
        would deadlock, and SQLite answers that at once with "database is locked".
        Re-entrant: a store method that calls another while in its turn keeps it."""
        if self._writer is None or _IN_WRITE_TURN.get():
            yield
            return
        async with self._writer:
            held = _IN_WRITE_TURN.set(True)
            try:
                yield
            finally:
                _IN_WRITE_TURN.reset(held)

    async def ping(self, within: float | None = None) -> bool:
        """Does the database answer (within `within` seconds)?"""
        try:
            async with asyncio.timeout(within), self.engine.connect() as conn:
                await conn.execute(sa.text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self, *, stopping: bool = False) -> None:
        """Close every connection.

        `stopping`: the process is about to exit and must not wait on a database that does
        not answer. Closing politely sends a rollback and a goodbye per connection, each
        waiting up to the statement timeout through a partition; when a ping gets no answer,
        the connections are dropped instead and the kernel closes their sockets at exit.
        """
        if stopping and is_postgres(self.engine) and not await self.ping(within=STOP_PING_S):
            await self.engine.dispose(close=False)
            return
        await self.engine.dispose()
