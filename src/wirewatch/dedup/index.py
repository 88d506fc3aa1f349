"""The persisted LSH index: tables `dedup_signatures` (one row per article) and `dedup_bands`
(read and written through `store/dedup_index.py`).

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

from wirewatch.config import DedupOptions
from wirewatch.dedup import bandmap
from wirewatch.dedup.shingles import HASH_VERSION, fingerprints
from wirewatch.dedup.signature import SIGNATURE_SEED, band_keys, signatures
from wirewatch.store import Store
from wirewatch.store import dedup_index as tables
from wirewatch.store.db import chunks as _chunks

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
        shape = {k: getattr(opts, k) for k in INDEX_SHAPE} | {"seed": SIGNATURE_SEED, "hash": HASH_VERSION}
        stored = json.loads(self.store.meta_setdefault(_META_KEY, json.dumps(shape)))
        changes = {k: stored[k] for k in INDEX_SHAPE if k in stored and stored[k] != getattr(opts, k)}
        shaped = dataclasses.replace(opts, **changes) if changes else opts
        if stored.get("hash", 1) != HASH_VERSION:  # indexes before version 2 did not record it
            self.rebuild(shaped)
            self.store.set_meta_value(_META_KEY, json.dumps(stored | {"hash": HASH_VERSION}))
        return shaped

    def rebuild(self, opts: DedupOptions, batch: int = 2000) -> int:
        """Recompute every indexed article's hashes, signature and band rows from its stored text,
        keeping its story; returns the number of articles. A band key is stored once per story."""
        indexed = tables.indexed_articles(self.store)
        tables.delete_band_rows(self.store)
        story_keys: tuple[str, set[int]] = ("", set())  # the keys of the story being written
        holders: Counter[int] = Counter()  # band key -> stories holding it so far
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
            tables.rewrite_rows(self.store, signature_rows, band_rows)
        tables.bump_generation(self.store)
        bandmap.forget(self.store)
        return len(indexed)

    def stories_of(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Indexed articles -> their story ids."""
        return tables.story_ids_of(self.store, article_ids)

    def by_text_hash(self, hashes: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Normalised-text hash -> (article_id, story_id) of an indexed exact duplicate."""
        return tables.first_with_text_hash(self.store, hashes)

    def by_band_keys(self, keys: Sequence[int], max_bucket: int) -> dict[int, list[tuple[str, str]]]:
        """Band key -> [(article_id, story_id)]; keys held by more than `max_bucket` stories are
        boilerplate (chrome, sign-offs, formulaic text) and are left out."""
        band_map = self._band_map(len(keys)) if len(keys) else None
        if band_map is not None:
            out = band_map.lookup(keys)
        else:
            out = defaultdict(list)
            for key, aid, sid in tables.band_rows(self.store, keys):
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
        band_map = bandmap.cached(self.store, tables.index_generation(self.store))
        if band_map is not None:
            return band_map
        if self.band_map_mode == "auto":
            batch = key_count / self.bands_per_article
            # counted up to the size that decides, so a small batch never counts a large index
            enough = min(int(batch * _LOAD_PAYS_OFF), self.band_map_max_articles) + 1
            if tables.indexed_count(self.store, up_to=enough) >= enough:
                return None
        band_map = bandmap.BandMap.load(self.store)
        bandmap.remember(self.store, band_map)
        return band_map

    def add(self, signature_rows: list[dict[str, Any]], band_rows: list[dict[str, Any]]) -> None:
        """Insert rows (already-present rows are left alone, so a rerun adds nothing)."""
        if not signature_rows and not band_rows:
            return
        generation = tables.add_rows(self.store, signature_rows, band_rows)
        bandmap.after_write(self.store, generation, lambda m: m.apply_add(signature_rows, band_rows))

    def move_stories(self, moves: dict[str, str]) -> None:
        """Point the signatures of merged-away stories at the story they joined."""
        if not moves:
            return
        generation = tables.move_stories(self.store, moves)
        bandmap.after_write(self.store, generation, lambda m: m.apply_moves(moves))
