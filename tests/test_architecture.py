"""The layers of dashboard/ (docs/architecture.md) hold: the import-linter
contract in pyproject.toml is kept, and no module imports itself round about,
lazy imports included."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> str:
    found = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([found], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_layer_contract_is_kept():
    out = _lint_imports()
    assert "0 broken" in out
    assert "Only the web app and the benchmark import Streamlit KEPT" in " ".join(out.split())


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("dashboard", cache_dir=None)  # lazy imports inside functions count too
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    cycles = [cycle for cycle in nx.simple_cycles(edges) if len(cycle) > 1]
    assert cycles == []


@pytest.mark.parametrize("package", ["core", "store", "privacy", "analysis", "exchange", "web", "tools"])
def test_each_layer_has_a_queries_folder_of_the_same_name_or_no_sql(package):
    """A module's SQL sits in the queries/ folder of its package."""
    source = "\n".join(path.read_text() for path in (ROOT / "dashboard" / package).rglob("*.py"))
    folder = ROOT / "queries" / package
    if package == "core":
        assert not folder.exists()  # the vocabulary runs no SQL
    else:
        assert folder.is_dir(), folder
        assert any(folder.rglob("*.sql"))
    if package == "tools":
        return  # the benchmark replays every layer's SQL as its floor
    for other in {"privacy", "analysis", "exchange", "web", "tools"} - {package}:
        # Each package names only its own SQL (the store's, under every write, is the one shared).
        assert f'"{other}/' not in source and f"f\"{other}/" not in source, (package, other)
