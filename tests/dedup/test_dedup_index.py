"""The persisted LSH index: band rows, the compact band table migration, exact-hash look-up."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from wirewatch.config import DedupOptions
from wirewatch.dedup import assign_stories
from wirewatch.dedup.index import DedupIndex
from wirewatch.records import Article
from wirewatch.store import open_store
from wirewatch.store import schema as s

TEXT = (
    "The port authority said on Monday that two cranes collapsed during a storm overnight, blocking "
    "three berths and halting the unloading of grain ships for at least a week. Engineers were "
    "inspecting the remaining cranes and the harbour master said no one had been hurt because the "
    "night shift had been sent home when the wind picked up. Shipping agents said vessels waiting "
    "offshore would be diverted to a smaller port along the coast until the berths reopen."
)


def test_band_rows_are_signed_64_bit_and_shared_per_story(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "i.db"))
    arts = [
        Article(article_id="x1", source="x1", text=TEXT),
        Article(article_id="x2", source="x2", text="PORT NEWS\n" + TEXT + "\nShare this story"),
    ]
    store.add_articles(arts)
    got = assign_stories(store, arts, DedupOptions())
    assert got["x1"] == got["x2"]
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(s.dedup_bands.c.band_key, s.dedup_bands.c.article_id)).all()
        sigs = conn.execute(sa.select(s.dedup_signatures.c.article_id, s.dedup_signatures.c.signature)).all()
    assert len(sigs) == 2 and all(len(sig) == 4 * DedupOptions().num_perm for _, sig in sigs)
    keys = [k for k, _ in rows]
    assert all(-(2**63) <= k < 2**63 for k in keys) and len(set(keys)) == len(keys)
    assert {a for _, a in rows} == {"x1"}  # the copy's keys are the story's already
    store.close()


def test_band_table_migration_keeps_rows(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # a database as version 3 left it
        for version, _desc, fn in s.MIGRATIONS:
            if version <= 3:
                fn(conn)
        conn.execute(s.meta.insert().values(key="schema_version", value="3"))
        conn.execute(
            s.dedup_bands.insert(), [{"band_key": -5, "article_id": "a"}, {"band_key": 7, "article_id": "b"}]
        )
    engine.dispose()
    store = open_store(str(db))
    assert store.schema_version() == s.SCHEMA_VERSION
    with store.engine.connect() as conn:
        rows = set(conn.execute(sa.select(s.dedup_bands.c.band_key, s.dedup_bands.c.article_id)).all())
        ddl = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'dedup_bands'").scalar_one()
    assert rows == {(-5, "a"), (7, "b")}
    assert "WITHOUT ROWID" in ddl
    store.close()


def test_index_shape_sticks_to_the_database(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "shape.db"))
    first = Article(article_id="s1", source="s1", text=TEXT)
    store.add_articles([first])
    assign_stories(store, [first], DedupOptions())
    copy = Article(article_id="s2", source="s2", text="Harbour desk\n" + TEXT)
    store.add_articles([copy])
    # a preset with other band settings still reads the band keys the database was built with
    got = assign_stories(store, [copy], DedupOptions(preset="recall"))
    assert got["s2"] == store.get_article("s1").story_id
    shaped = DedupIndex(store).shaped(DedupOptions(num_perm=64, bands=8, jaccard_threshold=0.3))
    assert (shaped.num_perm, shaped.bands, shaped.jaccard_threshold) == (16, 16, 0.3)
    store.close()
