"""The Parquet tables the Spark job writes: their columns, a record as a row, and back.

Every table holds the records of docs/records.md. `events` has the columns of
`wirewatch export --format parquet` (ACLED's, then ours, with the same types) and then
`sources` and `mention_ids`, so an event's sources and spans travel with it. Nested
fields (an article's removed lines, a story's members, a mention's spans, an event's sources)
are JSON text. The dedup index tables let a loaded database go on deduplicating new articles
against these.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from typing import Any

from wirewatch.errors import InputProblem
from wirewatch.export.columns import COLUMNS, FLOAT_COLUMNS, INT_COLUMNS, event_row
from wirewatch.records import Article, Event, EventMention, Story

# column kinds: "string", "long", "double", "boolean", "binary", "json" (text holding JSON),
# "strings" (a list of text)
Columns = list[tuple[str, str]]


def _kinds_of(record: type, json_fields: tuple[str, ...]) -> Columns:
    hints = typing.get_type_hints(record)
    out = []
    for name in record.field_names():  # type: ignore[attr-defined]
        hint = hints[name]
        if name in json_fields:
            kind = "json"
        elif hint in (int, int | None):
            kind = "long"
        elif hint in (float, float | None):
            kind = "double"
        else:
            kind = "string"
        out.append((name, kind))
    return out


# and the extractor that found its mentions (empty when extraction failed on it: a later
# `wirewatch run` on the loaded database tries again)
ARTICLE_COLUMNS = [*_kinds_of(Article, ("removed", "field_sources")), ("extracted_with", "string")]
MENTION_COLUMNS = _kinds_of(EventMention, ("spans",))
STORY_COLUMNS: Columns = [
    ("story_id", "string"), ("canonical_article_id", "string"), ("agency", "string"),
    ("first_seen", "string"), ("title", "string"), ("member_count", "long"), ("members", "json"),
]  # fmt: skip
EVENT_COLUMNS: Columns = [
    (c, "long" if c in INT_COLUMNS else "double" if c in FLOAT_COLUMNS else "string") for c in COLUMNS
] + [("sources", "json"), ("mention_ids", "strings")]
PROBLEM_COLUMNS: Columns = [
    ("source", "string"),
    ("code", "string"),
    ("message", "string"),
    ("fatal", "boolean"),
]
SIGNATURE_COLUMNS: Columns = [
    ("article_id", "string"), ("text_hash", "string"), ("shingle_count", "long"), ("signature", "binary"),
    ("story_id", "string"),
]  # fmt: skip
BAND_COLUMNS: Columns = [("band_key", "long"), ("article_id", "string")]

TABLES: dict[str, Columns] = {
    "articles": ARTICLE_COLUMNS, "stories": STORY_COLUMNS, "mentions": MENTION_COLUMNS,
    "events": EVENT_COLUMNS, "problems": PROBLEM_COLUMNS, "dedup_signatures": SIGNATURE_COLUMNS,
    "dedup_bands": BAND_COLUMNS,
}  # fmt: skip


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def _row(data: dict[str, Any], columns: Columns) -> tuple[Any, ...]:
    return tuple(_json(data[name]) if kind == "json" else data[name] for name, kind in columns)


def article_row(a: Article, extracted_with: str | None) -> tuple[Any, ...]:
    return _row(a.to_dict() | {"extracted_with": extracted_with}, ARTICLE_COLUMNS)


def mention_row(m: EventMention) -> tuple[Any, ...]:
    return _row(m.to_dict(), MENTION_COLUMNS)


def story_row(st: Story) -> tuple[Any, ...]:
    data = st.to_dict() | {"member_count": len(st.members)}
    return _row(data, STORY_COLUMNS)


def event_table_row(ev: Event) -> tuple[Any, ...]:
    data = event_row(ev) | {
        "sources": [s.to_dict() for s in ev.sources],
        "mention_ids": [s.mention_id for s in ev.sources if s.mention_id],
    }
    return _row(data, EVENT_COLUMNS)


def problem_row(p: InputProblem) -> tuple[Any, ...]:
    return (p.source, p.code, p.message, p.fatal)


def _from_row(row: dict[str, Any], columns: Columns) -> dict[str, Any]:
    return {name: json.loads(row[name]) if kind == "json" and row[name] is not None else row[name]
            for name, kind in columns}  # fmt: skip


def article_from_row(row: dict[str, Any]) -> Article:
    return Article.from_dict(_from_row(row, ARTICLE_COLUMNS))


def mention_from_row(row: dict[str, Any]) -> EventMention:
    return EventMention.from_dict(_from_row(row, MENTION_COLUMNS))


def story_from_row(row: dict[str, Any]) -> Story:
    return Story.from_dict(_from_row(row, STORY_COLUMNS))


def event_from_row(row: dict[str, Any]) -> Event:
    """The event record from its row (the export columns that are event fields, and sources)."""
    data = _from_row(row, EVENT_COLUMNS)
    return Event.from_dict({k: v for k, v in data.items() if k != "mention_ids"})


def problem_from_row(row: dict[str, Any]) -> InputProblem:
    return InputProblem(row["source"], row["code"], row["message"], bool(row["fatal"]))


READERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "articles": article_from_row, "stories": story_from_row, "mentions": mention_from_row,
    "events": event_from_row, "problems": problem_from_row,
}  # fmt: skip


def spark_schema(columns: Columns) -> Any:
    """The Spark schema of a table (pyspark imported only here and in the job)."""
    from pyspark.sql import types as t

    kinds = {
        "string": t.StringType(), "long": t.LongType(), "double": t.DoubleType(),
        "boolean": t.BooleanType(), "binary": t.BinaryType(), "json": t.StringType(),
        "strings": t.ArrayType(t.StringType()),
    }  # fmt: skip
    return t.StructType([t.StructField(name, kinds[kind], True) for name, kind in columns])
