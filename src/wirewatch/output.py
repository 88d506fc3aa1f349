"""Shared output options for every list command: --format table|jsonl|csv (sqlite-utils style).

Article text is untrusted, so every format makes it safe for its reader (`safe_text`): a table
shows no control characters or escape sequences (they could rewrite the analyst's terminal), a
CSV cell never starts like a spreadsheet formula, and JSON lines hold valid UTF-8 only."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, TextIO

from wirewatch.records import Record
from wirewatch.safe_text import spreadsheet_cell, terminal_text, valid_unicode


class Format(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def _json_value(value: Any) -> Any:
    """A record inside a row (a story's members) as its dict; anything else JSON lacks as text."""
    return value.to_dict() if isinstance(value, Record) else str(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, default=_json_value)
    return valid_unicode(str(value))[0]


def _cell(value: Any, width: int | None) -> str:
    """One table cell: one line, no control characters, cut to `width`."""
    text = terminal_text(_text(value), keep_newlines=False)
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def csv_cell(value: Any) -> str:
    """One CSV cell: the whole value, never read as a formula by a spreadsheet."""
    return spreadsheet_cell(_text(value))


def emit(
    rows: Iterable[dict[str, Any]], fmt: Format | str, columns: Sequence[str],
    *, out: TextIO | None = None, widths: dict[str, int] | None = None,
) -> int:  # fmt: skip
    """Write rows in the chosen format; jsonl writes whole records, table/csv the columns.

    Returns the number of rows written.
    """
    out = out or sys.stdout
    fmt = Format(fmt)
    n = 0
    if fmt is Format.jsonl:
        for row in rows:
            line = json.dumps(row, ensure_ascii=False, default=_json_value)
            out.write(valid_unicode(line)[0] + "\n")  # a record stored before text was repaired
            n += 1
        return n
    if fmt is Format.csv:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_cell(row.get(c)) for c in columns])
            n += 1
        return n
    widths = widths or {}
    table = [[_cell(row.get(c), widths.get(c, 40)) for c in columns] for row in rows]
    sizes = [max([len(c)] + [len(r[i]) for r in table]) for i, c in enumerate(columns)]
    out.write("  ".join(c.ljust(sizes[i]) for i, c in enumerate(columns)).rstrip() + "\n")  # our own names
    out.write("  ".join("-" * sizes[i] for i in range(len(columns))) + "\n")
    for r in table:
        out.write("  ".join(v.ljust(sizes[i]) for i, v in enumerate(r)).rstrip() + "\n")
    return len(table)
