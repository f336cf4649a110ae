"""The shape of the code base, checked: every module imports on its own, imports go one way
(docs/ARCHITECTURE.md), nothing defers an import to dodge a cycle, and modules and functions
stay small enough to read.

Imports are read from the source (ast), so a rule can name the line that breaks it.
"""

from __future__ import annotations

import ast
import graphlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "scheduler", "storage")
#: Alembic runs these inside its own context; imported on their own they have no config.
NOT_IMPORTABLE = ("storage/migrations/",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def production_files() -> list[Path]:
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    return [p for p in files if not str(p.relative_to(ROOT)).startswith(NOT_IMPORTABLE)]


MODULES = {module_name(p): p for p in production_files()}


# ---------------------------------------------------------------- reading imports


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module of ours
    line: int
    deferred: bool  # inside a function, or only for type checking

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} ({MODULES[self.source].name}:{self.line})"


def _resolve(name: str) -> str | None:
    """The module of ours `name` is, or is in (`bot.views.text.clip` -> bot.views.text)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _targets(node: ast.Import | ast.ImportFrom, source: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        candidates = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the source's package
            package = source.split(".")[: -node.level or None]
            base = ".".join([*package, base]) if base else ".".join(package)
        # `from bot import dates` imports the module bot.dates; `from bot.deps import Deps`
        # imports bot.deps.
        candidates = [f"{base}.{alias.name}" for alias in node.names] or [base]
    for name in candidates:
        found = _resolve(name)
        if found is not None and found != source:
            yield found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(source: str) -> list[Import]:
    tree = ast.parse(MODULES[source].read_text(encoding="utf-8"))
    found: list[Import] = []

    def visit(node: ast.AST, deferred: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.extend(
                    Import(source, t, child.lineno, deferred) for t in _targets(child, source)
                )
            inner = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            checking = isinstance(child, ast.If) and _is_type_checking(child)
            visit(child, deferred or inner or checking)

    visit(tree, False)
    return found


ALL_IMPORTS = [i for source in MODULES for i in imports_of(source)]


# ---------------------------------------------------------------- the layers

#: Which layer a module is in: the first prefix that matches, most specific first.
LAYERS: tuple[tuple[str, str], ...] = (
    ("bot.sandbox", "sandbox"),  # the local Slack stand-in: tests, demo and benchmarks only
    ("bot.views", "views"),
    ("bot.rules", "rules"),
    ("bot.domain", "domain"),
    ("bot.dates", "dates"),
    ("bot.text", "text"),  # plain-text helpers (dates, plurals, clipping) rules and views share
    ("bot.public_holidays", "holidays"),  # countries and their public holidays (package data)
    ("bot.workspace", "workspace"),  # the workspace settings: keys, values, defaults
    # What starts and wires the processes: the only modules that see every layer.
    ("bot.__main__", "wiring"),
    ("bot.app", "wiring"),
    ("bot.runtime", "wiring"),
    ("bot.workers", "wiring"),
    ("bot.demo", "wiring"),
    ("bot", "core"),  # deps, config, start-up, privacy, votes: shared by handlers and clock
    ("handlers", "handlers"),
    ("scheduler", "scheduler"),
    ("storage", "storage"),
)

PURE = {"domain", "dates", "text", "rules", "views", "holidays", "workspace"}
MAY_IMPORT: dict[str, set[str]] = {
    "domain": {"domain"},
    "dates": {"dates"},
    "text": {"text"},
    "holidays": {"holidays"},
    "workspace": {"workspace", "domain", "holidays"},
    "rules": {"rules", "domain", "text"},
    "views": {"views", "rules", "domain", "dates", "text", "holidays", "workspace"},
    "storage": {"storage", "domain", "holidays", "workspace"},
    "core": {"core", *PURE, "storage"},
    "handlers": {"handlers", "core", *PURE, "storage"},
    "scheduler": {"scheduler", "core", *PURE, "storage"},
    "wiring": {"wiring", "core", *PURE, "storage", "handlers", "scheduler", "sandbox"},
    "sandbox": {"sandbox", "wiring", "core", *PURE, "storage"},
}
#: Only the wiring registers the listeners; only the demo drives the stand-in.
ONLY_FROM = {"handlers": {"bot.app"}, "sandbox": {"bot.demo"}}


def layer(module: str) -> str:
    for prefix, name in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return name
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def test_every_module_is_in_a_layer() -> None:
    assert {m: layer(m) for m in MODULES}


def test_imports_go_one_way() -> None:
    wrong = []
    for i in ALL_IMPORTS:
        src, dst = layer(i.source), layer(i.target)
        allowed = dst in MAY_IMPORT[src] and (
            dst == src or dst not in ONLY_FROM or i.source in ONLY_FROM[dst]
        )
        if not allowed:
            wrong.append(f"{src} -> {dst}: {i}")
    assert not wrong, "\n".join(wrong)


#: Imports inside a function, each for a reason that is not a cycle.
DEFERRED_OK = {
    # Each command loads only what it runs: `--version`, `migrate` or a bad setting answer
    # without loading Bolt, the scheduler or the demo.
    ("bot.__main__", "bot.workers"),
    ("bot.__main__", "bot.runtime"),
    ("bot.__main__", "scheduler.clock"),
    ("bot.__main__", "scheduler.sweep"),
    ("bot.__main__", "bot.demo"),
    ("bot.__main__", "bot.settings_command"),
    ("bot.__main__", "bot.export_command"),
    ("bot.__main__", "bot.purge_command"),
    # Socket Mode's client is loaded only by the deployments that use it.
    ("bot.runtime", "bot.socket_mode"),
}


def test_no_import_is_deferred_to_dodge_a_cycle() -> None:
    deferred = {(i.source, i.target): i for i in ALL_IMPORTS if i.deferred}
    unexpected = [str(i) for key, i in deferred.items() if key not in DEFERRED_OK]
    assert not unexpected, "\n".join(unexpected)
    assert set(deferred) == DEFERRED_OK, "an allowed deferred import is gone: drop its line"


def test_the_module_graph_has_no_cycle() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in ALL_IMPORTS:
        if not i.deferred:
            graph[i.source].add(i.target)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as e:
        pytest.fail(f"import cycle: {' -> '.join(e.args[1])}")


# ---------------------------------------------------------------- each module on its own

#: Run in a fresh interpreter: load the libraries we use (not one module of ours), then fork
#: once per module and import it alone in the child. A module that only imports because
#: another of ours was imported first fails here.
_ONE_BY_ONE = r"""
import importlib, os, sys, traceback
for library in sys.argv[2].split(","):
    try:
        importlib.import_module(library)
    except Exception:
        pass  # the module that needs it will say so
