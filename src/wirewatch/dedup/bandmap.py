"""The LSH band index held in memory: a mirror of `dedup_bands` for large batches and long runs.

Looking band keys up in the database costs about 100 µs an article (two indexed queries and
the Python objects for the rows they return); the same look-up in sorted numpy arrays costs a
few µs. The database stays the record: the map is read from it once, this process's own writes
are applied to it, and it is dropped when the database's index generation (a counter every
write to the index bumps) shows that another process wrote to the index since.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import numpy as np

from wirewatch.store import Store
from wirewatch.store import dedup_index as tables
from wirewatch.store.dedup_index import read_generation as read_generation  # re-exported for tests

_FETCH_ROWS = 100_000  # rows read from the database per fetch while loading
_COMPACT_MIN = 50_000  # rows added since loading kept in a dict until there are this many ...
_COMPACT_SHARE = 0.1  # ... or this share of the sorted rows; then they are sorted in
_CACHED_MAPS = 2  # maps kept per process (one database is the usual case)


class BandMap:
    """Band key -> (article_id, story_id) rows, as in the database at `generation`."""

    def __init__(self, generation: int):
        self.generation = generation
        self.keys = np.empty(0, dtype=np.int64)  # sorted band keys
        self.rows = np.empty(0, dtype=np.int32)  # the article number of each key
        self.article_no: dict[str, int] = {}
        self.story_no: dict[str, int] = {}
        # by article number: (article_id, story_id) pairs ready to hand out, and the story number
        self._pairs = np.empty(1024, dtype=object)
        self._story_of = np.empty(1024, dtype=np.int32)
        self.story_ids: list[str] = []
        self.added: dict[int, list[int]] = {}  # rows added since the last sort: key -> article numbers
        self.added_rows = 0
        self.lock = threading.Lock()

    @property
    def articles(self) -> int:
        return len(self.article_no)

    def _story(self, story_id: str) -> int:
        no = self.story_no.get(story_id)
        if no is None:
            no = self.story_no[story_id] = len(self.story_ids)
            self.story_ids.append(story_id)
        return no

    def _add_articles(self, pairs: Iterable[tuple[str, str]]) -> list[str]:
        """Number new articles (in arrays grown by doubling: adding one is cheap); returns their ids."""
        fresh = [(aid, sid) for aid, sid in pairs if aid not in self.article_no]
        start, end = self.articles, self.articles + len(fresh)
        if end > len(self._pairs):
            size = max(end, 2 * len(self._pairs))
            pairs_array = np.empty(size, dtype=object)
            pairs_array[:start] = self._pairs[:start]
            story_of = np.empty(size, dtype=np.int32)
            story_of[:start] = self._story_of[:start]
            self._pairs, self._story_of = pairs_array, story_of
        for no, (aid, sid) in enumerate(fresh, start):
            self.article_no[aid] = no
            self._pairs[no] = (aid, sid)
            self._story_of[no] = self._story(sid)
        return [aid for aid, _ in fresh]

    @classmethod
    def load(cls, store: Store) -> BandMap:
        """Read the whole index (signatures for story ids, then band rows) in one transaction."""
        with tables.read_index(store) as index:
            band_map = cls(index.generation)
            for chunk in index.signature_chunks(_FETCH_ROWS):
                band_map._add_articles(chunk)
            keys: list[np.ndarray] = []
            rows: list[np.ndarray] = []
            number = band_map.article_no.get
            for chunk in index.band_chunks(_FETCH_ROWS):
                nos = [number(aid, -1) for _, aid in chunk]
                k = np.fromiter((key for key, _ in chunk), dtype=np.int64, count=len(chunk))
                r = np.asarray(nos, dtype=np.int32)
                indexed = r >= 0  # a band row without its signature row is not indexed (as in a join)
                keys.append(k[indexed])
                rows.append(r[indexed])
        if keys:
            band_map._set_sorted(np.concatenate(keys), np.concatenate(rows))
        return band_map

    def _set_sorted(self, keys: np.ndarray, rows: np.ndarray) -> None:
        if len(keys) > 1 and not bool(np.all(keys[1:] >= keys[:-1])):
            order = np.argsort(keys, kind="stable")
            keys, rows = keys[order], rows[order]
        self.keys, self.rows = keys, rows

    def lookup(self, keys: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        """Band key -> [(article_id, story_id)] of every indexed row holding one of `keys`."""
        wanted = np.unique(np.asarray(keys, dtype=np.int64))
        with self.lock:
            lo = np.searchsorted(self.keys, wanted, "left")
            count = np.searchsorted(self.keys, wanted, "right") - lo
            hit = count > 0
            lo, count, hit_keys = lo[hit], count[hit], wanted[hit]
            # every position of every hit range, without a Python loop over the ranges
            ends = np.cumsum(count)
            positions = np.repeat(lo - (ends - count), count) + np.arange(int(ends[-1]) if len(ends) else 0)
            pairs = self._pairs[self.rows[positions]].tolist()  # the pair tuples, gathered in C
            bounds = np.concatenate(([0], ends)).tolist()
            out = {key: pairs[bounds[i] : bounds[i + 1]] for i, key in enumerate(hit_keys.tolist())}
            if self.added:
                for key in wanted.tolist():
                    for no in self.added.get(key, ()):
                        out.setdefault(key, []).append(self._pairs[no])
        return out

    def apply_add(self, signature_rows: Sequence[dict], band_rows: Sequence[dict]) -> None:
        """This process's new index rows (already committed)."""
        with self.lock:
            # a rerun's rows for articles the map has are left out: they are in it already
            fresh = set(self._add_articles((r["article_id"], r["story_id"]) for r in signature_rows))
            for row in band_rows:
                if row["article_id"] in fresh:
                    self.added.setdefault(row["band_key"], []).append(self.article_no[row["article_id"]])
                    self.added_rows += 1
            if self.added_rows >= max(_COMPACT_MIN, _COMPACT_SHARE * len(self.keys)):
                self._compact()

    def _compact(self) -> None:
        extra_keys = np.fromiter(
            (k for k, nos in self.added.items() for _ in nos), dtype=np.int64, count=self.added_rows
        )
        extra_rows = np.fromiter(
            (n for nos in self.added.values() for n in nos), dtype=np.int32, count=self.added_rows
        )
        self._set_sorted(np.concatenate((self.keys, extra_keys)), np.concatenate((self.rows, extra_rows)))
        self.added, self.added_rows = {}, 0

    def apply_moves(self, moves: dict[str, str]) -> None:
        """Stories merged away (old story id -> the story it joined)."""
        with self.lock:
            old = {self.story_no[o]: n for o, n in moves.items() if o in self.story_no}
            if not old:
                return
            n = self.articles
            moved = np.flatnonzero(np.isin(self._story_of[:n], np.fromiter(old, dtype=np.int32)))
            for no in moved.tolist():
                aid, _ = self._pairs[no]
                new = old[int(self._story_of[no])]
                self._pairs[no] = (aid, new)
                self._story_of[no] = self._story(new)


