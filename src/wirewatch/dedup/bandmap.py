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
import sqlalchemy as sa

from wirewatch.store import Store
from wirewatch.store import schema as s

GENERATION_KEY = "dedup_generation"  # meta row: bumped by every write to the index
_FETCH_ROWS = 100_000  # rows read from the database per fetch while loading
_COMPACT_MIN = 50_000  # rows added since loading kept in a dict until there are this many ...
_COMPACT_SHARE = 0.1  # ... or this share of the sorted rows; then they are sorted in
_CACHED_MAPS = 2  # maps kept per process (one database is the usual case)


def read_generation(conn: sa.Connection) -> int:
    row = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == GENERATION_KEY)).first()
    return int(row[0]) if row else 0


def bump_generation(store: Store, conn: sa.Connection) -> int:
    """Count one more write to the index, inside the writer's transaction; returns the new value.

    The UPDATE takes the row's write lock first, so two writers never get the same number."""
    store._insert_ignore(conn, s.meta, [{"key": GENERATION_KEY, "value": "0"}])
    conn.execute(
        sa.text("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = :key"),
        {"key": GENERATION_KEY},
    )
    return read_generation(conn)


class BandMap:
    """Band key -> (article_id, story_id) rows, as in the database at `generation`."""

    def __init__(self, generation: int):
        self.generation = generation
        self.keys = np.empty(0, dtype=np.int64)  # sorted band keys
        self.rows = np.empty(0, dtype=np.int32)  # the article number of each key
        self.article_ids: list[str] = []
        self.article_no: dict[str, int] = {}
        self.story_of = np.empty(0, dtype=np.int32)  # article number -> story number
        self.story_ids: list[str] = []
        self.story_no: dict[str, int] = {}
        self.added: dict[int, list[int]] = {}  # rows added since the last sort: key -> article numbers
        self.added_rows = 0
        self._article_array = np.empty(0, dtype=object)  # article_ids as an array (rebuilt when it grows)
        self._story_array = np.empty(0, dtype=object)
        self.lock = threading.Lock()

    @property
    def articles(self) -> int:
        return len(self.article_ids)

    def _story(self, story_id: str) -> int:
        no = self.story_no.get(story_id)
        if no is None:
            no = self.story_no[story_id] = len(self.story_ids)
            self.story_ids.append(story_id)
        return no

    def _add_articles(self, pairs: Iterable[tuple[str, str]]) -> None:
        new_stories: list[int] = []
        for article_id, story_id in pairs:
            if article_id in self.article_no:
                continue
            self.article_no[article_id] = len(self.article_ids)
            self.article_ids.append(article_id)
            new_stories.append(self._story(story_id))
        if new_stories:
            self.story_of = np.concatenate((self.story_of, np.asarray(new_stories, dtype=np.int32)))

    @classmethod
    def load(cls, store: Store) -> BandMap:
        """Read the whole index (signatures for story ids, then band rows) in one transaction."""
        with store.engine.connect() as conn, conn.begin():
            band_map = cls(read_generation(conn))
            result = conn.exec_driver_sql("SELECT article_id, story_id FROM dedup_signatures")
            while chunk := result.fetchmany(_FETCH_ROWS):
                band_map._add_articles(chunk)
            keys: list[np.ndarray] = []
            rows: list[np.ndarray] = []
            number = band_map.article_no.get
            result = conn.exec_driver_sql("SELECT band_key, article_id FROM dedup_bands")
            while chunk := result.fetchmany(_FETCH_ROWS):
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
            articles = self.rows[positions]
            # object arrays: the id strings of all hits are gathered in C, then paired by zip
            pairs = list(zip(self.article_array()[articles].tolist(),
                             self.story_array()[self.story_of[articles]].tolist(), strict=True))  # fmt: skip
            bounds = np.concatenate(([0], ends)).tolist()
            out = {
                key: pairs[bounds[i] : bounds[i + 1]] for i, key in enumerate(hit_keys.tolist())
            }
            if self.added:
                aids, sids = self.article_ids, self.story_ids
                for key in wanted.tolist():
                    for a in self.added.get(key, ()):
                        out.setdefault(key, []).append((aids[a], sids[int(self.story_of[a])]))
        return out

    def article_array(self) -> np.ndarray:
        if len(self._article_array) != len(self.article_ids):
            self._article_array = np.array(self.article_ids, dtype=object)
        return self._article_array

    def story_array(self) -> np.ndarray:
        if len(self._story_array) != len(self.story_ids):
            self._story_array = np.array(self.story_ids, dtype=object)
        return self._story_array

    def apply_add(self, signature_rows: Sequence[dict], band_rows: Sequence[dict]) -> None:
        """This process's new index rows (already committed)."""
        with self.lock:
            known = set(self.article_no)
            self._add_articles((r["article_id"], r["story_id"]) for r in signature_rows)
            for row in band_rows:
                aid = row["article_id"]
                if aid in known or aid not in self.article_no:
                    continue  # a row of an article this map already had (a rerun), or not indexed
                self.added.setdefault(row["band_key"], []).append(self.article_no[aid])
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
            old = np.asarray([self.story_no[o] for o in moves if o in self.story_no], dtype=np.int32)
            if not len(old):
                return
            remap = np.arange(len(self.story_ids), dtype=np.int32)
            for o, n in moves.items():
                if o in self.story_no:
                    remap[self.story_no[o]] = self._story(n)
            if len(remap) < len(self.story_ids):  # stories new to the map
                remap = np.concatenate((remap, np.arange(len(remap), len(self.story_ids), dtype=np.int32)))
            self.story_of = remap[self.story_of]


_maps: OrderedDict[str, BandMap] = OrderedDict()
_maps_lock = threading.Lock()


def _cache_key(store: Store) -> str:
    # an in-memory SQLite database is private to its engine
    return f"{store.url}#{id(store.engine)}" if ":memory:" in store.url else store.url


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
