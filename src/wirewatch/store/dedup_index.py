"""The dedup index's tables: `dedup_signatures` (one row per article), `dedup_bands` (LSH band
keys) and the index generation in `meta`. Every read and write `wirewatch.dedup` makes.

The band look-up is a hot path: it keeps the plain DB-API SQL it was tuned with (bench/dedup_bench.py).
Every write to the index bumps the generation in the same transaction, so a process holding the
band map in memory can tell when someone else wrote to the index.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from wirewatch.store import schema as s
from wirewatch.store.db import Store
from wirewatch.store.db import chunks as _chunks

GENERATION_KEY = "dedup_generation"  # meta row: bumped by every write to the index
_SQLITE_CACHE_KIB = 65536  # page cache for look-ups: the index of 100k articles is about 40 MB
_SQLITE_MMAP_BYTES = 1 << 30  # look-ups read pages through a memory map, not a copy per read (cold pools)
_SIGNATURE_BATCH = 5000  # rows per multi-row insert
_BAND_BATCH = 20000


# -- the generation counter -------------------------------------------------------------------------
def read_generation(conn: sa.Connection) -> int:
    """The index generation, read inside the caller's transaction."""
    row = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == GENERATION_KEY)).first()
    return int(row[0]) if row else 0


def index_generation(store: Store) -> int:
    with store.engine.connect() as conn:
        return read_generation(conn)


def _bump_generation(store: Store, conn: sa.Connection) -> int:
    """Count one more write to the index, inside the writer's transaction; returns the new value.

    The UPDATE takes the row's write lock first, so two writers never get the same number."""
    store._insert_ignore(conn, s.meta, [{"key": GENERATION_KEY, "value": "0"}])
    conn.execute(
        sa.text("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = :key"),
        {"key": GENERATION_KEY},
    )
    return read_generation(conn)


def bump_generation(store: Store) -> int:
    """Count a write made by other calls (a rebuild); returns the new generation."""
    with store.engine.begin() as conn:
        return _bump_generation(store, conn)


# -- look-ups ---------------------------------------------------------------------------------------
def story_ids_of(store: Store, article_ids: Sequence[str]) -> dict[str, str]:
    """Indexed articles -> their story ids."""
    out: dict[str, str] = {}
    sig = s.dedup_signatures
    with store.engine.connect() as conn:
        for chunk in _chunks(list(article_ids)):
            q = sa.select(sig.c.article_id, sig.c.story_id).where(sig.c.article_id.in_(chunk))
            out.update((r[0], r[1]) for r in conn.execute(q))
    return out


