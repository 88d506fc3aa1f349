"""One record through the whole pipeline, as the library does it for POST /articles."""

from __future__ import annotations

import pytest

from wirewatch.config import Options
from wirewatch.errors import WirewatchError
from wirewatch.pipeline import ingest_record
from wirewatch.store import open_store

RECORD = {
    "url": "https://valley-courier.example/2024/05/12/ambush",
    "outlet": "Valley Courier",
    "published_at": "2024-05-12",
    "text": (
        "MOGADISHU, May 12 - Gunmen ambushed a police patrol on Saturday near the town of Afgoye, "
        "killing three officers, a district commissioner said.\n\n"
        "The commissioner said the attackers fled towards farmland along the river after the ambush."
    ),
}


def test_a_record_is_stored_once_and_described(tmp_path):
    store = open_store(str(tmp_path / "r.db"))
    first = ingest_record(store, Options(), RECORD, source="test:record")
    assert (
        first["new"] is True and first["story_id"] and first["mentions"] == len(list(store.iter_mentions()))
    )
    assert store.get_article(first["article_id"]).source == "test:record"
    again = ingest_record(store, Options(), RECORD, source="test:record")
    assert again["new"] is False and again["article_id"] == first["article_id"]
    store.close()


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ({"title": "no body"}, "W013"),
        ({"text": "   "}, "W004"),
        ({"text": 5}, "W006"),
        (
            {"html": '<html><body><nav><a href="/">Home</a></nav></body></html>'},
            "W008",
        ),  # cleaning finds no text
    ],
)
def test_a_rejected_record_is_a_coded_error(tmp_path, record, code):
    store = open_store(str(tmp_path / "bad.db"))
    with pytest.raises(WirewatchError) as rejected:
        ingest_record(store, Options(), record)
    assert rejected.value.code == code and store.count("articles") == 0
    store.close()
