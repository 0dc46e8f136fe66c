"""One parser module per source format; `SPECS` maps a source name to its spec."""

from __future__ import annotations

from dagster_project.ingest.sources import (
    agency_api,
    case_events,
    contact_center,
    service_volumes,
    touchpoints,
)
from dagster_project.ingest.sources.base import SourceSpec

SPECS: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        touchpoints.SPEC,
        agency_api.SPEC,
        contact_center.SPEC,
        case_events.SPEC,
        service_volumes.SPEC,
    )
}
