"""The gazetteer's look-up index as one SQLite file: built once from the in-memory build, then read
by every process without parsing the gazetteer again.

Tables: `entries` (one row per place, in the build's order), `names` (each normalised name with
the entries it names, in the build's order: `pos`), `name_iso3` (the countries of a name's
entries, for variant spellings within the article's countries) and `skeletons` (the consonant
skeleton of each name, for transliteration variants). The reader answers the same questions as
the in-memory build, in the same order, so resolution gives the same places.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (idx INTEGER PRIMARY KEY, kind TEXT, geonameid INTEGER, name TEXT, aliases TEXT,
  alpha2 TEXT, iso3 TEXT, iso INTEGER, admin1 TEXT, admin2 TEXT, latitude REAL, longitude REAL,
  population INTEGER);
CREATE TABLE names (pos INTEGER PRIMARY KEY, key TEXT NOT NULL, ids TEXT NOT NULL, first TEXT NOT NULL);
CREATE TABLE name_iso3 (iso3 TEXT NOT NULL, pos INTEGER NOT NULL);
CREATE TABLE skeletons (skel TEXT NOT NULL, pos INTEGER NOT NULL);
"""
INDEXES = """
CREATE UNIQUE INDEX names_key ON names(key);
CREATE INDEX names_first ON names(first, pos);
CREATE INDEX name_iso3_iso3 ON name_iso3(iso3, pos);
CREATE INDEX skeletons_skel ON skeletons(skel, pos);
CREATE INDEX entries_geonameid ON entries(geonameid);
"""
FORMAT = "1"
_SEP = "\x1f"  # between aliases (a place name never holds it)


def write_index(path: Path, gaz: Any, skeleton: Callable[[str], str]) -> None:
    """Write the in-memory build `gaz` (entries, by_name, country_by_iso3, country_names) to `path`."""
    con = sqlite3.connect(path)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        con.executemany(
            "INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                (i, e.kind, e.geonameid, e.name, _SEP.join(e.aliases), e.alpha2, e.iso3, e.iso, e.admin1,
                 e.admin2, e.latitude, e.longitude, e.population)
                for i, e in enumerate(gaz.entries)
            ),
        )  # fmt: skip
        names, iso3s, skels = [], [], []
        for pos, (key, ids) in enumerate(gaz.by_name.items()):
            names.append((pos, key, ",".join(map(str, ids)), key[:1]))
            iso3s.extend((iso3, pos) for iso3 in sorted({gaz.entries[i].iso3 for i in ids}))
            skel = skeleton(key)
            if len(skel) >= 2:
                skels.append((skel, pos))
        con.executemany("INSERT INTO names VALUES (?,?,?,?)", names)
        con.executemany("INSERT INTO name_iso3 VALUES (?,?)", iso3s)
        con.executemany("INSERT INTO skeletons VALUES (?,?)", skels)
        meta = {
            "format": FORMAT,
            "country_by_iso3": json.dumps(gaz.country_by_iso3),
            "country_names": json.dumps(gaz.country_names),
        }
        con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        con.executescript(INDEXES)
        con.commit()
    finally:
        con.close()


class _Entries:
    """gaz.entries: the place at an index, read on first use."""

    def __init__(self, owner: StoredGazetteer) -> None:
        self._owner = owner
        self._memo: dict[int, Any] = {}

    def __getitem__(self, idx: int) -> Any:
        entry = self._memo.get(idx)
        if entry is None:
            row = self._owner.query("SELECT * FROM entries WHERE idx = ?", (idx,))
            if not row:
                raise IndexError(idx)
            entry = self._memo[idx] = self._owner.make_entry(row[0])
        return entry

    def __len__(self) -> int:
        return self._owner.query("SELECT count(*) FROM entries")[0][0]

    def __iter__(self) -> Iterator[Any]:
        for row in self._owner.query("SELECT * FROM entries ORDER BY idx"):
            entry = self._memo.get(row[0])
            yield entry if entry is not None else self._owner.make_entry(row)


