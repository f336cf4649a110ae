"""`serve --workers N`: N web processes on one port, under a supervisor that only forwards signals.

Why this shape: Heroku's Python buildpack and most container setups size the web tier with
WEB_CONCURRENCY, and expect one command that starts that many processes and stops them all on
SIGTERM (gunicorn's contract). pocbot's server is aiohttp on an asyncio loop that also runs
the clock, so rather than a second server stack, the supervisor migrates once, then forks N
copies of the ordinary `serve`, each binding the port with SO_REUSEPORT: the kernel spreads
connections across them, and a worker never shares a socket, an event loop or a pool.

- Only worker 1 runs the clock (unless --no-clock): one scheduler per supervisor.
- A worker that dies takes the others down and the supervisor exits with its status: the
  platform's restart policy (a dyno restart, `restart: unless-stopped`) then starts afresh,
  rather than this process hiding a crash loop.
- SIGTERM or SIGINT is forwarded to every worker; any still running STOP_S later is killed.

SQLite has one writer and a file per machine: it stays single-process (see `web_processes`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from contextlib import suppress

from bot.config import ConfigError, Settings
from bot.runtime import run_migrate, run_serve
from storage.db import async_url

log = logging.getLogger(__name__)

#: Seconds between a forwarded SIGTERM and SIGKILL for a worker that has not exited.
STOP_S = 9.0
_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def web_processes(settings: Settings, requested: int | None) -> int:
    """How many web processes to run: --workers, else WEB_CONCURRENCY; one on SQLite."""
    wanted = requested if requested is not None else settings.web_concurrency
    if wanted > 1 and async_url(settings.database_url).get_backend_name() == "sqlite":
        source = f"--workers {requested}" if requested is not None else "WEB_CONCURRENCY"
        log.warning(
            "SQLite is single-process: running one web process, not %d (%s); "
            "use PostgreSQL (DATABASE_URL=postgresql://…) for more",
            wanted,
            source,
        )
        return 1
    if wanted > 1 and not hasattr(socket, "SO_REUSEPORT"):
        raise ConfigError("--workers needs SO_REUSEPORT (Linux); run one process per port")
    return max(wanted, 1)


def _port_is_free(host: str, port: int) -> None:
    """Fail in one line if something listens already: SO_REUSEPORT would share it silently."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # SO_REUSEADDR as the server sets it: old connections in TIME_WAIT do not count,
        # a listening socket does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as e:
            raise ConfigError(f"cannot listen on {host}:{port} (HOST, PORT): {e.strerror}") from e


def supervise(settings: Settings, *, workers: int, with_clock: bool) -> int:
    """Migrate, fork `workers` web processes, wait; returns the exit status."""
    settings.require_slack()  # once, here, not N times
    _port_is_free(settings.host, settings.port)
    asyncio.run(run_migrate(settings))  # once, before any worker binds the port
    children: dict[int, int] = {}  # pid -> worker number
    # Block the signals while forking, so none lands between fork and a handler.
    signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        for n in range(1, workers + 1):
            pid = os.fork()
            if pid == 0:
                _worker(settings, n, workers, with_clock=with_clock and n == 1)
            children[pid] = n
    except OSError:  # out of processes or memory: leave no half-started tier behind
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        raise
    stopping: list[float] = []

    def forward(signum: int, _frame: object) -> None:
        if not stopping:
            stopping.append(time.monotonic())
            log.info("%s: stopping %d web workers", signal.Signals(signum).name, len(children))
        for pid in children:
            with suppress(ProcessLookupError):
                os.kill(pid, signum)

    for sig in _SIGNALS:
        signal.signal(sig, forward)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    log.info("supervising %d web workers (pids %s)", workers, ", ".join(map(str, children)))
    return _reap(children, stopping, forward)


def _worker(settings: Settings, n: int, of: int, *, with_clock: bool) -> None:
    """In the child: the ordinary `serve`, sharing the port; never returns.

    Forked before the supervisor sets its handlers, so the child has the default ones until
    `serve` installs its own, as a lone `serve` would.
    """
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    code = 1
    try:
        role = " with the clock" if with_clock else ""
        log.info("web worker %d/%d (pid %d)%s", n, of, os.getpid(), role)
        asyncio.run(run_serve(settings, with_clock=with_clock, migrate=False, reuse_port=True))
        code = 0
    except ConfigError as e:
        print(e.code, file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 130
    except BaseException:
        log.exception("web worker %d failed", n)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # never run the supervisor's code (or its atexit) in a child


def _reap(
    children: dict[int, int], stopping: list[float], forward: Callable[[int, object], None]
) -> int:
    status = 0
    while children:
        pid, wait_status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            if stopping and time.monotonic() - stopping[0] > STOP_S:
                for left in children:
                    with suppress(ProcessLookupError):
                        os.kill(left, signal.SIGKILL)
            time.sleep(0.05)  # nothing to do but notice an exit; the handler forwards signals
            continue
        code = os.waitstatus_to_exitcode(wait_status)
        n = children.pop(pid)
        if not stopping:
            log.error("web worker %d (pid %d) exited with %d: stopping the others", n, pid, code)
            status = code if code > 0 else 1
            forward(signal.SIGTERM, None)
    return status
