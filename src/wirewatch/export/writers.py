"""Write events as CSV (ACLED columns), JSONL (whole records), GeoJSON (RFC 7946) or Parquet.

Output depends only on the events, never on which database holds them: rows come in one
deterministic order (shared filter and sort) and numbers are written one way, so SQLite
and PostgreSQL give byte-identical files for the same data.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.export.columns import COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, event_row
from wirewatch.records import Event
from wirewatch.store.db import Store
from wirewatch.store.event_filter import EventFilter
from wirewatch.store.events_query import find_events

FORMATS = ("csv", "jsonl", "geojson", "parquet")


@dataclass(slots=True)
class ExportResult:
    format: str
    path: str
    written: int = 0
    skipped_no_coordinates: int = 0  # GeoJSON only: events without a point


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(events: Iterable[Event], out: BinaryIO) -> ExportResult:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for ev in events:
        row = event_row(ev)
        writer.writerow([_cell(row[c]) for c in COLUMNS])
        n += 1
    text.flush()
    text.detach()
    return ExportResult("csv", "", written=n)


def _json_line(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")


def write_jsonl(events: Iterable[Event], out: BinaryIO) -> ExportResult:
    n = 0
    for ev in events:
        out.write(_json_line(ev.to_dict()))
        n += 1
    return ExportResult("jsonl", "", written=n)


def write_geojson(events: Iterable[Event], out: BinaryIO) -> ExportResult:
    """A FeatureCollection of Points ([lon, lat], WGS 84); events with no coordinates are left out."""
    result = ExportResult("geojson", "")
    out.write(b'{"type": "FeatureCollection", "features": [\n')
    first = True
    for ev in events:
        if ev.latitude is None or ev.longitude is None:
            result.skipped_no_coordinates += 1
            continue
        feature = {
            "type": "Feature",
            "id": ev.event_id,
            "geometry": {"type": "Point", "coordinates": [float(ev.longitude), float(ev.latitude)]},
            "properties": event_row(ev),
        }
        out.write(
            (b"" if first else b",\n") + json.dumps(feature, ensure_ascii=False, allow_nan=False).encode()
        )
        first = False
        result.written += 1
    out.write(b"\n]}\n")
    return result


def write_parquet(events: Iterable[Event], out: BinaryIO) -> ExportResult:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def kind(name: str) -> pa.DataType:
        return pa.int64() if name in INT_COLUMNS else pa.float64() if name in FLOAT_COLUMNS else pa.string()

    schema = pa.schema([pa.field(c, kind(c)) for c in COLUMNS])
    rows = [event_row(ev) for ev in events]
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, out, compression="zstd")
    return ExportResult("parquet", "", written=len(rows))


WRITERS = {"csv": write_csv, "jsonl": write_jsonl, "geojson": write_geojson, "parquet": write_parquet}


def export_events(
    store: Store, fmt: str, path: str | Path, flt: EventFilter | None = None, *, sort: str | None = None,
    limit: int | None = None,
) -> ExportResult:  # fmt: skip
    """Write the events matching `flt` (at most `limit`) to `path` ("-" for stdout) in format `fmt`."""
    if fmt not in WRITERS:
        raise WirewatchError(errors.BAD_OPTION, f"format '{fmt}': expected one of {', '.join(FORMATS)}")
    events = find_events(store, flt, sort=sort or "event_date", limit=limit)
    if str(path) == "-":
        import sys

        result = WRITERS[fmt](events, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        target = Path(path)
        try:
            with target.open("wb") as out:
                result = WRITERS[fmt](events, out)
        except OSError as exc:
            raise WirewatchError(errors.BAD_OPTION, f"{target}: cannot write ({exc.strerror})") from None
    result.path = str(path)
    return result
