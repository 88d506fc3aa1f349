"""Events that lose a mention are recorded as it happens (`stale_events`), so a fusion pass reads
a short list instead of counting every event's articles; the pass that re-fuses them forgets
them. Migration 18 records those a database had before. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.conftest import BAGHDAD, EventWorld

from wirewatch.config import FuseOptions
from wirewatch.fuse import fuse_pending
from wirewatch.store import open_store
from wirewatch.store import schema as s
from wirewatch.store.fusion_queries import stale_event_ids

NOW = "2024-03-01T00:00:00+00:00"


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, tmp_path):
    db = str(tmp_path / "stale.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    st = open_store(db)
    w = EventWorld(st)
    w.article("b1", [dict(BAGHDAD, sentence="A drone strike hit a car in Baghdad.")], story_id="st-1")
    w.article("b2", [dict(BAGHDAD, sentence="Three died in a strike on a car in Baghdad.")], story_id="st-2")
    fuse_pending(st, FuseOptions(), now=NOW)
    yield w
    st.close()


def _event(store):
    (event,) = store.iter_events()
    return event


def test_re_extraction_marks_the_event_and_the_next_pass_re_fuses_it(world):
    store = world.store
    event = _event(store)
    assert event.source_count == 2 and stale_event_ids(store) == set()
    store.replace_mentions("b2", [], "a newer extractor")  # the second report no longer reads as an event
    assert stale_event_ids(store) == {event.event_id}
    result = fuse_pending(store, FuseOptions(), now=NOW)
    assert result.events_updated == 1 and _event(store).source_count == 1
    assert stale_event_ids(store) == set()


def test_a_skipped_article_and_a_moved_story_mark_the_event_too(world):
    store = world.store
    event = _event(store)
    store.skip_extraction("b2", "a newer extractor", "W053: over its time budget")
    assert stale_event_ids(store) == {event.event_id}
    fuse_pending(store, FuseOptions(), now=NOW)
    store.restory_mentions({"b1": "st-2"})  # two stories found to be one
    assert stale_event_ids(store) == {event.event_id}


def test_migration_18_records_the_events_that_had_lost_mentions(world):
    store = world.store
    event = _event(store)
    with store.engine.begin() as conn:  # as a re-extraction before migration 18 left it
        conn.execute(s.mentions.delete().where(s.mentions.c.article_id == "b2"))
        conn.execute(s.stale_events.delete())
    assert stale_event_ids(store) == set()
    with store.engine.begin() as conn:
        s._stale_events_v18(conn)
        assert conn.execute(sa.select(sa.func.count()).select_from(s.stale_events)).scalar_one() == 1
    assert stale_event_ids(store) == {event.event_id}
