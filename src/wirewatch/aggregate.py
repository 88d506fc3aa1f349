"""Overviews of many events, aggregated on the server so the dashboard stays fast at 100k events:
the map's grid cells (one marker per event where few share a cell, one cluster per cell where many
do), events per day by type for the timeline, and the values each filter can take.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.store import Store
from wirewatch.store.dashboard_queries import (
    count_unplaced,
    country_counts,
    date_range,
    events_per_day_by_type,
    grid_cells,
    marker_rows,
    value_counts,
)
from wirewatch.store.event_filter import EventFilter
from wirewatch.views import parse_bbox

MAX_ZOOM = 20
CELLS_PER_TILE = 4  # a map tile (256 px) is split into 4 x 4 cells: a cluster stands for ~64 px
MAX_FILLED_DAYS = 20_000  # beyond this span the timeline lists only the days that have events


# -- the map ----------------------------------------------------------------------------------------
def cell_degrees(zoom: int) -> float:
    """The side of a grid cell, in degrees, at a map zoom level (0: the world in one tile)."""
    return 360.0 / (2 ** max(0, min(zoom, MAX_ZOOM))) / CELLS_PER_TILE


def map_view(store: Store, flt: EventFilter, *, zoom: int, view: str | None = None) -> dict[str, Any]:
    """The matching events inside `view` (minlon,minlat,maxlon,maxlat; the whole world when None)
    as grid cells for a map at `zoom`: a cell holding one event is that event's marker (with its
    popup fields and one-line summary); a cell holding more is a cluster with its count,
    fatalities, counts by event type and the cell's box (to zoom into)."""
    if zoom < 0 or zoom > MAX_ZOOM:
        raise WirewatchError(errors.BAD_OPTION, f"zoom {zoom}: expected 0 to {MAX_ZOOM}")
    box = parse_bbox(view) if view else None
    size = cell_degrees(zoom)
    cells = _merge_types(grid_cells(store, flt, cell_degrees=size, view=box))
    singles = marker_rows(store, [c["event_id"] for c in cells if c["events"] == 1])
    out = [_marker(singles[c["event_id"]]) if c["events"] == 1 else _cluster(c, size) for c in cells]
    out.sort(key=lambda cell: -cell["events"])
    return {
        "zoom": zoom, "cell_degrees": size, "events": sum(c["events"] for c in cells),
        "unplaced": count_unplaced(store, flt), "cells": out,
    }  # fmt: skip


def _merge_types(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows per (cell, event type) -> one row per cell with counts by type and the mean position."""
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        key = (row["gx"], row["gy"])
        n = int(row["events"])
        cell = cells.setdefault(
            key, {"gx": key[0], "gy": key[1], "events": 0, "fatalities": 0, "lat": 0.0, "lon": 0.0,
                  "by_type": {}, "event_id": row["event_id"]},
        )  # fmt: skip
        cell["events"] += n
        cell["fatalities"] += int(row["fatalities"] or 0)
        cell["lat"] += float(row["latitude"]) * n
        cell["lon"] += float(row["longitude"]) * n
        cell["by_type"][row["event_type"] or "Unknown"] = n
    for cell in cells.values():
        cell["lat"] /= cell["events"]
        cell["lon"] /= cell["events"]
    return list(cells.values())


def _cluster(cell: dict[str, Any], size: float) -> dict[str, Any]:
    min_lon, min_lat = cell["gx"] * size - 180.0, cell["gy"] * size - 90.0
    by_type = dict(sorted(cell["by_type"].items(), key=lambda kv: (-kv[1], kv[0])))
    return {
        "kind": "cluster", "latitude": round(cell["lat"], 5), "longitude": round(cell["lon"], 5),
        "events": cell["events"], "fatalities": cell["fatalities"], "by_type": by_type,
        "event_type": next(iter(by_type)),
        "box": [round(min_lon, 6), round(min_lat, 6), round(min_lon + size, 6), round(min_lat + size, 6)],
    }  # fmt: skip


def _marker(event: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "event", "events": 1, **event, "summary": summary_line(event)}


def summary_line(event: dict[str, Any]) -> str:
    """'2025-03-03 · Air/drone strike · Nyala, South Darfur, Sudan · 12 killed': an event in one line."""
    place = ", ".join(p for p in (event.get("location"), event.get("admin1"), event.get("country")) if p)
    place = ", ".join(dict.fromkeys(place.split(", "))) if place else "place unknown"
    what = event.get("sub_event_type") or event.get("event_type") or "event"
    parts = [event.get("event_date") or "undated", what, place]
    if event.get("fatalities") is not None:
        parts.append(f"{event['fatalities']} killed")
    return " · ".join(parts)


# -- the timeline -----------------------------------------------------------------------------------
def timeline_view(store: Store, flt: EventFilter) -> dict[str, Any]:
    """Events per day by event type: `days` (every day from the first to the last, so a chart
    needs no gaps filled), `types` (most events first) and per type one count for each day;
    `fatalities` per day."""
    rows = events_per_day_by_type(store, flt)
    days = _days([r["event_date"] for r in rows])
    index = {day: i for i, day in enumerate(days)}
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["event_type"] or "Unknown"] = totals.get(r["event_type"] or "Unknown", 0) + int(r["events"])
    types = sorted(totals, key=lambda t: (-totals[t], t))
    counts = {t: [0] * len(days) for t in types}
    fatalities = [0] * len(days)
    for r in rows:
        i = index[r["event_date"]]
        counts[r["event_type"] or "Unknown"][i] += int(r["events"])
        fatalities[i] += int(r["fatalities"] or 0)
    return {"days": days, "types": types, "counts": counts, "fatalities": fatalities}


def _days(dated: list[str]) -> list[str]:
    present = sorted(set(dated))
    if not present:
        return []
    try:
        first, last = dt.date.fromisoformat(present[0]), dt.date.fromisoformat(present[-1])
    except ValueError:  # a stored date that is not a calendar day: list what is there
        return present
    span = (last - first).days + 1
    if span > MAX_FILLED_DAYS:
        return present
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(span)]


# -- the filters' values ----------------------------------------------------------------------------
def facets_view(store: Store) -> dict[str, Any]:
    """What each filter can take, with its number of events: countries (with ISO codes), admin1
    regions by country, event types with their sub-types, and the first and last event dates."""
    first, last = date_range(store)
    countries = country_counts(store)
    admin1 = [r for r in value_counts(store, "country", "admin1") if r["admin1"]]
    types = [r for r in value_counts(store, "event_type", "sub_event_type") if r["event_type"]]
    return {"first_date": first, "last_date": last, "countries": countries, "admin1": admin1, "types": types}
