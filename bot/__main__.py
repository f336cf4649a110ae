"""pocbot: serve | clock | sweep | migrate | purge | settings | export | demo (or python -m bot)"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings

#: Libraries whose INFO lines are about their own machinery (Alembic's plugins and contexts,
#: APScheduler's job store): start-up says one line per fact of ours; LOG_LEVEL=DEBUG shows all.
CHATTY = ("alembic", "apscheduler")


def pocbot_version() -> str:
    try:
        return version("pocbot")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown (not installed: pip install -e .)"


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 instant: {text!r}") from e
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a date like 2026-01-31: {text!r}") from e


def _workers(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"a number of processes, 1 or more: {text!r}")
    return n


def parser(prog: str = "pocbot") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, description=__doc__)
    p.add_argument("--version", action="version", version=f"pocbot {pocbot_version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="answer Slack over HTTP (or Socket Mode), with the clock")
    serve.add_argument("--no-clock", action="store_true", help="leave nudges to `clock`")
    serve.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help="web processes sharing PORT (default: WEB_CONCURRENCY, else 1; PostgreSQL only)",
    )
    clock = sub.add_parser(
        "clock", help="the scheduler: sweeps and posts nudges (PostgreSQL: several share the teams)"
    )
    clock.add_argument(
        "--now", type=_instant, help="run as if it were this instant, on from there (ISO-8601)"
    )
    sweep = sub.add_parser("sweep", help="one sweep now (or at --now), then exit")
    sweep.add_argument("--now", type=_instant, help="sweep as if it were this instant (ISO-8601)")
    sweep.add_argument("--dry-run", action="store_true", help="print what is due, send nothing")
    sub.add_parser("migrate", help="create or upgrade the database schema")
    purge = sub.add_parser(
        "purge", help="delete workspaces uninstalled over UNINSTALLED_KEEP_DAYS ago"
    )
    purge.add_argument("--now", type=_instant, help="as if it were this instant (ISO-8601)")
    purge.add_argument("--dry-run", action="store_true", help="name them, delete nothing")
    settings = sub.add_parser("settings", help="show or change a workspace's settings")
    action = settings.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = action.add_parser("show", help="every setting, its value, * for the default")
    change = action.add_parser("set", help="set KEY to VALUE ('default' resets it)")
    change.add_argument("key", metavar="KEY", help="nudge_hour, holiday_country, digest, …")
    change.add_argument("value", metavar="VALUE", nargs="+", help="e.g. 8, GB, off, U012AB3CD")
    for p_ in (show, change):
        p_.add_argument("--team", metavar="T", help="the Slack team id (default: the only one)")
    export = sub.add_parser("export", help="POCs of a period as CSV, for a CRM or a spreadsheet")
    export.add_argument("--since", type=_day, required=True, metavar="DATE", help="first day")
    export.add_argument("--until", type=_day, metavar="DATE", help="last day (default: today)")
    export.add_argument("--team", metavar="T", help="the Slack team id (default: the only one)")
    export.add_argument("--out", type=Path, metavar="FILE", help="the POC file (default: stdout)")
    export.add_argument(
        "--criteria-out",
        type=Path,
        metavar="FILE",
        help="the criteria file (default with --out: FILE's name + -criteria)",
    )
    export.add_argument("--now", type=_instant, help="as if it were this instant (ISO-8601)")
    demo = sub.add_parser("demo", help="a whole POC against a local Slack stand-in")
    demo.add_argument("--no-color", action="store_true")
    demo.add_argument("--json", action="store_true", help="print the raw record as JSON")
    return p


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        for name in CHATTY:
            logging.getLogger(name).setLevel(logging.WARNING)


def run(args: argparse.Namespace, settings: Settings) -> int:
    # Each command imports only what it runs: `--version`, `migrate` and a bad setting answer
    # without loading Bolt, the scheduler or the demo.
    if args.command == "serve":
        from bot.workers import supervise, web_processes

        workers = web_processes(settings, args.workers)
        if workers > 1:
            return supervise(settings, workers=workers, with_clock=not args.no_clock)
        from bot.runtime import run_serve

        asyncio.run(run_serve(settings, with_clock=not args.no_clock))
    elif args.command == "clock":
        from scheduler.clock import run_clock

        asyncio.run(run_clock(settings, now=args.now))
    elif args.command == "sweep":
        from scheduler.sweep import run_sweep

        return asyncio.run(run_sweep(settings, now=args.now, dry_run=args.dry_run))
    elif args.command == "migrate":
        from bot.runtime import run_migrate

        asyncio.run(run_migrate(settings))
    elif args.command == "purge":
        from bot.purge_command import run_purge

        return run_purge(settings, now=args.now, dry_run=args.dry_run)
    elif args.command == "settings":
        from bot.settings_command import run_settings

        return asyncio.run(
            run_settings(
                settings,
                action=args.action,
                team=args.team,
                name=getattr(args, "key", ""),
                value=" ".join(getattr(args, "value", [])),
            )
        )
    elif args.command == "export":
        from bot.export_command import run_export

        return run_export(
            settings,
            since=args.since,
            until=args.until,
            team=args.team,
            out=args.out,
            criteria_out=args.criteria_out,
            now=args.now,
        )
    elif args.command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo(color=not args.no_color, as_json=args.json))
    return 0


def main(argv: list[str] | None = None, *, prog: str = "pocbot") -> int:
    """The `pocbot` console script; `python -m bot` calls it too."""
    args = parser(prog).parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        return run(args, settings)
    except ConfigError as e:
        print(e.code, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(prog="python -m bot"))
