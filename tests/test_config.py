"""Settings: every variable is documented (README table, .env.sample), wrong ones get one line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]


def _settings_variables() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def _readme_table_variables() -> set[str]:
    """Backticked names in the first column of README's `| variable | default | what |` table."""
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index("| variable | default | what |")
    names: set[str] = set()
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", line.split("|")[1]))
    return names


def _env_sample_variables() -> set[str]:
    text = (ROOT / ".env.sample").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_the_readme_table_lists_every_setting_and_nothing_else() -> None:
    assert _readme_table_variables() == _settings_variables()


def test_env_sample_lists_every_setting_and_nothing_else() -> None:
    assert _env_sample_variables() == _settings_variables()


def test_the_documented_defaults_are_the_code_s() -> None:
    """`.env.sample` shows a default as a commented line: it must be the one the code uses."""
    text = (ROOT / ".env.sample").read_text()
    for name, value in re.findall(r"^# ([A-Z][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE):
        default = Settings.model_fields[name.lower()].default
        if default is None:
            continue  # an example, not a default (SLACK_APP_TOKEN=xapp-…)
        shown = f"{default:g}" if isinstance(default, float) else str(default)
        assert shown == value, name


def test_the_code_reads_no_variable_outside_settings() -> None:
    """Only Settings reads the environment, so the table above covers what the code reads."""
    readers = re.compile(r"os\.environ|os\.getenv|getenv\(")
    allowed = {
        "bot/healthcheck.py",  # PORT, which Settings also reads: stdlib-only probe for Docker
        "storage/migrations/env.py",  # DATABASE_URL, for developers' `alembic` command
    }
    for package in ("bot", "handlers", "scheduler", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("bot/sandbox/") or rel in allowed:
                continue
            assert not readers.search(path.read_text()), f"{rel} reads the environment"


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "pocbot: DATABASE_URL: unsupported database 'mysql'"),
        ({"DATABASE_URL": "not a url"}, "pocbot: DATABASE_URL: not a database URL"),
        ({"PORT": "http"}, "pocbot: PORT: Input should be a valid integer"),
        ({"LOG_LEVEL": "loud"}, "pocbot: LOG_LEVEL: unknown level 'loud'"),
        ({"DEFAULT_TZ": "Mars/Olympus"}, "pocbot: DEFAULT_TZ: unknown timezone"),
        ({"WEB_CONCURRENCY": "0"}, "pocbot: WEB_CONCURRENCY: Input should be greater than"),
    ],
)
def test_a_wrong_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], line: str
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value.code)
    assert message.startswith(line)
    assert "\n" not in message


def test_heroku_urls_and_levels_in_any_case_are_accepted(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@host:5432/db?sslmode=require")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.log_level == "DEBUG"


def test_the_readme_states_requires_python() -> None:
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert f'`requires-python = "{wanted}"`' in (ROOT / "README.md").read_text()
