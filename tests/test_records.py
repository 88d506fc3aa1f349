"""Records: one list of event fields for mentions and events, typed nested records whose JSON
shape (keys and their order) is what stored rows, exports and the API have always had."""

from __future__ import annotations

import dataclasses
import json

from wirewatch.evaluate.gold import VALUE_FIELDS
from wirewatch.evaluate.metrics import PREDICTED_FIELDS
from wirewatch.export.columns import COLUMNS
from wirewatch.fuse.fields import SOURCE_VALUE_FIELDS, TRACKED_FIELDS
from wirewatch.records import (
    EVENT_FIELDS,
    PLACE_FIELDS,
    Article,
    Event,
    EventFields,
    EventMention,
    EventSource,
    Removed,
    Span,
    Story,
    StoryMember,
)
from wirewatch.store import open_store

SPAN = {"field": "trigger", "start": 4, "end": 10, "text": "struck"}
SOURCE = {
    "article_id": "a1", "story_id": "s1", "outlet": "Daily Ledger", "url": "https://x.example/1",
    "published_at": "2025-03-05", "mention_id": "m1", "sentence": "A drone struck a depot.",
    "spans": [SPAN], "values": {"event_date": "2025-03-04", "fatalities": 2},
}  # fmt: skip
MEMBER = {
    "article_id": "a1", "outlet": "Daily Ledger", "similarity": 1.0, "chars": 812, "prose_words": 140,
    "published_at": "2025-03-05", "agency": "AFP", "title": "Drone hits depot",
}  # fmt: skip


def test_mentions_and_events_share_the_event_fields() -> None:
    names = {f.name for f in dataclasses.fields(EventFields)}
    assert len(EVENT_FIELDS) == 32 and set(EVENT_FIELDS) == names
    for record in (EventMention, Event):
        assert issubclass(record, EventFields)
        assert set(EVENT_FIELDS) <= set(record.field_names())


def test_call_forms_and_key_order_are_unchanged() -> None:
    m = EventMention(mention_id="m1", article_id="a1", sentence="s")
    assert list(m.to_dict())[:8] == [
        "mention_id", "article_id", "sentence", "sentence_start", "event_date", "date_low", "date_high",
        "date_expression",
    ]  # fmt: skip
    assert list(m.to_dict())[-4:] == ["confidence", "spans", "story_id", "event_id"]
    ev = Event(event_id="e1")
    assert list(ev.to_dict()) == [
        "event_id", *EVENT_FIELDS,
        "source_count", "independent_source_count", "sources", "first_reported_at", "updated_at",
        "review_status", "hand_set", "machine_values", "review_flags", "disputed_fields",
    ]  # fmt: skip
    for record in (EventMention, Event):  # the key order names every field once
        order = record.field_names()
        assert sorted(order) == sorted(f.name for f in dataclasses.fields(record))


def test_nested_records_round_trip_in_their_json_shape() -> None:
    ev = Event.from_dict({"event_id": "e1", "sources": [SOURCE]})
    assert isinstance(ev.sources[0], EventSource) and isinstance(ev.sources[0].spans[0], Span)
    assert ev.to_dict()["sources"] == [SOURCE] and list(ev.to_dict()["sources"][0]) == list(SOURCE)
    assert Event.from_dict(ev.to_dict()) == ev
    story = Story.from_dict({"story_id": "s1", "canonical_article_id": "a1", "members": [MEMBER]})
    assert isinstance(story.members[0], StoryMember) and story.to_dict()["members"] == [MEMBER]
    assert list(story.to_dict()["members"][0]) == list(MEMBER)
    article = Article.from_dict({"article_id": "a1", "source": "x", "removed": [{"text": "Ad", "reason": "ad"}]})
    assert article.removed == [Removed("Ad", "ad")] and article.to_dict()["removed"] == [{"text": "Ad", "reason": "ad"}]


def test_dicts_given_to_a_constructor_become_records() -> None:
    ev = Event(event_id="e1", sources=[SOURCE])
    assert isinstance(ev.sources[0], EventSource) and ev.sources[0].spans[0].text == "struck"
    assert isinstance(Story("s1", "a1", members=[MEMBER]).members[0], StoryMember)


def test_old_rows_without_newer_keys_still_load() -> None:
    old_source = {k: v for k, v in SOURCE.items() if k != "sentence"}
    ev = Event.from_dict({"event_id": "e1", "sources": [old_source]})
    assert ev.sources[0].sentence is None and ev.sources[0].mention_id == "m1"
    story = Story.from_dict({"story_id": "s1", "canonical_article_id": "a1", "members": [{"article_id": "a1"}]})
    assert story.members[0].title is None and story.members[0].similarity is None


def test_nested_records_read_like_their_dicts() -> None:
    source = EventSource.from_dict(SOURCE)
    assert source["outlet"] == "Daily Ledger" and source.get("url") == SOURCE["url"] and "values" in source
    assert source.get("nope", 3) == 3 and "nope" not in source
    member = StoryMember.from_dict(MEMBER)
    assert member == MEMBER and dict(member, canonical=True)["canonical"] is True
    assert {"text": "Ad", "reason": "ad"} in [Removed("Ad", "ad")]


def test_stored_json_is_the_records_dict(tmp_path) -> None:
    store = open_store(str(tmp_path / "r.db"))
    store.save_events([Event(event_id="e1", country="Iraq", sources=[SOURCE])])
    store.save_stories([Story("s1", "a1", members=[MEMBER])])
    with store.engine.connect() as conn:
        event_json = conn.exec_driver_sql("SELECT data FROM events").scalar_one()
        story_json = conn.exec_driver_sql("SELECT data FROM stories").scalar_one()
    assert json.loads(event_json) == store.get_event("e1").to_dict()
    assert list(json.loads(event_json)) == list(Event.field_names())
    assert json.loads(story_json)["members"] == [MEMBER]


def test_field_lists_elsewhere_come_from_the_event_fields() -> None:
    assert TRACKED_FIELDS[: len(EVENT_FIELDS)] == EVENT_FIELDS
    assert set(PLACE_FIELDS) <= set(EVENT_FIELDS) and PLACE_FIELDS[0] == "iso"
    for chosen in (SOURCE_VALUE_FIELDS, PREDICTED_FIELDS, VALUE_FIELDS):
        assert set(chosen) <= set(EVENT_FIELDS)
    # every event field is an export column (ACLED's where ACLED has it, else ours)
    assert set(EVENT_FIELDS) - set(COLUMNS) == set()
