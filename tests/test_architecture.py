"""The shape of the house, read from the source: one-way imports, small modules and functions,
the command line in one package. Read with ``ast``, nothing is imported or run."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "saidwhat"
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 100
CLI_LIBRARIES = {"argparse"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(name: str, level: int, here: str) -> str:
    if not level:
        return name
    base = here.split(".") if _is_package(here) else here.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _target(name: str) -> str | None:
    """The module of ours that importing ``name`` (a module or a name in one) runs, if any."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str) -> set[str]:
    """Every module of the package that ``name`` imports, at the top or inside a function, by an
    import statement or by ``importlib.import_module("saidwhat.…")``."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(filter(None, (_target(a.name) for a in node.names)))
        elif isinstance(node, ast.ImportFrom):
            module = _resolve(node.module or "", node.level, name)
            for alias in node.names:
                target = _target(f"{module}.{alias.name}") if f"{module}.{alias.name}" in MODULES \
                    else _target(module)
                if target:
                    found.add(target)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) \
                in ("import_module", "__import__"):
            for arg in node.args[:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.update(filter(None, [_target(arg.value)]))
                elif isinstance(arg, ast.JoinedStr):  # f"saidwhat.{x}": every module it could be
                    prefix = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
                    found.update(m for m in MODULES if m.startswith(prefix) and prefix.startswith("saidwhat."))
    found.discard(name)
    return {m for m in found if m.startswith("saidwhat")}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_the_reader_sees_every_kind_of_import():
    """The graph reader itself: relative, absolute, lazy and importlib imports all count."""
    graph = {m: imports_of(m) for m in MODULES}
    assert "saidwhat.engine.extraction" in graph["saidwhat"]
    assert sum(len(v) for v in graph.values()) > len(MODULES)
    toy = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(toy) == [["a", "b", "c"]]


def test_no_import_cycle_anywhere():
    graph = {m: imports_of(m) for m in MODULES}
    assert _cycles(graph) == []


def test_no_module_over_the_limit():
    long = {m: n for m, p in MODULES.items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_over_the_limit():
    long = {}
    for m, p in MODULES.items():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{m}.{node.name}"] = n
    assert long == {}


def test_only_the_cli_package_knows_argparse():
    users = set()
    for m, p in MODULES.items():
        if m == "saidwhat.cli" or m.startswith("saidwhat.cli."):
            continue
        text = p.read_text(encoding="utf-8")
        if re.search(r"^\s*(import|from)\s+(" + "|".join(CLI_LIBRARIES) + r")\b", text, re.M):
            users.add(m)
    assert users == set()
