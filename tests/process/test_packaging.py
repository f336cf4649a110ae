"""pocbot as Python users install and run it: the console script, --version, the Dockerfile,
what start-up prints, and what a wrong DATABASE_URL prints."""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import aiohttp
import pytest
from alembic.script import ScriptDirectory

from storage.migrate import alembic_config
from tests.process.conftest import START_S, STOP_S, Spawn

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SCRIPT = Path(sys.executable).with_name("pocbot")  # installed next to this interpreter


def _run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", **env}
    )


def test_the_console_script_is_declared_and_installed() -> None:
    assert PYPROJECT["project"]["scripts"]["pocbot"] == "bot.__main__:main"
    assert SCRIPT.exists(), "pip install -e . installs the `pocbot` script"


@pytest.mark.parametrize("argv", [[str(SCRIPT)], [sys.executable, "-m", "bot"]])
def test_version_says_the_package_version(argv: list[str]) -> None:
    result = _run(*argv, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"pocbot {PYPROJECT['project']['version']}"


def test_the_script_and_the_module_have_the_same_subcommands() -> None:
    def commands(argv: list[str]) -> list[str]:
        help_text = _run(*argv, "--help").stdout
        return re.findall(r"^    (\w+)\s", help_text, flags=re.MULTILINE)

    script = commands([str(SCRIPT)])
    assert script == commands([sys.executable, "-m", "bot"])
    assert set(script) >= {"serve", "clock", "sweep", "migrate", "demo"}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://u:secret@db/pocbot", "pocbot: DATABASE_URL: unsupported database 'mysql'"),
        ("not-a-url", "pocbot: DATABASE_URL: not a database URL"),
    ],
)
def test_an_unsupported_database_url_is_one_line_not_a_traceback(
    url: str, says: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(says), line
    assert "secret" not in line


async def test_start_up_prints_one_line_per_fact(
    spawn: Spawn, tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    """At the default log level: no Alembic or APScheduler machinery, no Bolt warning."""
    serve = await spawn("serve", db=f"sqlite:///{tmp_path}/pocbot.db")
    await serve.healthy(http, within=START_S)
    await serve.said("sweep at ")
    assert await serve.stop(signal.SIGTERM) < STOP_S
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    facts = [
        f"bot.runtime: database sqlite:///.*: schema migrated from empty to {head}",
        "bot.runtime: connected to Slack team Acme Sales as pocbot",
        r"bot.server: listening on http://127.0.0.1:\d+ \(GET /healthz, POST /slack/events\)",
        "scheduler.clock: clock started: a sweep every 15 min",
        "scheduler.sweep: sweep at .* for T0POCBOT: 0 POCs in 0 chunks, 0 nudges due",
        "bot.runtime: shutting down",
    ]
    said = [re.sub(r"^\S+ \S+ INFO ", "", line) for line in serve.lines]
    assert len(said) == len(facts), serve.output
    for line, fact in zip(said, facts, strict=True):
        assert re.match(fact, line), f"{line!r} is not {fact!r}"


# ---------------------------------------------------------------- the Dockerfile


def _dockerfile() -> dict[str, list[str]]:
    """Instruction -> its arguments, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            instruction, _, rest = line.strip().partition(" ")
            found.setdefault(instruction.upper(), []).append(rest.strip())
    return found


def _exec_form(text: str) -> list[str]:
    command = json.loads(text)
    assert isinstance(command, list), "exec form: signals reach the process, not a shell"
    return command


def test_the_image_is_slim_python_matching_requires_python_and_not_root() -> None:
    docker = _dockerfile()
    [base] = docker["FROM"]
    lowest = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert base == f"python:{lowest}-slim"
    user = docker["USER"][-1]
    assert user not in ("root", "0") and user in " ".join(docker["RUN"])  # created, then used


def test_the_image_runs_the_procfile_s_web_process() -> None:
    [cmd] = _dockerfile()["CMD"]
    command = _exec_form(cmd)
    procfile = dict(
        line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    assert command[0] in PYPROJECT["project"]["scripts"]
    assert command[1:] == shlex.split(procfile["web"])[3:]  # after `python -m bot`


def test_the_image_copies_what_exists_and_nothing_secret() -> None:
    copied = {source for copy in _dockerfile()["COPY"] for source in copy.split()[:-1]}
    assert all((ROOT / source).exists() for source in copied), copied
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    # Everything is left out of the build context (.env, databases, .venv) but what is copied.
    assert "*" in ignore
    assert {line[1:].rstrip("/") for line in ignore if line.startswith("!")} == copied


async def test_the_healthcheck_command_passes_on_a_healthy_server_and_fails_without_one(
    spawn: Spawn, tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    [healthcheck] = _dockerfile()["HEALTHCHECK"]
    options, _, cmd = healthcheck.partition(" CMD ")
    assert "--timeout" in options
    command = _exec_form(cmd)
    assert command[0] == "python"
    probe = [sys.executable, *command[1:]]

    serve = await spawn("serve", "--no-clock", db=f"sqlite:///{tmp_path}/pocbot.db")
    await serve.healthy(http, within=START_S)
    up = await asyncio.to_thread(_run, *probe, PORT=str(serve.port))
    assert up.returncode == 0, up.stderr
    assert await serve.stop(signal.SIGTERM) < STOP_S
    down = await asyncio.to_thread(_run, *probe, PORT=str(serve.port))
    assert down.returncode == 1
    assert down.stderr.startswith("pocbot healthcheck: ")
