"""`python -m bot serve | clock | sweep | migrate | demo`"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime

from bot.config import ConfigError, load_settings


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 instant: {text!r}") from e
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="answer Slack over HTTP (or Socket Mode), with the clock")
    serve.add_argument("--no-clock", action="store_true", help="leave nudges to `clock`")
    sub.add_parser("clock", help="the one scheduler process: sweeps and posts nudges")
    sweep = sub.add_parser("sweep", help="one sweep now (or at --now), then exit")
    sweep.add_argument("--now", type=_instant, help="sweep as if it were this instant (ISO-8601)")
    sweep.add_argument("--dry-run", action="store_true", help="print what is due, send nothing")
    sub.add_parser("migrate", help="create or upgrade the database schema")
    demo = sub.add_parser("demo", help="a whole POC against a local Slack stand-in")
    demo.add_argument("--no-color", action="store_true")
    demo.add_argument("--json", action="store_true", help="print the raw record as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "serve":
            from bot.runtime import run_serve

            asyncio.run(run_serve(settings, with_clock=not args.no_clock))
        elif args.command == "clock":
            from scheduler.clock import run_clock

            asyncio.run(run_clock(settings))
        elif args.command == "sweep":
            from scheduler.sweep import run_sweep

            return asyncio.run(run_sweep(settings, now=args.now, dry_run=args.dry_run))
        elif args.command == "migrate":
            from bot.runtime import run_migrate

            asyncio.run(run_migrate(settings))
        elif args.command == "demo":
            from bot.demo import run_demo

            return asyncio.run(run_demo(color=not args.no_color, as_json=args.json))
    except ConfigError as e:
        print(e.code, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