class _Names:
    """gaz.by_name: normalised name -> the indexes of the entries it names."""

    def __init__(self, owner: StoredGazetteer) -> None:
        self._owner = owner
        self._memo: dict[str, list[int] | None] = {}

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._memo:
            ids = self._memo[key]
        else:
            row = self._owner.query("SELECT ids FROM names WHERE key = ?", (key,))
            ids = self._memo[key] = [int(i) for i in row[0][0].split(",")] if row else None
        return default if ids is None else ids

    def __getitem__(self, key: str) -> list[int]:
        ids = self.get(key)
        if ids is None:
            raise KeyError(key)
        return ids

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._owner.query("SELECT key FROM names ORDER BY pos"))

    def __len__(self) -> int:
        return self._owner.query("SELECT count(*) FROM names")[0][0]


class StoredGazetteer:
    """The gazetteer read from its index file: the in-memory build's look-ups, answered by SQLite."""

    def __init__(self, path: Path, make_entry: Callable[..., Any]) -> None:
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._make = make_entry
        meta = dict(self.query("SELECT key, value FROM meta"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"index format {meta.get('format')!r}, expected {FORMAT}")
        self.country_by_iso3: dict[str, int] = json.loads(meta["country_by_iso3"])
        self.country_names: dict[str, str] = json.loads(meta["country_names"])
        self.entries = _Entries(self)
        self.by_name = _Names(self)
        self._fuzzy_cache: dict[tuple[str, frozenset[str]], list[str]] = {}
        self._skeleton_cache: dict[frozenset[str], _Skeletons] = {}

    def query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, args).fetchall()

    def make_entry(self, row: tuple) -> Any:
        _idx, kind, gid, name, aliases, alpha2, iso3, iso, admin1, admin2, lat, lon, pop = row
        aliases_t = tuple(aliases.split(_SEP)) if aliases else ()
        return self._make(kind, gid, name, aliases_t, alpha2, iso3, iso, admin1, admin2, lat, lon, pop)

    def fuzzy_keys(self, first: str, allowed_iso3: frozenset[str]) -> list[str]:
        """Names to compare a misspelling with: those of the context countries when known,
        else those with the same first letter (in the build's order, as process.extract ranks ties)."""
        cache_key = (first, allowed_iso3) if not allowed_iso3 else ("", allowed_iso3)
        keys = self._fuzzy_cache.get(cache_key)
        if keys is None:
            if allowed_iso3:
                marks = ",".join("?" * len(allowed_iso3))
                rows = self.query(
                    "SELECT key FROM names WHERE pos IN "
                    f"(SELECT pos FROM name_iso3 WHERE iso3 IN ({marks})) ORDER BY pos",
                    tuple(sorted(allowed_iso3)),
                )
            else:
                rows = self.query("SELECT key FROM names WHERE first = ? ORDER BY pos", (first,))
            keys = self._fuzzy_cache[cache_key] = [r[0] for r in rows]
        return keys

    def skeletons(self, allowed_iso3: frozenset[str] = frozenset()) -> _Skeletons:
        index = self._skeleton_cache.get(allowed_iso3)
        if index is None:
            index = self._skeleton_cache[allowed_iso3] = _Skeletons(self, allowed_iso3)
        return index

    def population_of_id(self, geonameid: int) -> int:
        row = self.query("SELECT population FROM entries WHERE geonameid = ? ORDER BY idx", (geonameid,))
        return row[-1][0] if row else 0  # the last, as a dict built in order would keep


class _Skeletons:
    """skeleton -> entry indexes of the names with that skeleton (of the context countries' names
    when given: all entries of such a name, in the build's order, each once)."""

    def __init__(self, owner: StoredGazetteer, allowed_iso3: frozenset[str]) -> None:
        self._owner, self._allowed = owner, allowed_iso3
        self._memo: dict[str, list[int]] = {}

    def get(self, skel: str, default: Any = None) -> Any:
        ids = self._memo.get(skel)
        if ids is None:
            ids = []
            rows = self._owner.query(
                "SELECT n.ids FROM skeletons s JOIN names n ON n.pos = s.pos WHERE s.skel = ? ORDER BY s.pos",
                (skel,),
            )
            entries = self._owner.entries
            for (raw,) in rows:
                name_ids = [int(i) for i in raw.split(",")]
                if self._allowed and not any(entries[i].iso3 in self._allowed for i in name_ids):
                    continue
                ids.extend(i for i in name_ids if i not in ids)
            self._memo[skel] = ids
        return ids if ids else default
