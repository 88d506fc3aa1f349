"""Stories on PostgreSQL: the same answers as SQLite."""

from __future__ import annotations

import pytest

from wirewatch.config import DedupOptions
from wirewatch.dedup import assign_stories, story_of
from wirewatch.records import Article
from wirewatch.store import open_store

BODY = (
    "Heavy rain flooded the low-lying districts of the province on Monday, officials said, and thousands "
    "of families moved to relief camps set up along the highway while volunteers handed out food. "
    "The disaster authority said eleven people had died since Friday, most of them when walls collapsed. "
    "Forecasters expect more heavy spells over the coming week and advised fishermen to stay ashore."
)


@pytest.mark.postgres
def test_stories_on_postgres(postgres_url: str) -> None:
    store = open_store(postgres_url)
    arts = [
        Article(article_id="pg-a", source="a", text=BODY, agency="AFP"),
        Article(article_id="pg-b", source="b", text="MENU\nWorld\n" + BODY + "\nRelated stories"),
        Article(
            article_id="pg-c", source="c", text=BODY.replace("Heavy rain", "A cyclone").split(". ")[0] + "."
        ),
    ]
    store.add_articles(arts)
    got = assign_stories(store, arts, DedupOptions())
    assert got["pg-a"] == got["pg-b"] != got["pg-c"]
    assert assign_stories(store, arts, DedupOptions()) == got
    story, siblings = story_of(store, "pg-b")
    assert story is not None and story.agency == "AFP" and [m["article_id"] for m in siblings] == ["pg-a"]
    store.close()
