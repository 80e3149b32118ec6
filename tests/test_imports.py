"""The package's import graph: no circle, nothing imported upwards (STYLE.md, "the shape").

The graph is read from the source with `ast`, imports inside functions included: a lazy
import that hides a circle from the interpreter is still a circle here. An edge goes to the
module named (`from .x import y` -> x, or x.y when y is a submodule); the implicit import of
parent packages is not counted.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workshop"
FACTORY = "workshop"
#: what the domain (services/, models.py) may never import: the edges and the factory above it
ABOVE_THE_DOMAIN = (
    FACTORY,
    "workshop.web",
    "workshop.realtime",
    "workshop.export",
    "workshop.workbook",
    "workshop.serializers",
)
#: the one way web/ reaches realtime/: the broadcaster, by its named accessor
BROADCAST_MODULE, BROADCAST_NAMES = "workshop.realtime.broadcast", {"broadcaster"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for every import of a module, lazy ones too."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in MODULES:
                    found.append((submodule, None))
                else:
                    found.append((target, alias.name))
    return [(target, taken) for target, taken in found if target in MODULES and target != name]


GRAPH = {name: sorted({target for target, _ in imports(name)}) for name in MODULES}


def within(name: str, prefix: str) -> bool:
    """`name` is the module `prefix` or inside the package `prefix` (the factory: itself only)."""
    if prefix == FACTORY:
        return name == FACTORY
    return name == prefix or name.startswith(prefix + ".")


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph[successor])))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def describe(component: list[str]) -> str:
    return "; ".join(
        f"{a} -> {', '.join(b for b in GRAPH[a] if b in component)}" for a in component
    )


def test_the_graph_is_read():
    assert "workshop.services.voting" in GRAPH["workshop.services.activities"]
    assert "workshop.web" in GRAPH[FACTORY]  # a lazy import inside create_app counts
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["b"], "b": []}) == []


def test_no_module_imports_itself_back():
    assert [describe(c) for c in cycles(GRAPH)] == []


@pytest.mark.parametrize(
    "module",
    [m for m in MODULES if within(m, "workshop.services") or m == "workshop.models"],
)
def test_the_domain_imports_nothing_above_it(module):
    upward = [t for t in GRAPH[module] if any(within(t, above) for above in ABOVE_THE_DOMAIN)]
    assert upward == []


def test_extensions_import_nothing_of_the_package():
    assert GRAPH["workshop.extensions"] == []


def test_web_and_realtime_sit_below_the_factory():
    importers = [m for m in MODULES if within(m, "workshop.web") or within(m, "workshop.realtime")]
    assert [m for m in importers if FACTORY in GRAPH[m]] == []


def test_web_and_realtime_meet_only_through_the_broadcaster():
    realtime_to_web = [
        (m, t)
        for m in MODULES
        if within(m, "workshop.realtime")
        for t in GRAPH[m]
        if within(t, "workshop.web")
    ]
    web_to_realtime = [
        (m, target, taken)
        for m in MODULES
        if within(m, "workshop.web")
        for target, taken in imports(m)
        if within(target, "workshop.realtime")
        and not (target == BROADCAST_MODULE and taken in BROADCAST_NAMES)
    ]
    assert (realtime_to_web, web_to_realtime) == ([], [])
