"""The persisted LSH index: tables `dedup_signatures` (one row per article) and `dedup_bands`.

A band key is stored once per story: when a new member of a story has a key some
other member already holds, the row is skipped (a look-up finds the story either way),
so syndicated copies cost little index space.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from wirewatch.config import DedupOptions
from wirewatch.dedup import bandmap
from wirewatch.dedup.shingles import HASH_VERSION, fingerprints
from wirewatch.dedup.signature import SIGNATURE_SEED, band_keys, signatures
from wirewatch.records import Story
from wirewatch.store import Store
from wirewatch.store import schema as s
from wirewatch.store.db import chunks as _chunks

_SQLITE_CACHE_KIB = 65536  # page cache for look-ups: the index of 100k articles is about 40 MB
_SQLITE_MMAP_BYTES = 1 << 30  # look-ups read pages through a memory map, not a copy per read (cold pools)
# "auto" loads the band map for a batch of at least 1/this of the indexed articles: loading costs
# about 12 µs an indexed article, a database look-up about 100 µs a batch article (bench/dedup_bench.py)
_LOAD_PAYS_OFF = 8


# Options that shape the stored index: fixed for a database once its index has rows.
INDEX_SHAPE = ("shingle_size", "prose_min_words", "num_perm", "bands")
_META_KEY = "dedup_index"


class DedupIndex:
    def __init__(self, store: Store, options: DedupOptions | None = None):
        self.store = store
        opts = options or DedupOptions()
        self.band_map_mode = opts.band_map
        self.band_map_max_articles = opts.band_map_max_articles
        self.bands_per_article = max(opts.bands, 1)
        self.boilerplate: set[int] = set()  # band keys of the last look-up held by too many stories

    def shaped(self, opts: DedupOptions) -> DedupOptions:
        """`opts` with the index shape this database was built with (recorded on first use), so a
        preset or config change later alters thresholds but never makes stored band keys unreadable.

        An index built with another version of the word hashes is rebuilt from the stored texts
        first (the stories stay as they are)."""
        with self.store.engine.begin() as conn:
            row = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == _META_KEY)).first()
            if row is None:
                shape = {k: getattr(opts, k) for k in INDEX_SHAPE} | {
                    "seed": SIGNATURE_SEED,
                    "hash": HASH_VERSION,
                }
                self.store._upsert(conn, s.meta, ["key"], {"key": _META_KEY, "value": json.dumps(shape)})
                return opts
        stored = json.loads(row[0])
        changes = {k: stored[k] for k in INDEX_SHAPE if k in stored and stored[k] != getattr(opts, k)}
        shaped = dataclasses.replace(opts, **changes) if changes else opts
        if stored.get("hash", 1) != HASH_VERSION:  # indexes before version 2 did not record it
            self.rebuild(shaped)
            with self.store.engine.begin() as conn:
                value = json.dumps(stored | {"hash": HASH_VERSION})
                self.store._upsert(conn, s.meta, ["key"], {"key": _META_KEY, "value": value})
        return shaped

    def rebuild(self, opts: DedupOptions, batch: int = 2000) -> int:
        """Recompute every indexed article's hashes, signature and band rows from its stored text,
        keeping its story; returns the number of articles. A band key is stored once per story."""
        sig = s.dedup_signatures
        with self.store.engine.connect() as conn:
            indexed = conn.execute(
                sa.select(sig.c.article_id, sig.c.story_id).order_by(sig.c.story_id, sig.c.article_id)
            ).all()
        with self.store.engine.begin() as conn:
            conn.execute(s.dedup_bands.delete())
        story_keys: tuple[str, set[int]] = ("", set())  # the keys of the story being written
        holders: Counter[int] = Counter()  # band key -> stories holding it so far
        update = sa.text(
            "UPDATE dedup_signatures SET text_hash = :text_hash, shingle_count = :shingle_count, "
            "signature = :signature WHERE article_id = :article_id"
        )
        for chunk in _chunks(indexed, batch):
            texts = {
                a.article_id: a.text or "" for a in self.store.iter_articles(ids=[aid for aid, _ in chunk])
            }
            fps = fingerprints(
                [texts.get(aid, "") for aid, _ in chunk], opts.shingle_size, opts.prose_min_words
            )
            long_rows = [i for i, fp in enumerate(fps) if fp.shingle_count >= opts.min_shingles]
            sigs = signatures([fps[i].raw for i in long_rows], opts.num_perm)
            keys = dict(zip(long_rows, band_keys(sigs, opts.bands).tolist(), strict=True))
            sig_bytes = dict(zip(long_rows, (row.tobytes() for row in sigs), strict=True))
            signature_rows, band_rows = [], []
            for i, ((aid, sid), fp) in enumerate(zip(chunk, fps, strict=True)):
                signature_rows.append({
                    "article_id": aid, "text_hash": fp.text_hash, "shingle_count": fp.shingle_count,
                    "signature": sig_bytes.get(i, b""),
                })  # fmt: skip
                if story_keys[0] != sid:
                    story_keys = (sid, set())
                for key in keys.get(i, ()):
                    # as when assigning: once per story, and not for more stories than a key can tell apart
                    if key not in story_keys[1] and holders[key] < opts.max_bucket_stories:
                        story_keys[1].add(key)
                        holders[key] += 1
                        band_rows.append({"band_key": key, "article_id": aid})
            with self.store.engine.begin() as conn:
                conn.execute(update, signature_rows)
                for rows in _chunks(band_rows, 20000):
                    self.store._insert_ignore(conn, s.dedup_bands, rows)
        with self.store.engine.begin() as conn:
            bandmap.bump_generation(self.store, conn)
        bandmap.forget(self.store)
        return len(indexed)

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Indexed articles -> their story ids."""
        out: dict[str, str] = {}
        sig = s.dedup_signatures
        with self.store.engine.connect() as conn:
            for chunk in _chunks(list(article_ids)):
                q = sa.select(sig.c.article_id, sig.c.story_id).where(sig.c.article_id.in_(chunk))
                out.update((r[0], r[1]) for r in conn.execute(q))
        return out

    def by_text_hash(self, hashes: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Normalised-text hash -> (article_id, story_id) of an indexed exact duplicate."""
        out: dict[str, tuple[str, str]] = {}
        sig = s.dedup_signatures
        with self.store.engine.connect() as conn:
            for chunk in _chunks(sorted(set(hashes))):
                q = (
                    sa.select(sig.c.text_hash, sig.c.article_id, sig.c.story_id)
                    .where(sig.c.text_hash.in_(chunk))
                    .order_by(sig.c.article_id)
                )
                for h, aid, sid in conn.execute(q):
                    out.setdefault(h, (aid, sid))
        return out

    def by_band_keys(self, keys: Sequence[int], max_bucket: int) -> dict[int, list[tuple[str, str]]]:
        """Band key -> [(article_id, story_id)]; keys held by more than `max_bucket` stories are
        boilerplate (chrome, sign-offs, formulaic text) and are left out."""
        band_map = self._band_map(len(keys)) if len(keys) else None
        if band_map is not None:
            out = band_map.lookup(keys)
        else:
            out = defaultdict(list)
            for key, aid, sid in self._band_rows_from_database(keys):
                out[key].append((aid, sid))
        # only a key with more rows than `max_bucket` can be held by more stories than that
        self.boilerplate = {
            k for k, v in out.items() if len(v) > max_bucket and len({sid for _, sid in v}) > max_bucket
        }
        if not self.boilerplate:
            return dict(out)
        return {k: v for k, v in out.items() if k not in self.boilerplate}

    def _band_map(self, key_count: int) -> bandmap.BandMap | None:
        """The in-memory map to answer a look-up of `key_count` keys, or None for the database.

        "auto" keeps a map this process has (while it is current) and loads one when the batch
        is large beside the index: loading costs about as much as looking up the keys of
        1/`_LOAD_PAYS_OFF` of the indexed articles in the database."""
        if self.band_map_mode == "database":
            return None
        with self.store.engine.connect() as conn:
            generation = bandmap.read_generation(conn)
            band_map = bandmap.cached(self.store, generation)
            if band_map is not None:
                return band_map
            if self.band_map_mode == "auto":
                batch = key_count / self.bands_per_article
                # counted up to the size that decides, so a small batch never counts a large index
                enough = min(int(batch * _LOAD_PAYS_OFF), self.band_map_max_articles) + 1
                sql = "SELECT COUNT(*) FROM (SELECT 1 FROM dedup_signatures LIMIT :n) AS indexed"
                if conn.execute(sa.text(sql), {"n": enough}).scalar_one() >= enough:
                    return None
        band_map = bandmap.BandMap.load(self.store)
        bandmap.remember(self.store, band_map)
        return band_map

    def _band_rows_from_database(self, keys: Sequence[int]) -> list[tuple[int, str, str]]:
        mark = "?" if self.store.dialect == "sqlite" else "%s"
        size = 5000 if self.store.dialect == "sqlite" else 20000
        # plain DB-API SQL: this is the hot path, and a large IN list costs little this way. Two
        # steps, not a join: a band row's article is often found under several keys, and its
        # story is then read once (sorted ids, so the signature pages are read in order).
        band_rows: list[tuple[int, str]] = []
        story_of: dict[str, str] = {}
        with self.store.engine.connect() as conn:
            if self.store.dialect == "sqlite":  # keep the band and signature pages in memory
                conn.exec_driver_sql(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
                conn.exec_driver_sql(f"PRAGMA mmap_size = {_SQLITE_MMAP_BYTES}")
            for chunk in _chunks(sorted(set(keys)), size):
                sql = f"SELECT band_key, article_id FROM dedup_bands WHERE band_key IN ({', '.join([mark] * len(chunk))})"
                band_rows += conn.exec_driver_sql(sql, tuple(chunk)).all()
            for chunk in _chunks(sorted({aid for _, aid in band_rows}), size):
                sql = (
                    "SELECT article_id, story_id FROM dedup_signatures "
                    f"WHERE article_id IN ({', '.join([mark] * len(chunk))})"
                )
                story_of.update(conn.exec_driver_sql(sql, tuple(chunk)).all())
        # a band row without its signature row is not indexed (as in a join)
        return [(key, aid, story_of[aid]) for key, aid in band_rows if aid in story_of]

    def add(self, signature_rows: list[dict[str, Any]], band_rows: list[dict[str, Any]]) -> None:
        """Insert rows (already-present rows are left alone, so a rerun adds nothing)."""
        if not signature_rows and not band_rows:
            return
        with self.store.engine.begin() as conn:
            for chunk in _chunks(signature_rows, 5000):
                self.store._insert_ignore(conn, s.dedup_signatures, chunk)
            for chunk in _chunks(band_rows, 20000):
                self.store._insert_ignore(conn, s.dedup_bands, chunk)
            generation = bandmap.bump_generation(self.store, conn)
        bandmap.after_write(self.store, generation, lambda m: m.apply_add(signature_rows, band_rows))

    def move_stories(self, moves: dict[str, str]) -> None:
        """Point the signatures of merged-away stories at the story they joined."""
        if not moves:
            return
        sig = s.dedup_signatures
        with self.store.engine.begin() as conn:
            for old, new in moves.items():
                conn.execute(sig.update().where(sig.c.story_id == old).values(story_id=new))
            generation = bandmap.bump_generation(self.store, conn)
        bandmap.after_write(self.store, generation, lambda m: m.apply_moves(moves))

    def load_stories(self, story_ids: Sequence[str]) -> dict[str, Story]:
        out: dict[str, Story] = {}
        with self.store.engine.connect() as conn:
            for chunk in _chunks(list(story_ids)):
                q = sa.select(s.stories.c.story_id, s.stories.c.data).where(s.stories.c.story_id.in_(chunk))
                out.update((sid, Story.from_dict(data)) for sid, data in conn.execute(q))
        return out
