"""The Dagster instance `cxwh pipeline` and `make dev` share: `$DAGSTER_HOME`
(default `$CX_DATA_DIR/dagster_home`), created with a `dagster.yaml` on first use.

That file turns telemetry off (no network at run time) and stores run events with
`event_log.PooledSqliteEventLogStorage`: Dagster's SQLite files, written several times
faster. A `dagster.yaml` written by hand is left as it is.

    python -m dagster_project.cli.instance   # prints the home, creating it if needed
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_project.core.settings import Settings, get_settings

# What earlier versions wrote: upgraded in place, anything else is the user's.
_EARLIER_DEFAULT = "telemetry:\n  enabled: false\n"


def dagster_yaml(home: Path) -> str:
    return (
        "# Written by cx-warehouse (dagster_project/cli/instance.py); edit freely.\n"
        "telemetry:\n  enabled: false\n"
        "event_log_storage:\n"
        "  module: dagster_project.cli.event_log\n"
        "  class: PooledSqliteEventLogStorage\n"
        "  config:\n"
        f"    base_dir: {home / 'history' / 'runs'}\n"
    )


def _earlier_defaults(current: str) -> set[str]:
    # What earlier versions wrote for this home, before event_log.py moved to cli/.
    return {
        _EARLIER_DEFAULT,
        current.replace("dagster_project.cli.event_log", "dagster_project.event_log"),
    }


def dagster_home(settings: Settings | None = None) -> Path:
    """The Dagster home, with its dagster.yaml; also sets DAGSTER_HOME for this process."""
    settings = settings or get_settings()
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    current = dagster_yaml(home)
    if not config.exists() or config.read_text() in _earlier_defaults(current):
        config.write_text(current)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def instance(settings: Settings | None = None):
    from dagster import DagsterInstance

    dagster_home(settings)
    return DagsterInstance.get()


if __name__ == "__main__":
    print(dagster_home())
    sys.exit(0)