def first_with_text_hash(store: Store, hashes: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Normalised-text hash -> (article_id, story_id) of the indexed article with it (the lowest id)."""
    out: dict[str, tuple[str, str]] = {}
    sig = s.dedup_signatures
    with store.engine.connect() as conn:
        for chunk in _chunks(sorted(set(hashes))):
            q = (
                sa.select(sig.c.text_hash, sig.c.article_id, sig.c.story_id)
                .where(sig.c.text_hash.in_(chunk))
                .order_by(sig.c.article_id)
            )
            for h, aid, sid in conn.execute(q):
                out.setdefault(h, (aid, sid))
    return out


def band_rows(store: Store, keys: Sequence[int]) -> list[tuple[int, str, str]]:
    """(band_key, article_id, story_id) of every indexed article holding one of `keys`."""
    mark = "?" if store.dialect == "sqlite" else "%s"
    size = 5000 if store.dialect == "sqlite" else 20000
    # plain DB-API SQL: this is the hot path, and a large IN list costs little this way. Two
    # steps, not a join: a band row's article is often found under several keys, and its
    # story is then read once (sorted ids, so the signature pages are read in order).
    rows: list[tuple[int, str]] = []
    story_of: dict[str, str] = {}
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":  # keep the band and signature pages in memory
            conn.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
            conn.exec_driver_sql(f"PRAGMA mmap_size = {_SQLITE_MMAP_BYTES}")
        for chunk in _chunks(sorted(set(keys)), size):
            sql = f"SELECT band_key, article_id FROM dedup_bands WHERE band_key IN ({', '.join([mark] * len(chunk))})"
            rows += conn.exec_driver_sql(sql, tuple(chunk)).all()
        for chunk in _chunks(sorted({aid for _, aid in rows}), size):
            sql = (
                "SELECT article_id, story_id FROM dedup_signatures "
                f"WHERE article_id IN ({', '.join([mark] * len(chunk))})"
            )
            story_of.update(conn.exec_driver_sql(sql, tuple(chunk)).all())
    # a band row without its signature row is not indexed (as in a join)
    return [(key, aid, story_of[aid]) for key, aid in rows if aid in story_of]


def indexed_count(store: Store, *, up_to: int) -> int:
    """How many articles are indexed, counted no further than `up_to` (a large index costs no more)."""
    sql = "SELECT COUNT(*) FROM (SELECT 1 FROM dedup_signatures LIMIT :n) AS indexed"
    with store.engine.connect() as conn:
        return int(conn.execute(sa.text(sql), {"n": up_to}).scalar_one())


def indexed_articles(store: Store) -> list[tuple[str, str]]:
    """(article_id, story_id) of every indexed article, by story."""
    sig = s.dedup_signatures
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(sig.c.article_id, sig.c.story_id).order_by(sig.c.story_id, sig.c.article_id)
        ).all()
    return [(aid, sid) for aid, sid in rows]


class IndexReader:
    """The whole index as of one transaction, read in chunks (for the in-memory band map)."""

    def __init__(self, conn: sa.Connection):
        self._conn = conn
        self.generation = read_generation(conn)

    def signature_chunks(self, size: int) -> Iterator[Sequence[tuple[str, str]]]:
        """(article_id, story_id) rows."""
        result = self._conn.exec_driver_sql("SELECT article_id, story_id FROM dedup_signatures")
        while chunk := result.fetchmany(size):
            yield chunk

    def band_chunks(self, size: int) -> Iterator[Sequence[tuple[int, str]]]:
        """(band_key, article_id) rows."""
        result = self._conn.exec_driver_sql("SELECT band_key, article_id FROM dedup_bands")
        while chunk := result.fetchmany(size):
            yield chunk


@contextmanager
def read_index(store: Store) -> Iterator[IndexReader]:
    """Signatures, bands and generation read in one transaction, so they agree with each other."""
    with store.engine.connect() as conn, conn.begin():
        yield IndexReader(conn)


# -- writes -----------------------------------------------------------------------------------------
def add_rows(
    store: Store, signature_rows: Sequence[dict[str, Any]], band_rows: Sequence[dict[str, Any]]
) -> int:
    """Insert index rows (rows already present are left alone, so a rerun adds nothing); returns
    the new generation."""
    with store.engine.begin() as conn:
        for chunk in _chunks(signature_rows, _SIGNATURE_BATCH):
            store._insert_ignore(conn, s.dedup_signatures, chunk)
        for chunk in _chunks(band_rows, _BAND_BATCH):
            store._insert_ignore(conn, s.dedup_bands, chunk)
        return _bump_generation(store, conn)


def move_stories(store: Store, moves: dict[str, str]) -> int:
    """Point the signatures of merged-away stories (old id -> new id) at the story they joined;
    returns the new generation."""
    sig = s.dedup_signatures
    with store.engine.begin() as conn:
        for old, new in moves.items():
            conn.execute(sig.update().where(sig.c.story_id == old).values(story_id=new))
        return _bump_generation(store, conn)


def delete_band_rows(store: Store) -> None:
    """Empty the band table (a rebuild writes it anew; the generation is bumped when it is done)."""
    with store.engine.begin() as conn:
        conn.execute(s.dedup_bands.delete())


def rewrite_rows(
    store: Store, signature_rows: Sequence[dict[str, Any]], band_rows: Sequence[dict[str, Any]]
) -> None:
    """Replace the hashes and signatures of indexed articles and add their band rows (a rebuild)."""
    update = sa.text(
        "UPDATE dedup_signatures SET text_hash = :text_hash, shingle_count = :shingle_count, "
        "signature = :signature WHERE article_id = :article_id"
    )
    with store.engine.begin() as conn:
        conn.execute(update, list(signature_rows))
        for rows in _chunks(band_rows, _BAND_BATCH):
            store._insert_ignore(conn, s.dedup_bands, rows)
