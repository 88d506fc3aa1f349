"""Fusion on a real PostgreSQL server gives the same events, ids and history as on SQLite."""

from __future__ import annotations

import pytest

from wirewatch.config import FuseOptions
from wirewatch.fuse import fuse_pending
from wirewatch.store import open_store
from wirewatch.store.events_query import event_history


@pytest.mark.postgres
def test_fusion_on_postgres_matches_sqlite(tmp_path, postgres_url, event_world, baghdad_fields):
    results = []
    for db in (str(tmp_path / "lite.db"), postgres_url):
        store = open_store(db)
        world = event_world(store)
        world.article("p1", [dict(baghdad_fields, fatalities=4)], published_at="2024-02-08", story_id="s1")
        world.article("p2", [dict(baghdad_fields)], published_at="2024-02-08T10:00:00+03:00", story_id="s1")
        fuse_pending(store, FuseOptions(), now="2024-03-01T00:00:00+00:00")
        world.article("p3", [dict(baghdad_fields, fatalities=5)], published_at="2024-02-09", story_id="s2")
        fuse_pending(store, FuseOptions(), now="2024-03-02T00:00:00+00:00")
        events = [e.to_dict() for e in store.iter_events()]
        history = [event_history(store, e["event_id"]) for e in events]
        results.append((events, history))
        store.close()
    assert results[0] == results[1]
    (event,) = results[0][0]
    assert (event["fatalities"], event["fatalities_low"], event["fatalities_high"]) == (3, 3, 5)
    assert event["source_count"] == 3 and event["independent_source_count"] == 2
