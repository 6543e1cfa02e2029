"""The modules of slmap import each other one way only: no cycles, no private names.

Every ``src/slmap/**/*.py`` is parsed with :mod:`ast`; imports at module level
and inside functions both count (a function-level import hides a cycle, it
does not remove it).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "slmap"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _targets(node: ast.AST, name: str, path: Path, modules: dict[str, Path]) -> list[str]:
    """The modules (or packages) one import statement of module ``name`` names."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    source = _resolve(node, name, path.name == "__init__.py")
    return [
        f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
        for alias in node.names
    ]


def _private_names(node: ast.AST, name: str, path: Path, modules: dict[str, Path]) -> list[str]:
    """Private names (``_x``, not modules) that one ``from slmap… import`` takes."""
    if not isinstance(node, ast.ImportFrom):
        return []
    source = _resolve(node, name, path.name == "__init__.py")
    if not source.startswith("slmap"):
        return []
    return [
        f"{name} imports {source}.{alias.name}"
        for alias in node.names
        if _is_private(alias.name) and f"{source}.{alias.name}" not in modules
    ]


def _owner(target: str, modules: dict[str, Path]) -> str:
    """The module of ``target`` (``slmap.a.b.name`` -> ``slmap.a.b``); "" outside slmap."""
    if not target.startswith("slmap"):
        return ""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target


def import_graph() -> tuple[dict[str, set[str]], list[str]]:
    """Edges module -> slmap modules it imports, and every private name imported across."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    private: list[str] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            private += _private_names(node, name, path, modules)
            owners = {_owner(t, modules) for t in _targets(node, name, path, modules)}
            graph[name] |= owners - {"", name}
    return graph, private


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (first repeated last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_find_cycle_detects_a_cycle_and_accepts_a_dag():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_graph_sees_function_level_and_relative_imports():
    graph, _ = import_graph()
    assert "slmap.sources.tables" in graph["slmap.model.validate"]
    assert "slmap.admin.approx" in graph["slmap.admin.locate"]  # imported inside a function
    assert "slmap.base.atomic" in graph["slmap.export.write"]


def test_no_import_cycle_between_slmap_modules():
    graph, _ = import_graph()
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_private_name_imported_across_modules():
    _, private = import_graph()
    assert private == []
