"""Imports point one way (README "Layout"): core <- ingest <- generate, defs <- cli, and the
app reads only the Dagster-free core (settings, fiscal periods, the published snapshot).

A module that imports against the direction fails here with the file and the import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# folder -> the dagster_project packages (and third-party roots) it must not import
FORBIDDEN = {
    "dagster_project/core": {"dagster", "dagster_dbt", "dagster_project.ingest",
                             "dagster_project.defs", "dagster_project.cli",
                             "dagster_project.generate", "dagster_project.definitions"},
    "dagster_project/ingest": {"dagster", "dagster_dbt", "dagster_project.defs",
                               "dagster_project.cli", "dagster_project.generate",
                               "dagster_project.definitions"},
    "dagster_project/generate": {"dagster", "dagster_dbt", "dagster_project.defs",
                                 "dagster_project.cli", "dagster_project.definitions"},
    "dagster_project/defs": {"dagster_project.cli", "dagster_project.generate"},
    "app": {"dagster", "dagster_dbt", "dagster_project.ingest", "dagster_project.defs",
            "dagster_project.cli", "dagster_project.generate", "dagster_project.definitions"},
}  # fmt: skip


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from dagster_project import defs` names a package too
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _violations(folder: str, forbidden: set[str], repo: Path = REPO) -> list[str]:
    bad = []
    for path in sorted((repo / folder).rglob("*.py")):
        for line, module in _imports(path):
            for root in forbidden:
                if module == root or module.startswith(root + "."):
                    bad.append(f"{path.relative_to(repo)}:{line} imports {module}")
    return bad


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_imports_point_one_way(folder):
    assert _violations(folder, FORBIDDEN[folder]) == []


def test_the_check_sees_a_wrong_import(tmp_path):
    # The rule itself must bite: a core module importing the Dagster definitions.
    (tmp_path / "dagster_project" / "core").mkdir(parents=True)
    (tmp_path / "dagster_project" / "core" / "bad.py").write_text(
        "from dagster_project.defs import resources\nimport dagster\n"
    )
    bad = _violations("dagster_project/core", FORBIDDEN["dagster_project/core"], tmp_path)
    assert bad == [
        "dagster_project/core/bad.py:1 imports dagster_project.defs",
        "dagster_project/core/bad.py:1 imports dagster_project.defs.resources",
        "dagster_project/core/bad.py:2 imports dagster",
    ]
