"""The storage layer on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import pytest

from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.records import Article, Event, EventMention, Span, Story
from wirewatch.store import open_store
from wirewatch.store.schema import SCHEMA_VERSION


def _article(n: int, **kw) -> Article:
    return Article(article_id=f"a{n:04d}", source=f"file{n}.txt", text=f"Body number {n}.", title=f"T{n}", **kw)


def test_migrates_to_current_version_and_reopens(store):
    assert store.schema_version() == SCHEMA_VERSION
    again = open_store(store.db)
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_add_articles_is_idempotent(store):
    arts = [_article(i) for i in range(3)]
    assert store.add_articles(arts) == 3
    assert store.add_articles(arts) == 0
    assert store.count("articles") == 3
    assert store.known_article_ids(["a0000", "zzz"]) == {"a0000"}


def test_article_round_trip_keeps_every_field(store):
    a = _article(1, agency="IANS", dateline_place="Kabul", removed=[{"text": "Open in App", "reason": "app-banner"}],
                 field_sources={"agency": "signoff"}, published_at="2025-03-04", published_at_source="header-line")
    store.add_articles([a, _article(2)])
    back = store.get_article("a0001")
    assert back.to_dict() | {"ingested_at": None} == a.to_dict() | {"ingested_at": None}
    assert store.get_article("a000") is None  # an ambiguous prefix finds nothing
    assert store.get_article("a0001").title == "T1"


def test_pending_queries(store):
    store.add_articles([_article(i) for i in range(4)])
    store.set_story_ids({"a0000": "s1", "a0001": "s1"})
    assert [a.article_id for a in store.iter_articles(without_story=True)] == ["a0002", "a0003"]
    m = EventMention(mention_id="m1", article_id="a0000", sentence="x", spans=[Span("trigger", 0, 1, "x")])
    store.replace_mentions("a0000", [m], "v1")
    pending = [a.article_id for a in store.iter_articles(needs_extraction="v1")]
    assert "a0000" not in pending and len(pending) == 3
    assert [a.article_id for a in store.iter_articles(needs_extraction="v2")][0] == "a0000"
    got = list(store.iter_mentions(article_id="a0000"))
    assert got[0].spans[0] == Span("trigger", 0, 1, "x")
    store.replace_mentions("a0000", [], "v2")  # a new extractor replaces the old mentions
    assert list(store.iter_mentions(article_id="a0000")) == []


def test_stories_events_and_problems(store):
    store.save_stories([Story(story_id="s1", canonical_article_id="a1", members=[{"article_id": "a1"}])])
    store.save_stories([Story(story_id="s1", canonical_article_id="a2", members=[{"article_id": "a1"}, {"article_id": "a2"}])])
    assert store.get_story("s1").canonical_article_id == "a2"
    assert store.count("stories") == 1
    store.save_events([Event(event_id="e1", event_date="2025-03-04", country="Iraq", fatalities=3, sources=[{"article_id": "a1"}])])
    assert store.get_event("e1").fatalities == 3
    store.delete_events(["e1"])
    assert store.get_event("e1") is None
    store.add_problems("r1", [InputProblem("bad.bin", "W003", "binary")])
    assert store.problems("r1")[0]["code"] == "W003"


def test_missing_sqlite_database_is_a_one_line_error(tmp_path):
    with pytest.raises(WirewatchError) as exc:
        open_store(str(tmp_path / "nope.db"), create=False)
    assert "no such database" in exc.value.line()


def test_articles_without_a_story_come_in_publication_order_whichever_run_stored_them(store):
    one, two = "2026-01-01T00:00:00+00:00", "2026-01-02T00:00:00+00:00"
    store.add_articles([
        _article(1, ingested_at=one, published_at="2025-03-05"), _article(2, ingested_at=one),
        _article(3, ingested_at=one, published_at="2025-03-01"), _article(4, ingested_at=two, published_at="2025-01-01"),
        _article(5, ingested_at=one, published_at="2025-03-01"),
    ])  # fmt: skip
    ids = [a.article_id for a in store.iter_articles(without_story=True, by_publication=True)]
    assert ids == ["a0004", "a0003", "a0005", "a0001", "a0002"]  # undated last; the run does not matter
    assert [a.article_id for a in store.iter_articles()] == ["a0001", "a0002", "a0003", "a0005", "a0004"]
