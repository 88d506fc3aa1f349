"""What `wirewatch watch` remembers between polls and across restarts: each source's validators
(ETag, Last-Modified), when it was last polled and how that went, and the items (feed links,
files) it has already read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from wirewatch.store import schema as s
from wirewatch.store.db import Store, now_iso


def source_states(store: Store) -> dict[str, dict[str, Any]]:
    """source -> {etag, last_modified, polled_at, status}."""
    w = s.watch_sources.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(w.source, w.etag, w.last_modified, w.polled_at, w.status)).all()
    return {r.source: dict(r._mapping) for r in rows}


def save_source_state(store: Store, source: str, **values: Any) -> None:
    """Set some of a source's state (the others are kept)."""
    with store.engine.begin() as conn:
        old = conn.execute(sa.select(s.watch_sources).where(s.watch_sources.c.source == source)).first()
        row = (dict(old._mapping) if old else {"source": source}) | values
        store._upsert(conn, s.watch_sources, ["source"], row)


def seen_items(store: Store, source: str) -> dict[str, str | None]:
    """The items of a source already read: item -> its signature (a file's size and time)."""
    w = s.watch_seen.c
    with store.engine.connect() as conn:
        return {
            r.item: r.signature
            for r in conn.execute(sa.select(w.item, w.signature).where(w.source == source))
        }


def mark_seen(store: Store, source: str, items: Mapping[str, str | None]) -> None:
    """Remember these items of a source as read (with their signatures)."""
    if not items:
        return
    at = now_iso()
    with store.engine.begin() as conn:
        for item, signature in items.items():
            store._upsert(conn, s.watch_seen, ["source", "item"],
                          {"source": source, "item": item, "signature": signature, "seen_at": at})  # fmt: skip
