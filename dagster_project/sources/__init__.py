"""One parser module per source format; `SPECS` maps a source name to its spec."""

from __future__ import annotations

from dagster_project.sources import touchpoints
from dagster_project.sources.base import SourceSpec

SPECS: dict[str, SourceSpec] = {spec.name: spec for spec in (touchpoints.SPEC,)}
