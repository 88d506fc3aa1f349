"""A record's JSON is made once: the database stores the text `_storable_json` wrote (the engine's
serializer passes it through), the same JSON as the record's `to_dict()`; a record that had to be
repaired, and a plain dict, are still written as JSON."""

from __future__ import annotations

import json

import sqlalchemy as sa

from wirewatch.records import Article, EventMention, content_id
from wirewatch.store import schema as s
from wirewatch.store.db import JSONText, _json_serializer, _storable_json


def _article(text: str, **fields) -> Article:
    aid = content_id("json-once", text)
    return Article(article_id=aid, source=aid, text=text, language="en", title="Shelling «here»",
                   published_at="2024-03-01", **fields)  # fmt: skip


def _stored(store, table, key, value) -> tuple[str, dict]:
    data = table.c.data
    text = sa.cast(data, sa.Text)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(text, data).where(key == value)).one()
    return row[0], row[1]


def test_a_record_is_stored_as_the_json_made_once(store):
    article = _article("Gunmen killed three people.\u00a0Éléments armés.")
    dumped, fixed = _storable_json(article)
    assert isinstance(dumped, JSONText) and fixed == 0
    store.add_articles([article])
    text, data = _stored(store, s.articles, s.articles.c.article_id, article.article_id)
    assert json.loads(text) == data == article.to_dict() == json.loads(dumped)
    assert store.get_article(article.article_id) == article
    mention = EventMention(mention_id=content_id("m", "1"), article_id=article.article_id, sentence="Shelling.",
                           country="Ukraine", location="Kherson")  # fmt: skip
    store.replace_mentions(article.article_id, [mention], "test")
    _text, data = _stored(store, s.mentions, s.mentions.c.mention_id, mention.mention_id)
    assert data == mention.to_dict()


def test_a_repaired_record_and_a_plain_dict_are_written_as_json(store):
    article = _article("A lone surrogate \ud800 and a NUL \x00 in the text.")
    repaired, fixed = _storable_json(article)
    assert isinstance(repaired, dict) and not isinstance(repaired, JSONText) and fixed == 2
    store.add_articles([article])
    _text, data = _stored(store, s.articles, s.articles.c.article_id, article.article_id)
    assert data == repaired and "\ud800" not in data["text"] and "\x00" not in data["text"]
    assert _json_serializer({"a": [1, "b"]}) == json.dumps({"a": [1, "b"]})
    assert _json_serializer(JSONText('{"a": 1}')) == '{"a": 1}'
