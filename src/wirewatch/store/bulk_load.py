"""Writes of records made elsewhere (the Spark job's output) into a store, in large batches.

Every write is insert-or-ignore, so loading the same output again after an interruption
finishes the load with no duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from wirewatch.records import Event, EventMention
from wirewatch.store import schema as s
from wirewatch.store.db import Store, _jsonable, event_row
from wirewatch.store.db import chunks as _chunks

_BATCH = 2000


def insert_mentions(store: Store, mentions: Sequence[EventMention]) -> int:
    """Mentions with their event links (rows already there are left alone); returns rows added."""
    columns = Store._MENTION_COLUMNS
    rows = [{c: getattr(m, c) for c in columns} | {"data": _jsonable(m)} for m in mentions]
    added = 0
    with store.engine.begin() as conn:
        for chunk in _chunks(rows, _BATCH):
            added += store._insert_ignore(conn, s.mentions, chunk)
    return added


def mark_extracted(store: Store, article_ids: Sequence[str], extractor: str) -> None:
    """Record that these articles' mentions come from `extractor` (so a later run does not
    extract them again)."""
    col = s.articles.c
    with store.engine.begin() as conn:
        for chunk in _chunks(list(article_ids)):
            conn.execute(
                s.articles.update().where(col.article_id.in_(list(chunk))).values(extracted_with=extractor)
            )


def insert_events(store: Store, events: Sequence[Event], history: Sequence[dict[str, Any]]) -> int:
    """New events and their history rows; events already stored (and their history) are left
    alone. Returns the number of events added."""
    ids = [ev.event_id for ev in events]
    with store.engine.begin() as conn:
        known: set[str] = set()
        for chunk in _chunks(ids):
            q = sa.select(s.events.c.event_id).where(s.events.c.event_id.in_(list(chunk)))
            known.update(r[0] for r in conn.execute(q))
        rows = [event_row(ev) for ev in events if ev.event_id not in known]
        for chunk in _chunks(rows, _BATCH):
            store._insert_ignore(conn, s.events, chunk)
        fresh = [h for h in history if h["event_id"] not in known]
        for chunk in _chunks(fresh, _BATCH):
            conn.execute(s.event_history.insert(), list(chunk))
    return len(rows)
