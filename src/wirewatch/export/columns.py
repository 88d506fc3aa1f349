"""Flat event rows: ACLED's columns in ACLED's order (for the columns ACLED has), then ours."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from wirewatch.fuse.fields import instant
from wirewatch.records import Event

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip
OUR_COLUMNS = (
    "event_id", "date_low", "date_high", "fatalities_low", "fatalities_high", "injuries", "modality",
    "confidence", "source_count", "independent_source_count", "first_reported_at", "updated_at",
    "iso3", "geonameid", "source_urls",
)  # fmt: skip
COLUMNS = ACLED_COLUMNS + OUR_COLUMNS

# column -> type for typed outputs (Parquet); everything else is text
INT_COLUMNS = frozenset({
    "year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
    "timestamp", "fatalities_low", "fatalities_high", "injuries", "source_count",
    "independent_source_count", "geonameid",
})  # fmt: skip
FLOAT_COLUMNS = frozenset({"latitude", "longitude", "confidence"})


@functools.cache
def region_of_iso3() -> dict[str, str]:
    data = json.loads(
        resources.files("wirewatch.export").joinpath("data/acled_regions.json").read_text(encoding="utf-8")
    )
    return {iso3: region for region, codes in data["regions"].items() for iso3 in codes}


def _unique(values: list[str | None]) -> str | None:
    seen: list[str] = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return "; ".join(seen) or None


def event_row(ev: Event) -> dict[str, Any]:
    """One event as a flat row with every column of COLUMNS (None where unknown)."""
    updated = instant(ev.updated_at)
    row: dict[str, Any] = {
        "event_id_cnty": f"{ev.iso3 or 'XXX'}-{ev.event_id}",
        "event_date": ev.event_date,
        "year": int(ev.event_date[:4]) if ev.event_date else None,
        "time_precision": ev.time_precision,
        "disorder_type": ev.disorder_type,
        "event_type": ev.event_type,
        "sub_event_type": ev.sub_event_type,
        "actor1": ev.actor1,
        "assoc_actor_1": ev.assoc_actor_1,
        "inter1": ev.inter1,
        "actor2": ev.actor2,
        "assoc_actor_2": ev.assoc_actor_2,
        "inter2": ev.inter2,
        "interaction": ev.interaction,
        "civilian_targeting": ev.civilian_targeting,
        "iso": ev.iso,
        "region": region_of_iso3().get(ev.iso3 or ""),
        "country": ev.country,
        "admin1": ev.admin1,
        "admin2": ev.admin2,
        "admin3": None,
        "location": ev.location,
        "latitude": ev.latitude,
        "longitude": ev.longitude,
        "geo_precision": ev.geo_precision,
        "source": _unique([s.get("outlet") for s in ev.sources]),
        "source_scale": None,
        "notes": ev.notes,
        "fatalities": ev.fatalities,
        "tags": None,
        "timestamp": int(updated.timestamp()) if updated else None,
        "event_id": ev.event_id,
        "date_low": ev.date_low,
        "date_high": ev.date_high,
        "fatalities_low": ev.fatalities_low,
        "fatalities_high": ev.fatalities_high,
        "injuries": ev.injuries,
        "modality": ev.modality,
        "confidence": ev.confidence,
        "source_count": ev.source_count,
        "independent_source_count": ev.independent_source_count,
        "first_reported_at": ev.first_reported_at,
        "updated_at": ev.updated_at,
        "iso3": ev.iso3,
        "geonameid": ev.geonameid,
        "source_urls": _unique([s.get("url") for s in ev.sources]),
    }
    for name in INT_COLUMNS:
        if row[name] is not None:
            row[name] = int(row[name])
    for name in FLOAT_COLUMNS:
        if row[name] is not None:
            row[name] = float(row[name])
    return row
