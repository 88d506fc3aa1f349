"""What the faces read about events: the filtered listing (in pages or whole), counts and
stats, one event's revision history, and mentions by the same filter. The filter itself is
`store.event_filter.EventFilter`.
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from wirewatch.records import Event, EventMention
from wirewatch.store import schema as s
from wirewatch.store.db import Store
from wirewatch.store.db import chunks as _chunks
from wirewatch.store.event_filter import (
    SORTABLE,
    EventFilter,
    FilterClauses,
    actor_alone_count,
    filter_clauses,
    mention_columns,
    order_by,
    sort_fields,
    text_alone_count,
    text_folds_beyond_ascii,
    window_clauses_with_indexed_text,
)

__all__ = [
    "SORTABLE", "EventFilter", "count_and_find_event_ids", "count_events", "event_history", "event_records",
    "event_stats", "event_records_json", "find_event_ids", "find_events", "find_mentions", "iter_matching_events",
]  # fmt: skip


def count_events(
    store: Store,
    flt: EventFilter | None = None,
    *,
    cap: int | None = None,
    where: FilterClauses | None = None,
) -> int:
    """How many events match; with `cap`, counted only up to cap + 1 (more than cap: at least
    that many), so the count reads no more index entries than that. `where`: the filter's
    `filter_clauses` when the caller has them already (a page looks its actor names and text up
    once)."""
    where = filter_clauses(store, flt) if where is None else where
    if cap is not None and flt is not None:
        alone = text_alone_count(store, flt, where, cap)
        alone = actor_alone_count(store, flt, where, cap) if alone is None else alone
        if alone is not None:
            return alone
    if cap is None:
        q = sa.select(sa.func.count()).select_from(s.events).where(*where)
    else:
        matches = sa.select(sa.literal(1)).select_from(s.events).where(*where).limit(cap + 1).subquery()
        q = sa.select(sa.func.count()).select_from(matches)
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def find_event_ids(
    store: Store, flt: EventFilter | None = None, *, sort: str | None = None,
    limit: int | None = None, offset: int = 0, where: FilterClauses | None = None, matches: int | None = None,
) -> list[str]:  # fmt: skip
    """Ids of the matching events in order (answered from the covering index, not the rows);
    `where` as for `count_events`; `matches`: how many match, when the caller has counted them
    (with a cap: at least that many), which tells whether the newest events are worth reading
    first (`FEW_MATCHES`)."""
    if matches == 0:  # a capped count says "at least", so only none is sure to have no page
        return []
    many = matches is None or matches > FEW_MATCHES
    # a text probed for its few other matches is found among them: the newest events seldom hold them
    window = many and limit is not None and flt is not None and not (where is not None and where.text_probed)
    held = None
    if window and _newest_first_pays(flt, sort, limit + offset, store.dialect):
        found, held = _ids_among_newest(store, flt, sort, limit, offset)
        if found is not None:
            return found
    where = filter_clauses(store, flt) if where is None else where
    if many and matches is not None and flt is not None and _text_probe_pays(store, flt, sort):
        where = where.probing_text()  # many match: walk the order, probe the text
    sparse = held is not None and bool(flt and flt.q)
    walk = many and not (sparse and _gathering_pays(store, held, (limit or 0) + offset))
    if walk or store.dialect == "sqlite":
        q = sa.select(s.events.c.event_id).where(*where).order_by(*order_by(sort))
    else:
        q = _sorted_after_gathering(where, sort)
    if limit is not None:
        q = q.limit(limit)
    if offset:
        q = q.offset(offset)
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(q)]


def count_and_find_event_ids(
    store: Store, flt: EventFilter, *, sort: str | None, limit: int, offset: int, cap: int | None
) -> tuple[int, list[str]]:
    """A page's count of matches, up to cap + 1 (`count_events`), and its event ids in order
    (`find_event_ids`), the filter's clauses written once for both. On PostgreSQL a text's
    matches, when at most `cap`, are gathered once for both: counted apart, they were gathered
    twice, each match's row fetched and checked against the text each time (a town's name at 1M
    events: 700 matches, 25 + 9 ms)."""
    where = filter_clauses(store, flt)
    if cap is not None and store.dialect == "postgresql" and flt.q:
        counted, ids = _counted_and_sorted_at_once(
            store, where, sort=sort, limit=limit, offset=offset, cap=cap
        )
        if counted <= cap:
            return counted, ids
    else:  # counted first: how many match tells the look-up how to find the page (none: no look-up)
        counted = count_events(store, flt, cap=cap, where=where)
    return counted, find_event_ids(
        store, flt, sort=sort, limit=limit, offset=offset, where=where, matches=counted
    )


def _counted_and_sorted_at_once(
    store: Store, where: list[Any], *, sort: str | None, limit: int, offset: int, cap: int
) -> tuple[int, list[str]]:
    """The filter's matches gathered once, up to cap + 1 with their sort keys: how many (up to
    cap + 1), and the page's ids sorted from them (the page of the whole order when they are at
    most cap). One statement: its first row holds the count, the others the page in order."""
    gathered = _gathered(where, sort, limit=cap + 1)
    at = sa.func.row_number().over(order_by=order_by(sort, gathered.c))
    ranked = sa.select(gathered.c.event_id, at.label("at")).subquery()
    counted = sa.select(sa.func.count().label("n"), sa.null().label("event_id"), sa.literal(0).label("at"))
    page = sa.select(sa.null(), ranked.c.event_id, ranked.c.at).where(
        ranked.c.at.between(offset + 1, offset + limit)
    )
    q = sa.union_all(counted.select_from(gathered), page).order_by(sa.literal_column("at"))
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    return int(rows[0][0]), [row[1] for row in rows[1:]]


def _gathering_pays(store: Store, held: int, rows: int) -> bool:
    """PostgreSQL, after a window of NEWEST_WINDOW events held only `held` matches of a text,
    fewer than the page's `rows`: whether gathering every match and sorting them reads fewer
    rows than walking the order on to the page. At that density the walk reads about rows *
    window / held rows, and the matches are about held / window of the events. PostgreSQL
    walked the newest-first index, testing each row, for a city's name that 21 of the newest
    5,000 held: 16,000 rows, 131 ms at 1M events, where its 3,900 matches are gathered through
    the text index. Not for an actor's listed names, whose matches PostgreSQL estimates from its
    statistics per value and walks to well (gathered: 24 -> 29-41 ms a page)."""
    if store.dialect != "postgresql":
        return False
    events = _estimated_events(store)
    return held * held * events < rows * NEWEST_WINDOW * NEWEST_WINDOW


def _estimated_events(store: Store) -> int:
    """PostgreSQL: how many events there are, from its statistics (no count of the table); 0
    before it has taken any (-1), when gathering then pays."""
    with store.engine.connect() as conn:
        estimate = conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = 'events'").scalar()
    return max(0, int(estimate or 0))


def _text_probe_pays(store: Store, flt: EventFilter, sort: str | None) -> bool:
    """SQLite, a text filter with many matches, sorted by a key with an index to walk (date or
    toll, alone): without one, a probed text would read every row instead of every match."""
    return store.dialect == "sqlite" and bool(flt.q) and _window_sort(sort) is not None


def _sorted_after_gathering(where: list[Any], sort: str | None) -> Any:
    """The ids of a filter's few matches (at most FEW_MATCHES, or sparse among the newest:
    `_gathering_pays`), gathered first and then sorted (PostgreSQL; SQLite's own plans for them
    are as fast). Left to itself, PostgreSQL may walk the newest-first index and test every row
    when it overestimates the matches: a town's name, 752 matches estimated 8,551, read 72,000
    rows (0.4-0.6 s); gathered through the text index they are sorted in a few ms."""
    gathered = _gathered(where, sort)
    return sa.select(gathered.c.event_id).order_by(*order_by(sort, gathered.c))


def _gathered(where: list[Any], sort: str | None, *, limit: int | None = None) -> Any:
    """PostgreSQL: the matches of `where` with the keys of `sort`, up to `limit`, as a CTE that
    is gathered once (MATERIALIZED), not planned into the statement that sorts them."""
    keys = {name for name, _desc in sort_fields(sort)} | {"event_id"}
    q = sa.select(*(s.events.c[name] for name in sorted(keys))).where(*where)
    return (q if limit is None else q.limit(limit)).cte("gathered").prefix_with("MATERIALIZED")


# A text, actor or map-box filter is served by an index that finds every match, which must then
# be sorted: tens of thousands of matches for a common word or a dense box. When they are that
# common, the first page is among the newest few thousand events; those are read first, in date
# order from the covering index, and only when they hold too few matches is the index asked.
# A page sorted by toll is looked for the same way among the deadliest events: SQLite cannot tell
# a common actor in a big country (its first page among the deadliest few hundred) from a rare one
# and gathered every event of every matching name first (1M events: 0.9 CPU-s a page).
NEWEST_WINDOW = 5_000  # events read newest (or deadliest) first before the indexes are asked
# the sorts a window serves (alone, either way), and the SQLite index that holds their order
_WINDOW_INDEXES = {"event_date": "ix_events_cover", "fatalities": "ix_events_fatalities_id"}
# a filter known to match at most this many is sorted whole from its index: the newest events
# would hold only a few of its matches, so reading them first was wasted (a town's name: 1M
# events, a 10 ms window, then the index anyway)
FEW_MATCHES = 1_000
WINDOW_PAGE_SHARE = 20  # a page (offset included) of at most 1/20 of the window is looked for in it


def _newest_first_pays(flt: EventFilter, sort: str | None, rows: int, dialect: str) -> bool:
    """A page sorted by date alone, of a filter with a text, actor or box part (that the covering
    index answers: the flagged-for-review filter reads a column it lacks), or the deadliest first,
    of a filter with an actor or text part; on SQLite, of any filter. SQLite has no toll index per
    filter part: it gathered a plain filter's matches from that part's index and sorted them (1M
    events, a month by toll: 70 ms a page, 580 cold; the deadliest window 2). PostgreSQL walks its
    deadliest-first index, which holds the compared columns, by itself."""
    window = _window_sort(sort)
    if window is None or flt.review == "flagged" or rows > NEWEST_WINDOW // WINDOW_PAGE_SHARE:
        return False
    column, descending = window
    if column == "fatalities":  # the deadliest first only: SQLite's index holds NULLs first
        plain = dialect == "sqlite" and replace(flt, review=None) != EventFilter()
        return descending and bool(flt.q or flt.actor or plain)
    return bool(flt.q or flt.actor or flt.bbox)


def _window_sort(sort: str | None) -> tuple[str, bool] | None:
    """(column, descending) of a sort by date or by toll alone, which a window serves; else None."""
    fields = sort_fields(sort)
    return fields[0] if len(fields) == 1 and fields[0][0] in _WINDOW_INDEXES else None


def _ids_among_newest(
    store: Store, flt: EventFilter, sort: str | None, limit: int, offset: int
) -> tuple[list[str] | None, int | None]:
    """The page when the first NEWEST_WINDOW events in the sort's order hold all of it, else
    None, with how many of the page's rows the window held (None: it was not read). The events
    are walked in that order, from the newest (or deadliest) to the edge of the window, and the
    walk stops at the page: a common word's page is in the first few hundred.
    Before, all NEWEST_WINDOW were read and then sorted (1M events: a big city's name, 5.6 ->
    1.4-2 ms). The same ids in the same order as the indexed query: the window is the first
    part of the sort's order."""
    window = _window_sort(sort)
    if window is None:  # a sort no window serves
        return None, None
    column, descending = window
    edge = _window_edge(store, sort, column)
    if edge is None:  # fewer events, or undated ones in the window: the indexes are asked
        return None, None
    table, e = _walked(store.dialect, column)
    first = sa.tuple_(e[column], e.event_id)
    within = first >= edge if descending else first <= edge
    if text_folds_beyond_ascii(store.dialect, flt):  # from the text index, which folds its case
        where = window_clauses_with_indexed_text(flt, e)
    else:
        where = flt.clauses(e, like_ignores_case=store.dialect == "sqlite")
    q = sa.select(e.event_id).select_from(table).where(within, *where)
    q = q.order_by(*order_by(sort, e)).limit(limit + offset)
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(q)]
    return (ids[offset:] if len(ids) == limit + offset else None), len(ids)


