"""No module of fundtrack imports itself back: the graph of module-level imports has no cycle.

Read from the source with `ast`: imports at module level count (also inside `if`/`try`), those
under `if TYPE_CHECKING:` (model type hints) and those inside functions do not. Importing
`a.b.c` runs the packages `a` and `a.b` too, so those count as imports of them, except for the
importer's own packages (which are loaded already when it runs).
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "fundtrack"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == (
        "TYPE_CHECKING"
    )


def _module_level_imports(body: list[ast.stmt]):
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _type_checking(node):
            yield from _module_level_imports(node.body)
            yield from _module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level_imports(block)
            for handler in node.handlers:
                yield from _module_level_imports(handler.body)


def _targets(node, name: str, is_package: bool, modules) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = name.split(".") if is_package else name.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, base] if base else package)
    # `from a import b` imports the module a.b when there is one, else a name of a.
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]


def import_graph() -> dict[str, set[str]]:
    """Each fundtrack module and the fundtrack modules it imports at module level."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        deps = set()
        is_package = path.name == "__init__.py"
        for node in _module_level_imports(ast.parse(path.read_text()).body):
            for target in _targets(node, name, is_package, modules):
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                while target:
                    if target in modules and not (name + ".").startswith(target + "."):
                        deps.add(target)
                    target = target.rpartition(".")[0]
        graph[name] = deps - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back_through_others():
    graph = import_graph()
    assert len(graph) > 150 and "fundtrack.jobs" in graph["fundtrack.reports.jobs"]
    assert cycles(graph) == []


def test_the_graph_finds_a_cycle_through_a_package_and_ignores_type_hints():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    body = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from fundtrack.auth.models import User\n"
        "def f():\n    from fundtrack.share import views\n"
        "from fundtrack.share.rules import awaiting_agreements\n"
    ).body
    modules = _modules()
    names = [
        target
        for node in _module_level_imports(body)
        for target in _targets(node, "fundtrack.x", False, modules)
    ]
    assert names == ["typing", "fundtrack.share.rules"]


def test_the_queue_is_imported_by_the_packages_with_jobs_and_imports_none_of_them():
    graph = import_graph()
    for module in ("fundtrack.reports.jobs", "fundtrack.imports.jobs"):
        assert "fundtrack.jobs" in graph[module]
    assert "fundtrack.imports.jobs" not in graph["fundtrack.reports.jobs"]
    assert "fundtrack.reports.jobs" not in graph["fundtrack.imports.jobs"]
    packages = ("fundtrack.reports", "fundtrack.imports")
    assert not {module for module in graph["fundtrack.jobs"] if module.startswith(packages)}
