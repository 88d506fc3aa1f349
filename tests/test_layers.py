"""All SQL lives in `store/`: other packages call the store's public functions and methods, never
SQLAlchemy, the engine or the store's private helpers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "wirewatch"
OUTSIDE_STORE = sorted(p for p in SRC.rglob("*.py") if "store" not in p.relative_to(SRC).parts[:1])


def _tree(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", OUTSIDE_STORE, ids=lambda p: str(p.relative_to(SRC)))
def test_no_sql_outside_the_store(path: Path) -> None:
    problems = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            problems += [a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] == "sqlalchemy":
                problems.append(module)
            if module.startswith("wirewatch.store"):
                problems += [f"{module}.{a.name}" for a in node.names if a.name.startswith("_")]
            if module == "wirewatch.store" and any(a.name == "schema" for a in node.names):
                problems.append("wirewatch.store.schema")
        elif isinstance(node, ast.Attribute) and (node.attr == "engine" or node.attr.startswith("_insert")):
            problems.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Attribute) and node.attr in ("_upsert", "_EVENT_COLUMNS", "_article_row"):
            problems.append(f"line {node.lineno}: .{node.attr}")
    assert not problems