def _walked(dialect: str, column: str) -> tuple[Any, Any]:
    """The events table to walk for a window by date or by toll (`column`), and its columns. SQLite is told
    which index to walk (left to itself, it took a country's index for an actor in a country by
    toll and sorted its events: 14 ms for 0.3); both hold the compared columns (migration 20)."""
    if dialect != "sqlite":
        return s.events, s.events.c
    index = _WINDOW_INDEXES[column]
    # columns written out, not the table's: a column of the table would add it to the FROM list
    return sa.text(f"events INDEXED BY {index}"), _WrittenColumns()


class _WrittenColumns:
    """The events columns written out by name (`events.x`), by attribute or key: a column of the
    table itself would add the table to the FROM list beside the indexed one."""

    def __getattr__(self, name: str) -> Any:
        return sa.literal_column(f"events.{name}", s.events.c[name].type)

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)


# a window's edge is read again after this many seconds: any edge bounds a first part of the
# order, so an older one only makes the window a little longer (the events since), and each read
# costs 5,000 index entries (PostgreSQL 1.5-3 ms, SQLite's toll index 1.3 ms)
EDGE_REUSE_SECONDS = 10.0
_edges: weakref.WeakKeyDictionary[Store, dict[tuple, tuple[float, Any]]] = weakref.WeakKeyDictionary()


