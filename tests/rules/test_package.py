"""bot.rules as a package: every public name re-exported, and nothing imported but the domain.

A rule that reached for Slack, SQL, the wall clock or a view would stop being a pure function
that a test can call with a literal; this keeps the modules honest.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

import bot.rules

RULES = Path(bot.rules.__file__).parent
MODULES = sorted(m.name for m in pkgutil.iter_modules([str(RULES)]))
#: What a rules module may import, besides the standard library.
ALLOWED = ("bot.domain", "bot.text", "bot.rules")


def test_the_modules_are_the_concerns() -> None:
    assert MODULES == [
        "access",
        "calendar",
        "defaults",
        "facts",
        "lifecycle",
        "lint",
        "nudges",
        "plan",
        "policy",
        "portfolio",
        "progress",
        "qualification",
        "replan",
        "signoff",
        "team",
        "templates",
        "verdicts",
    ]


def defined(tree: ast.Module) -> list[str]:
    """The public names a module defines at its top level (not those it imports)."""
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return [n for n in names if not n.startswith("_")]


@pytest.mark.parametrize("name", MODULES)
def test_every_public_name_is_re_exported(name: str) -> None:
    module = importlib.import_module(f"bot.rules.{name}")
    own = defined(ast.parse((RULES / f"{name}.py").read_text()))
    assert own
    missing = [n for n in own if getattr(bot.rules, n, None) is not getattr(module, n)]
    assert missing == []
    assert set(own) <= set(bot.rules.__all__)


@pytest.mark.parametrize("name", MODULES)
def test_a_rule_imports_only_the_domain(name: str) -> None:
    tree = ast.parse((RULES / f"{name}.py").read_text())
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    foreign = [
        m
        for m in imported
        if m
        and m.split(".")[0] not in sys.stdlib_module_names
        and m != "__future__"
        and not m.startswith(ALLOWED)
    ]
    assert foreign == []
