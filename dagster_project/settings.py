"""Where everything lives. Every path and secret comes from the environment.

`CX_DATA_DIR` (default `data`) decides where data lives and nothing else does:
landing files, the DuckDB warehouse and the published snapshot all sit under it.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = Path(os.environ.get("CX_DBT_PROJECT_DIR", PROJECT_ROOT / "dbt"))
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

# The order sources are loaded in and the sub-folder of the landing zone each uses.
SOURCES = ("touchpoints", "agency_api", "contact_center", "case_events", "service_volumes")

DEMO_SALT = "cxwh-demo-salt-not-a-secret"


# The catalog name the marts file is attached under (dbt's profile, connect_warehouse).
MARTS_CATALOG = "marts_db"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    id_salt: str

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def marts_path(self) -> Path:
        """The marts' own DuckDB file (dbt attaches it as MARTS_CATALOG, its file name's
        stem, so it reads the same opened on its own): publishing is a byte copy of it,
        never a re-write of its tables."""
        return self.data_dir / "marts_db.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.data_dir / "published"

    @property
    def exports_dir(self) -> Path:
        return self.published_dir / "exports"

    def source_dir(self, source: str) -> Path:
        return self.landing_dir / source


_warned_demo_salt = False


def get_settings() -> Settings:
    """Read the settings from the environment at call time (tests change it)."""
    global _warned_demo_salt
    data_dir = Path(os.environ.get("CX_DATA_DIR", "data")).expanduser().resolve()
    salt = os.environ.get("CX_ID_SALT")
    if not salt:
        if not _warned_demo_salt:  # once per process, not at every call site
            _warned_demo_salt = True
            warnings.warn(
                "CX_ID_SALT is not set: customer ids are hashed with the public demo salt. "
                "Set CX_ID_SALT to a secret before loading real feeds.",
                stacklevel=2,
            )
        salt = DEMO_SALT
    return Settings(data_dir=data_dir, id_salt=salt)
