"""Flat event rows: ACLED's columns in ACLED's order (for the columns ACLED has), then ours."""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Callable
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
    "iso3", "geonameid", "source_urls", "review_status", "hand_set_fields",
)  # fmt: skip
COLUMNS = ACLED_COLUMNS + OUR_COLUMNS


def _typed_columns(*kinds: type) -> frozenset[str]:
    """The event fields among COLUMNS whose type is one of `kinds` (or None)."""
    hints = typing.get_type_hints(Event)
    wanted = {*kinds, *(kind | None for kind in kinds)}
    return frozenset(name for name in COLUMNS if name in hints and hints[name] in wanted)


# column -> type for typed outputs (Parquet); everything else is text
INT_COLUMNS = _typed_columns(int) | {"year", "timestamp"}
FLOAT_COLUMNS = _typed_columns(float)


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


def _timestamp(ev: Event) -> int | None:
    updated = instant(ev.updated_at)
    return int(updated.timestamp()) if updated else None


# the columns that are not an event field as it stands: ACLED's derived and unfilled ones, ours
_DERIVED: dict[str, Callable[[Event], Any]] = {
    "event_id_cnty": lambda ev: f"{ev.iso3 or 'XXX'}-{ev.event_id}",
    "year": lambda ev: int(ev.event_date[:4]) if ev.event_date else None,
    "region": lambda ev: region_of_iso3().get(ev.iso3 or ""),
    "admin3": lambda ev: None,
    "source": lambda ev: _unique([s.outlet for s in ev.sources]),
    "source_scale": lambda ev: None,
    "tags": lambda ev: None,
    "timestamp": _timestamp,
    "source_urls": lambda ev: _unique([s.url for s in ev.sources]),
    "hand_set_fields": lambda ev: "; ".join(ev.hand_set) or None,  # set by an analyst (wirewatch.review)
}


def event_row(ev: Event) -> dict[str, Any]:
    """One event as a flat row with every column of COLUMNS (None where unknown)."""
    row = {name: _DERIVED[name](ev) if name in _DERIVED else getattr(ev, name) for name in COLUMNS}
    for name in INT_COLUMNS:
        if row[name] is not None:
            row[name] = int(row[name])
    for name in FLOAT_COLUMNS:
        if row[name] is not None:
            row[name] = float(row[name])
    return row
