"""Export: events -> CSV (ACLED's columns, then ours), JSONL, GeoJSON, Parquet.

Contract: `export_events(store, fmt, path, flt) -> ExportResult`; the filter is the one
the API and `wirewatch events` use (`wirewatch.views.event_filter` builds it from user input).
"""

from wirewatch.export.columns import ACLED_COLUMNS, COLUMNS, OUR_COLUMNS, event_row
from wirewatch.export.writers import FORMATS, ExportResult, export_events

__all__ = ["ACLED_COLUMNS", "COLUMNS", "FORMATS", "OUR_COLUMNS", "ExportResult", "event_row", "export_events"]