failed = 0
for module in sys.argv[1].split(","):
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(module)
        except BaseException:
            print(f"--- {module}", flush=True)
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    failed += os.waitstatus_to_exitcode(status) != 0
sys.exit(min(failed, 100))
"""


def _libraries() -> list[str]:
    """The top-level packages of what our modules import that are not ours."""
    found = set()
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return sorted(found - set(PACKAGES) - {"__future__"})


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks one child per module")
def test_every_module_imports_on_its_own() -> None:
    modules = sorted(MODULES)
    result = subprocess.run(
        [sys.executable, "-c", _ONE_BY_ONE, ",".join(modules), ",".join(_libraries())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- sizes

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: Not code a deployment runs: the Slack stand-in and the scripted demo (`pocbot demo`).
NOT_PRODUCTION = ("bot/sandbox/", "bot/demo.py")
#: Functions allowed to be longer: flat Block Kit builders, nothing else.
LONG_FUNCTIONS_OK = {
    # One input block per contract field (DESIGN.md: 14 block ids), in the order the modal
    # shows them; splitting it would scatter the contract over helpers.
    "bot/views/poc_new.py::new_poc_modal",
}


def measured_files() -> list[Path]:
    return [
        p for p in production_files() if not str(p.relative_to(ROOT)).startswith(NOT_PRODUCTION)
    ]


def test_no_module_is_over_400_lines() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in measured_files()}
    assert {f: n for f, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def function_sizes() -> dict[str, int]:
    sizes = {}
    for path in measured_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                assert node.end_lineno is not None
                sizes[f"{path.relative_to(ROOT)}::{node.name}"] = node.end_lineno - first + 1
    return sizes


def test_no_function_is_over_60_lines_but_flat_block_kit_builders() -> None:
    sizes = function_sizes()
    long = {f: n for f, n in sizes.items() if n > MAX_FUNCTION_LINES}
    assert set(long) - LONG_FUNCTIONS_OK == set(), long
    assert set(long) == LONG_FUNCTIONS_OK, "an allowed long function is short now: drop its line"