_maps: OrderedDict[str, BandMap] = OrderedDict()
_maps_lock = threading.Lock()


def _cache_key(store: Store) -> str:
    return store.database_key


def cached(store: Store, generation: int) -> BandMap | None:
    """This process's map of `store`'s index if it is current (the database is at `generation`)."""
    key = _cache_key(store)
    with _maps_lock:
        band_map = _maps.get(key)
        if band_map is None:
            return None
        if band_map.generation != generation:  # another process wrote to the index
            del _maps[key]
            return None
        _maps.move_to_end(key)
        return band_map


def remember(store: Store, band_map: BandMap) -> None:
    with _maps_lock:
        _maps[_cache_key(store)] = band_map
        _maps.move_to_end(_cache_key(store))
        while len(_maps) > _CACHED_MAPS:
            _maps.popitem(last=False)


def after_write(store: Store, generation: int, apply) -> None:  # type: ignore[no-untyped-def]
    """Bring this process's map up to `generation` with `apply(map)`, or drop it when a write by
    someone else came between (the map no longer matches the database)."""
    key = _cache_key(store)
    with _maps_lock:
        band_map = _maps.get(key)
        if band_map is None:
            return
        if band_map.generation != generation - 1:
            del _maps[key]
            return
        apply(band_map)  # under the cache lock: no one takes this map until it is current
        band_map.generation = generation


def forget(store: Store) -> None:
    with _maps_lock:
        _maps.pop(_cache_key(store), None)
