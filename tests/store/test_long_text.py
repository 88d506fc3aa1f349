"""An event's free text too long for the database's indexes: PostgreSQL's b-tree indexes refuse an
entry over 2,704 bytes, and with it the write of a whole fusion pass. The columns are cut to fit
(`schema.INDEXED_TEXT_BYTES`, and each column's declared width); the record keeps them whole."""

from __future__ import annotations

import random
import string

import pytest

from wirewatch.config import FuseOptions
from wirewatch.fuse import fuse_pending
from wirewatch.records import Article, Event, EventMention, content_id
from wirewatch.store import schema as s
from wirewatch.store.events_query import find_events
from wirewatch.store.fusion_queries import insert_events_bulk
from wirewatch.views import event_filter

# letters drawn at random: text that does not compress, as an index entry would hold it
LONG_NAME = "".join(random.Random(7).choice(string.ascii_letters) for _ in range(3000))
LONG_NOTE = "Shelling hit the town. " + "".join(random.Random(8).choice(string.ascii_letters + " ") for _ in range(5000))
CYRILLIC = "Вооружённые силы " * 20  # two bytes a letter


def _mention(i: int, **fields) -> EventMention:
    article = content_id("long-article", str(i))
    base = dict(
        mention_id=content_id("long-mention", str(i)), article_id=article, sentence="Shelling killed two.",
        event_date="2024-03-01", event_type="Explosions/Remote violence", country="Ukraine", iso3="UKR",
        location=f"Town {i}", latitude=49.0 + i, longitude=30.0 + 3 * i, fatalities=2, story_id=article,
    )  # fmt: skip
    return EventMention(**(base | fields))


def test_a_fusion_pass_with_overlong_text_stores_every_event(store):
    # before, PostgreSQL refused the pass: "index row size 6208 exceeds btree version 4 maximum
    # 2704 for index ix_events_cover", and not one of its events was stored
    mentions = [
        _mention(0, actor1=LONG_NAME, actor2=LONG_NAME, notes=LONG_NOTE, location=LONG_NAME, admin1="A" * 500),
        _mention(1, actor1=CYRILLIC, actor2="Civilians (Ukraine)"),
        _mention(2, actor1="Military Forces of Russia"),
    ]
    for m in mentions:
        store.add_articles([Article(article_id=m.article_id, source=m.article_id, text=m.sentence, language="en",
                                    published_at="2024-03-01", story_id=m.story_id)])  # fmt: skip
        store.replace_mentions(m.article_id, [m], "test")
    fuse_pending(store, FuseOptions())
    assert store.count("events") == 3
    with store.engine.connect() as conn:
        rows = conn.execute(s.events.select()).mappings().all()
    for row in rows:
        for name, most in s.INDEXED_TEXT_BYTES.items():
            assert len((row[name] or "").encode("utf-8")) <= most, (name, row[name][:40])
    long = next(r for r in rows if (r["actor1"] or "").startswith(LONG_NAME[:50]))
    assert long["data"]["actor1"] == LONG_NAME  # the record keeps it whole
    cut = next(r["actor1"] for r in rows if r["actor1"].startswith("Вооружённые"))
    assert CYRILLIC.startswith(cut) and len(cut.encode("utf-8")) >= 299  # between letters, never inside one
    found = list(find_events(store, event_filter(actor=LONG_NAME[:40].lower())))
    assert [e.actor1 for e in found] == [LONG_NAME]


@pytest.mark.parametrize("write", ["save_events", "insert_events_bulk"])
def test_every_write_of_events_cuts_them_alike(store, write):
    event = Event(event_id="long", event_date="2024-03-01", actor1=LONG_NAME, notes=LONG_NOTE, country="Ukraine")
    if write == "save_events":
        store.save_events([event])
    else:
        insert_events_bulk(store, [event])
    with store.engine.connect() as conn:
        row = conn.execute(s.events.select()).mappings().one()
    assert row["actor1"] == LONG_NAME[:300] and row["notes"] == LONG_NOTE[:1000]