def _window_edge(store: Store, sort: str | None, column: str) -> tuple[Any, str] | None:
    """The `column` value and event id of the NEWEST_WINDOW-th event in `sort`'s order (by that
    date or toll), read from its index (or reused, EDGE_REUSE_SECONDS); None when there are fewer
    events or its value is NULL."""
    sort = (sort or "event_date").strip()
    known = _edges.setdefault(store, {})
    read_at, edge = known.get((sort, NEWEST_WINDOW), (-math.inf, None))
    if time.monotonic() - read_at <= EDGE_REUSE_SECONDS:
        return edge
    q = (
        sa.select(s.events.c[column], s.events.c.event_id)
        .order_by(*order_by(sort))
        .offset(NEWEST_WINDOW - 1)
        .limit(1)
    )
    with store.engine.connect() as conn:
        row = conn.execute(q).first()
    edge = None if row is None or row[0] is None else (row[0], row[1])
    known[(sort, NEWEST_WINDOW)] = (time.monotonic(), edge)
    return edge


def event_records(store: Store, event_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The stored records (JSON dicts) of these events, in the order given."""
    return _by_event_id(store, event_ids, s.events.c.data)


def event_records_json(store: Store, event_ids: Sequence[str], *, without: str) -> list[str]:
    """The stored records of these events as JSON text, in the order given, each without its
    `without` field, taken out by the database: a page of fifty decoded and encoded again in
    Python cost more than finding it (1M events: 1.2 of 2.9 ms a request)."""
    data = s.events.c.data
    if store.dialect == "sqlite":
        text = sa.func.json_remove(data, f"$.{without}")
    else:
        text = sa.cast(sa.cast(data, JSONB).op("-")(without), sa.Text)
    return _by_event_id(store, event_ids, text)


def _by_event_id(store: Store, event_ids: Sequence[str], value: Any) -> list[Any]:
    """`value` of each of these events that exists, in the order given."""
    found: dict[str, Any] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(list(event_ids)):
            q = sa.select(s.events.c.event_id, value).where(s.events.c.event_id.in_(list(chunk)))
            found.update({r[0]: r[1] for r in conn.execute(q)})
    return [found[i] for i in event_ids if i in found]


def find_events(
    store: Store, flt: EventFilter | None = None, *, sort: str | None = None,
    limit: int | None = None, offset: int = 0,
) -> Iterator[Event]:  # fmt: skip
    """Events matching `flt`, in a deterministic order (same in SQLite and PostgreSQL)."""
    if limit is not None:  # a page: ids from the index, then the records by key
        for data in event_records(store, find_event_ids(store, flt, sort=sort, limit=limit, offset=offset)):
            yield Event.from_dict(data)
        return
    q = sa.select(s.events.c.data).where(*filter_clauses(store, flt)).order_by(*order_by(sort))
    if offset:
        q = q.offset(offset)
    with store.engine.connect() as conn:
        for row in conn.execute(q):
            yield Event.from_dict(row[0])


def iter_matching_events(
    store: Store, flt: EventFilter | None = None, *, limit: int | None = None
) -> Iterator[Event]:
    """Events matching `flt` in the order `Store.iter_events` lists them (event date, then id,
    with undated events where the database sorts NULLs): `wirewatch events`."""
    e = s.events.c
    q = sa.select(e.data).where(*filter_clauses(store, flt)).order_by(e.event_date, e.event_id).limit(limit)
    with store.engine.connect() as conn:
        for row in conn.execute(q):
            yield Event.from_dict(row[0])


def find_mentions(
    store: Store, flt: EventFilter | None = None, *, limit: int | None = None
) -> Iterator[EventMention]:
    """Mentions whose own fields match `flt`, in the order `Store.iter_mentions` lists them."""
    m = s.mentions.c
    where = (flt or EventFilter()).clauses(mention_columns())
    q = sa.select(m.data).where(*where).order_by(m.article_id, m.mention_id).limit(limit)
    with store.engine.connect() as conn:
        for row in conn.execute(q):
            yield EventMention.from_dict(row[0])


def event_stats(store: Store, flt: EventFilter | None = None) -> dict[str, Any]:
    """Counts of matching events by day, type and country (and their fatalities)."""
    c = s.events.c
    where = filter_clauses(store, flt)
    out: dict[str, Any] = {}
    with store.engine.connect() as conn:
        total = conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(c.fatalities), 0))
            .select_from(s.events)
            .where(*where)
        ).one()
        out["events"] = int(total[0])
        out["fatalities"] = int(total[1])
        for key, col in (("by_day", c.event_date), ("by_type", c.event_type), ("by_country", c.country)):
            q = (
                sa.select(col, sa.func.count(), sa.func.coalesce(sa.func.sum(c.fatalities), 0))
                .where(*where)
                .group_by(col)
                .order_by(col.is_(None), col)
            )
            out[key] = [{"key": r[0], "events": int(r[1]), "fatalities": int(r[2])} for r in conn.execute(q)]
    return out


def event_history(store: Store, event_id: str) -> list[dict[str, Any]]:
    h = s.event_history.c
    q = sa.select(h.revision, h.at, h.cause_article_id, h.action, h.changes, h.author, h.reason).where(
        h.event_id == event_id
    )
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q.order_by(h.revision, h.id))]
    return rows
