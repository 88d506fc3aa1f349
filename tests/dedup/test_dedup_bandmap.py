"""The in-memory band map: same answers as the database, kept current, dropped when stale;
and the index rebuilt from stored texts when the hash version changes."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from wirewatch.config import DedupOptions
from wirewatch.dedup import assign_stories, bandmap
from wirewatch.dedup.index import DedupIndex
from wirewatch.dedup.shingles import HASH_VERSION, fingerprints
from wirewatch.dedup.signature import band_keys, signatures
from wirewatch.errors import WirewatchError
from wirewatch.records import Article
from wirewatch.store import open_store
from wirewatch.store import schema as s

MEMORY = DedupOptions(band_map="memory")
DATABASE = DedupOptions(band_map="database")


@pytest.fixture(scope="module")
def corpus(syndication) -> list[Article]:  # type: ignore[no-untyped-def]
    return syndication.to_articles(syndication.generate_corpus(300, 3))


@pytest.fixture(autouse=True)
def _no_maps_between_tests():  # type: ignore[no-untyped-def]
    bandmap._maps.clear()
    yield
    bandmap._maps.clear()


def _keys(articles: list[Article]) -> list[int]:
    opts = DedupOptions()
    fps = fingerprints([a.text or "" for a in articles], opts.shingle_size, opts.prose_min_words)
    return band_keys(signatures([f.raw for f in fps], opts.num_perm), opts.bands).ravel().tolist()


def _sorted(found: dict[int, list[tuple[str, str]]]) -> dict[int, list[tuple[str, str]]]:
    return {k: sorted(v) for k, v in sorted(found.items())}


def test_memory_and_database_lookups_agree(tmp_path: Path, corpus: list[Article]) -> None:
    store = open_store(str(tmp_path / "m.db"))
    store.add_articles(corpus[:200])
    assign_stories(store, corpus[:200], DATABASE)
    keys = _keys(corpus)  # indexed and new texts alike
    in_db = DedupIndex(store, DATABASE)
    in_memory = DedupIndex(store, MEMORY)
    for max_bucket in (20, 1):  # 1: many keys are boilerplate, and both must say which
        expected = in_db.by_band_keys(keys, max_bucket)
        assert expected  # copies of indexed stories are found
        assert _sorted(in_memory.by_band_keys(np.asarray(keys), max_bucket)) == _sorted(expected)
        assert in_memory.boilerplate == in_db.boilerplate
    store.close()


def test_stories_are_the_same_with_the_map_in_memory(tmp_path: Path, corpus: list[Article]) -> None:
    got = {}
    for mode in ("database", "memory"):
        store = open_store(str(tmp_path / f"{mode}.db"))
        out: dict[str, str] = {}
        for i in range(0, len(corpus), 60):  # batches: later ones find the rows earlier ones wrote
            batch = corpus[i : i + 60]
            store.add_articles(batch)
            out.update(assign_stories(store, batch, DedupOptions(band_map=mode)))
        got[mode] = out
        store.close()
    assert got["memory"] == got["database"]
    assert len(set(got["memory"].values())) < len(corpus)  # copies were grouped


def test_map_follows_this_process_writes_without_reloading(tmp_path: Path, corpus: list[Article]) -> None:
    store = open_store(str(tmp_path / "f.db"))
    store.add_articles(corpus[:150])
    assign_stories(store, corpus[:150], MEMORY)
    with store.engine.connect() as conn:
        generation = bandmap.read_generation(conn)
    loaded = bandmap.cached(store, generation)
    assert loaded is not None and loaded.articles == 150
    store.add_articles(corpus[150:])
    assign_stories(store, corpus[150:], MEMORY)
    with store.engine.connect() as conn:
        generation = bandmap.read_generation(conn)
    assert bandmap.cached(store, generation) is loaded and loaded.articles == len(corpus)
    keys = _keys(corpus[150:])
    assert _sorted(DedupIndex(store, MEMORY).by_band_keys(keys, 20)) == _sorted(
        DedupIndex(store, DATABASE).by_band_keys(keys, 20)
    )
    store.close()


def test_a_write_by_another_process_drops_the_map(tmp_path: Path, corpus: list[Article], syndication) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "p.db"
    store = open_store(str(db))
    store.add_articles(corpus)
    assign_stories(store, corpus[:150], MEMORY)
    script = (
        "import sys, importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('syndication', {syndication.__file__!r})\n"
        "gen = importlib.util.module_from_spec(spec); sys.modules['syndication'] = gen; spec.loader.exec_module(gen)\n"
        "from wirewatch.config import DedupOptions\n"
        "from wirewatch.dedup import assign_stories\n"
        "from wirewatch.store import open_store\n"
        f"store = open_store({str(db)!r})\n"
        "arts = gen.to_articles(gen.generate_corpus(300, 3))[150:]\n"
        "assign_stories(store, arts, DedupOptions(band_map='database'))\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    with store.engine.connect() as conn:
        generation = bandmap.read_generation(conn)
    assert bandmap.cached(store, generation) is None  # stale: the other process's rows are not in it
    keys = _keys(corpus[150:])
    assert _sorted(DedupIndex(store, MEMORY).by_band_keys(keys, 20)) == _sorted(
        DedupIndex(store, DATABASE).by_band_keys(keys, 20)
    )
    store.close()


def test_story_merges_move_articles_in_the_map() -> None:
    band_map = bandmap.BandMap(generation=1)
    band_map.apply_add(
        [{"article_id": "a1", "story_id": "s1"}, {"article_id": "a2", "story_id": "s2"}],
        [{"band_key": 5, "article_id": "a1"}, {"band_key": 5, "article_id": "a2"}],
    )
    assert sorted(band_map.lookup([5])[5]) == [("a1", "s1"), ("a2", "s2")]
    band_map.apply_moves({"s2": "s1"})
    assert sorted(band_map.lookup([5])[5]) == [("a1", "s1"), ("a2", "s1")]
    band_map.apply_add([{"article_id": "a1", "story_id": "s9"}], [{"band_key": 6, "article_id": "a1"}])
    assert band_map.lookup([6]) == {}  # a rerun's rows for an article the map has are not added again


def test_auto_loads_the_map_only_for_a_large_batch(tmp_path: Path, corpus: list[Article]) -> None:
    store = open_store(str(tmp_path / "a.db"))
    store.add_articles(corpus)
    assign_stories(store, corpus[:280], DATABASE)
    assign_stories(store, corpus[280:281], DedupOptions())  # 1 article against 280: database
    assert not bandmap._maps
    assign_stories(store, corpus[281:], DedupOptions())  # 19 of 281: still small
    assert not bandmap._maps
    index = DedupIndex(store, DedupOptions())
    index.by_band_keys(_keys(corpus[:100]), 20)  # 100 articles' keys against 300: the map pays off
    assert len(bandmap._maps) == 1
    store.close()


def test_unknown_band_map_mode_is_a_clear_error(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "e.db"))
    arts = [Article(article_id="x", source="x", text="A short text.")]
    store.add_articles(arts)
    with pytest.raises(WirewatchError) as err:
        assign_stories(store, arts, DedupOptions(band_map="disk"))
    assert err.value.code == "W021" and "band_map" in str(err.value)
    store.close()


def _pairs(conn: sa.Connection, column: sa.Column) -> dict[str, str]:
    return {aid: value for aid, value in conn.execute(sa.select(s.dedup_signatures.c.article_id, column))}


def test_index_of_an_older_hash_version_is_rebuilt_from_the_texts(
    tmp_path: Path, corpus: list[Article]
) -> None:
    store = open_store(str(tmp_path / "r.db"))
    store.add_articles(corpus[:200])
    first = assign_stories(store, corpus[:200], DATABASE)
    with store.engine.connect() as conn:
        bands = set(conn.execute(sa.select(s.dedup_bands.c.band_key, s.dedup_bands.c.article_id)).all())
        hashes = _pairs(conn, s.dedup_signatures.c.text_hash)
    # what an index of hash version 1 looks like: other keys and hashes, no version recorded
    with store.engine.begin() as conn:
        conn.execute(s.dedup_bands.update().values(band_key=s.dedup_bands.c.band_key + 1))
        conn.execute(s.dedup_signatures.update().values(text_hash="old"))
        shape = json.loads(
            conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == "dedup_index")).scalar_one()
        )
        shape.pop("hash")
        conn.execute(s.meta.update().where(s.meta.c.key == "dedup_index").values(value=json.dumps(shape)))
    store.add_articles(corpus[200:])
    later = assign_stories(store, corpus[200:], DATABASE)
    with store.engine.connect() as conn:
        rebuilt = set(conn.execute(sa.select(s.dedup_bands.c.band_key, s.dedup_bands.c.article_id)).all())
        new_hashes = _pairs(conn, s.dedup_signatures.c.text_hash)
        shape = json.loads(
            conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == "dedup_index")).scalar_one()
        )
    assert shape["hash"] == HASH_VERSION
    story = {a.article_id: sid for a in corpus for sid in [(first | later)[a.article_id]]}
    # the same keys for each story (held by whichever member comes first), the same text hashes
    assert {(k, story[a]) for k, a in bands} <= {(k, story[a]) for k, a in rebuilt}
    assert all(new_hashes[a] == h for a, h in hashes.items())
    # the rebuilt index gives what one index built throughout would have given
    fresh = open_store(str(tmp_path / "fresh.db"))
    fresh.add_articles(corpus)
    expected = assign_stories(fresh, corpus[:200], DATABASE) | assign_stories(fresh, corpus[200:], DATABASE)
    assert first | later == expected
    store.close()
    fresh.close()


def test_options_carry_the_band_map_mode() -> None:
    assert dataclasses.replace(DedupOptions(), band_map="memory").band_map == "memory"
    assert DedupOptions().band_map == "auto"
