"""The package's import graph has no loops: a module never imports, at module level or inside a
function, a module that imports it back (directly or through others).

Imports under `if TYPE_CHECKING:` are left out (never run). A name imported from a package
(`from wirewatch.store import Store`) counts as an import of the module the package's
`__init__` takes it from, so re-exports in `__init__` files are not mistaken for loops.
"""

from __future__ import annotations

import ast
from pathlib import Path

import wirewatch

SRC = Path(wirewatch.__file__).parent
ROOT = "wirewatch"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: module level, in functions and classes."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    if not is_package:
        parts.pop()
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _reexports(modules: dict[str, Path]) -> dict[str, dict[str, str]]:
    """package -> {name: module it comes from} for names its __init__ imports from its own modules."""
    out: dict[str, dict[str, str]] = {}
    for name, path in modules.items():
        if path.name != "__init__.py":
            continue
        table = out.setdefault(name, {})
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom):
                base = _base(name, True, node)
                for alias in node.names:
                    table[alias.asname or alias.name] = base
    return out


def import_graph() -> dict[str, set[str]]:
    """module -> the wirewatch modules it imports."""
    modules = _modules()
    reexports = _reexports(modules)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _base(name, is_package, node)
                targets = []
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    if sub in modules:
                        targets.append(sub)
                    elif base in reexports and alias.name in reexports[base] and base != name:
                        targets.append(reexports[base][alias.name])
                    else:
                        targets.append(base)
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop as [a, b, ..., a], or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(node: str) -> list[str] | None:
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph[node]):
            if nxt in on_path:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in done:
                loop = visit(nxt)
                if loop:
                    return loop
        path.pop()
        on_path.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done:
            loop = visit(start)
            if loop:
                return loop
    return None


def test_the_graph_sees_imports_in_functions_and_through_reexports() -> None:
    graph = import_graph()
    assert "wirewatch.pipeline" in graph["wirewatch.cli"]  # imported inside a command function
    assert "wirewatch.store.db" in graph["wirewatch.pipeline"]  # `from wirewatch.store import ...`
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_loops() -> None:
    loop = find_cycle(import_graph())
    assert loop is None, "import loop: " + " -> ".join(loop or [])
