"""What changed since the last successful dbt build, so a run builds only that.

After every dbt build that succeeded in full, `record_build` keeps, under
`$CX_DATA_DIR/.state/dbt/`, the manifest it ran from (dbt's `--state` for
`state:modified`) and `build.json`: the last raw.load_log id per source that build had
seen. `plan_build` then selects, with dbt's own selectors:

- the tables and tests of `source:raw.<source>+` for every source with load_log rows
  newer than that (files loaded, or only logged: the load log and quarantine feed the
  data-quality marts); views are SQL, which new rows do not change;
- `state:modified+` for models, seeds, macros and tests whose code or content changed
  (a seed is loaded again only when its CSV changed);
- everything when there is no state yet, or the warehouse is not the one the state
  was recorded for (no marts, or a load log that ends before the recorded ids).

An empty selection means nothing changed: the build, its tests and the publish are
skipped. A failed build records nothing, so the next run selects the same again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dagster_project.core.settings import SOURCES, Settings

STATE_VERSION = 1


@dataclass(frozen=True)
class BuildPlan:
    select: tuple[str, ...] | None  # None: build everything; (): nothing changed
    reasons: tuple[str, ...]
    load_ids: dict[str, int] = field(default_factory=dict)  # last load_log id per source
    state_dir: Path | None = None  # dbt --state, when `select` uses state:modified
    # an incremental model's columns changed (a new version of the project): what is
    # selected is rebuilt in full, as dbt cannot add the columns to the rows it has
    full_refresh: bool = False

    @property
    def nothing_to_do(self) -> bool:
        return self.select == ()

    def dbt_args(self) -> list[str]:
        args: list[str] = []
        if self.select:
            args += ["--select", " ".join(self.select)]
            if "state:modified+" in self.select and self.state_dir is not None:
                args += ["--state", str(self.state_dir)]
        if self.full_refresh:
            args.append("--full-refresh")
        return args


def code_digest(manifest_path: Path) -> str:
    """A digest of what dbt would build: every node's and macro's checksum and config.

    Equal digests mean `state:modified` would select nothing, so a run with no new
    loads can skip dbt without starting it."""
    manifest = json.loads(manifest_path.read_text())
    parts = []
    for kind in ("nodes", "sources", "macros", "unit_tests"):
        for unique_id, node in sorted(manifest.get(kind, {}).items()):
            checksum = node.get("checksum") or ""
            if isinstance(checksum, dict):
                checksum = checksum.get("checksum", "")
            config = json.dumps(node.get("config", {}), sort_keys=True, default=str)
            macro_sql = node.get("macro_sql", "") if kind == "macros" else ""
            parts.append(f"{unique_id}\0{checksum}\0{config}\0{macro_sql}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def manifest_is_stale(project_dir: Path, manifest: Path) -> bool:
    """True when any file dbt parses is newer than the parsed manifest (or there is none)."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    for folder in ("models", "macros", "seeds", "tests", "snapshots", "analyses"):
        sources.extend(p for p in (project_dir / folder).rglob("*") if p.is_file())
    return any(p.exists() and p.stat().st_mtime > built for p in sources)


def state_dir(settings: Settings) -> Path:
    return settings.data_dir / ".state" / "dbt"


def _load_ids(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    rows = con.execute("select _source, max(load_id) from raw.load_log group by _source").fetchall()
    return {source: int(last) for source, last in rows}


def _has_marts(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute("select count(*) from duckdb_tables() where schema_name = 'marts'").fetchall()[
            0
        ][0]
    )


def plan_build(
    con: duckdb.DuckDBPyConnection, settings: Settings, manifest_path: Path
) -> BuildPlan:
    """The dbt selection for this run (see the module docstring)."""
    has_log = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' and table_name = 'load_log'"
    ).fetchall()[0][0]
    load_ids = _load_ids(con) if has_log else {}
    folder = state_dir(settings)
    recorded = _read_state(folder)
    if recorded is None:
        return BuildPlan(None, ("no earlier successful build",), load_ids)
    if not _has_marts(con):
        return BuildPlan(None, ("the warehouse has no marts yet",), load_ids)
    seen = recorded["load_ids"]
    if any(load_ids.get(s, 0) < seen.get(s, 0) for s in seen):
        return BuildPlan(None, ("the warehouse is not the one last built",), load_ids)
    select: list[str] = []
    reasons: list[str] = []
    changed = [s for s in SOURCES if load_ids.get(s, 0) > seen.get(s, 0)]
    for source in changed:
        select += _data_changed(f"source:raw.{source}+")
        reasons.append(f"new {source} loads")
    if changed:
        select += [*_data_changed("source:raw.load_log+"), *_data_changed("source:raw.quarantine+")]
    full_refresh = False
    if recorded.get("code_digest") != code_digest(manifest_path):
        select.append("state:modified+")
        reasons.append("dbt code or seeds changed")
        if reshaped := incremental_models_reshaped(folder / "manifest.json", manifest_path):
            full_refresh = True
            reasons.append(
                f"the columns of {', '.join(reshaped)} changed: what is selected is rebuilt in full"
            )
    return BuildPlan(tuple(select), tuple(reasons), load_ids, folder, full_refresh)


