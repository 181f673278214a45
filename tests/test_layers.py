"""The package's architecture, checked: layers import only downwards, and no module cycle exists."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[1]
SUBPACKAGES = (
    "parse",
    "sources",
    "catalog",
    "search",
    "discovery",
    "refresh",
    "workflow",
    "analytics",
    "cli",
)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_each_subpackage_imports_on_its_own(name: str) -> None:
    # A fresh interpreter: an import that only works after some other module was loaded first
    # (a hidden cycle) fails here.
    code = f"import agentops_lite.{name}"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_the_layer_contracts_hold() -> None:
    """pyproject's [tool.importlinter] contracts, lazy (in-function) imports included."""
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
                continue
            if child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def _module_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("agentops_lite")
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        targets = graph.find_modules_directly_imported_by(module)
        # A package's __init__ re-exporting its own submodule is not a dependency cycle.
        edges[module] = {t for t in targets if not t.startswith(module + ".")}
    return edges


def test_no_module_imports_itself_round_a_cycle() -> None:
    assert _cycles(_module_graph()) == []


def test_the_cycle_finder_finds_cycles() -> None:
    # The check above could pass by never finding anything; show it does find one.
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(edges) == [["a", "b", "c"]]


def test_importing_the_core_loads_no_terminal_library() -> None:
    code = (
        "import sys, agentops_lite.discovery.rank, agentops_lite.workflow.planner;"
        "import agentops_lite.refresh.update, agentops_lite.analytics.report;"
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_catalog_package_exports_its_main_type() -> None:
    catalog = importlib.import_module("agentops_lite.catalog")
    assert catalog.Catalog.__name__ == "Catalog"
