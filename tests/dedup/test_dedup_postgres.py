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


@pytest.mark.postgres
def test_band_map_in_memory_on_postgres(postgres_url: str) -> None:
    from wirewatch.dedup import bandmap
    from wirewatch.dedup.index import DedupIndex
    from wirewatch.dedup.shingles import fingerprints
    from wirewatch.dedup.signature import band_keys, signatures

    store = open_store(postgres_url)
    texts = [BODY, "TOP STORIES\n" + BODY + "\nShare", BODY.replace("eleven", "twelve")]
    arts = [Article(article_id=f"pm-{i}", source=f"s{i}", text=t) for i, t in enumerate(texts)]
    store.add_articles(arts)
    first = assign_stories(store, arts[:1], DedupOptions(band_map="memory"))
    later = assign_stories(store, arts[1:], DedupOptions(band_map="memory"))  # found through the map
    assert set(later.values()) == set(first.values())
    opts = DedupOptions()
    fps = fingerprints(texts, opts.shingle_size, opts.prose_min_words)
    keys = band_keys(signatures([f.raw for f in fps], opts.num_perm), opts.bands).ravel().tolist()
    in_db = DedupIndex(store, DedupOptions(band_map="database")).by_band_keys(keys, 20)
    in_memory = DedupIndex(store, DedupOptions(band_map="memory")).by_band_keys(keys, 20)
    assert in_db and {k: sorted(v) for k, v in in_memory.items()} == {k: sorted(v) for k, v in in_db.items()}
    bandmap.forget(store)
    store.close()