def incremental_models_reshaped(before: Path, after: Path) -> list[str]:
    """Incremental models whose declared columns (names and types) differ between two
    manifests: their existing rows cannot take the new shape (on_schema_change='fail'),
    so a build after such a change must rebuild them from scratch."""

    def shapes(path: Path) -> dict[str, list]:
        try:
            nodes = json.loads(path.read_text()).get("nodes", {})
        except (OSError, ValueError):
            return {}
        return {
            node["name"]: [
                (c.get("name"), c.get("data_type")) for c in node.get("columns", {}).values()
            ]
            for node in nodes.values()
            if node.get("resource_type") == "model"
            and node.get("config", {}).get("materialized") == "incremental"
        }

    old, new = shapes(before), shapes(after)
    return sorted(name for name in new if name in old and old[name] != new[name])


def _data_changed(downstream: str) -> list[str]:
    """What new data below `downstream` makes stale: the tables and the tests, not the
    views (a view is its SQL: new rows need no rebuild of it, new code does, through
    state:modified)."""
    return [
        f"{downstream},config.materialized:table",
        f"{downstream},config.materialized:incremental",
        f"{downstream},resource_type:test",
    ]


def record_build(settings: Settings, plan: BuildPlan, manifest_path: Path) -> None:
    """Remember a build that succeeded in full: its manifest and the loads it saw."""
    folder = state_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "manifest.json.tmp"
    shutil.copyfile(manifest_path, tmp)
    tmp.replace(folder / "manifest.json")
    state = {
        "version": STATE_VERSION,
        "load_ids": plan.load_ids,
        "code_digest": code_digest(manifest_path),
    }
    tmp = folder / "build.json.tmp"
    tmp.write_text(json.dumps(state, indent=2))
    tmp.replace(folder / "build.json")


def _read_state(folder: Path) -> dict | None:
    try:
        state = json.loads((folder / "build.json").read_text())
    except (OSError, ValueError):
        return None
    if state.get("version") != STATE_VERSION or not (folder / "manifest.json").exists():
        return None
    return state


def build_fingerprint(settings: Settings) -> str | None:
    """Identifies the warehouse's last successful build (None before the first): equal
    fingerprints mean the marts have not changed in between."""
    try:
        return hashlib.sha256((state_dir(settings) / "build.json").read_bytes()).hexdigest()
    except OSError:
        return None


def table_versions(settings: Settings) -> dict[str, str]:
    """The dbt run that last built each table (`record_table_versions`)."""
    try:
        return json.loads((state_dir(settings) / "table_versions.json").read_text())
    except (OSError, ValueError):
        return {}


def record_table_versions(settings: Settings, built: list[str], version: str) -> None:
    """Note that the models in `built` were (re)built by the run `version`: the
    publish tells those from the tables it publishes as they were. Recorded even when
    the build failed later: a table rebuilt is changed, published or not."""
    if not built:
        return
    versions = table_versions(settings) | dict.fromkeys(built, version)
    folder = state_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "table_versions.json.tmp"
    tmp.write_text(json.dumps(versions, indent=2, sort_keys=True))
    tmp.replace(folder / "table_versions.json")


def last_dbt_run(settings: Settings, since: float, target_dir: str = "target") -> dict | None:
    """What the dbt invocation of this run executed, from dbt's run_results.json:
    node counts by kind, dbt's elapsed time and the slowest nodes. None when dbt did
    not run since `since` (a POSIX time): nothing changed, or it never started."""
    path = state_dir(settings) / target_dir / "run_results.json"
    try:
        if path.stat().st_mtime < since:
            return None
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    kinds: dict[str, int] = {}
    timed = []
    for r in data.get("results", []):
        # model.<project>.<name>; a test's id ends in a hash after its name
        kind, _, name = r["unique_id"].split(".")[:3]
        kinds[kind] = kinds.get(kind, 0) + 1
        timed.append((round(r.get("execution_time") or 0.0, 3), name))
    timed.sort(reverse=True)
    return {
        "nodes": sum(kinds.values()),
        "by_kind": kinds,
        "seconds": round(data.get("elapsed_time") or 0.0, 3),
        "slowest": [{"node": n, "seconds": s} for s, n in timed[:10]],
    }
