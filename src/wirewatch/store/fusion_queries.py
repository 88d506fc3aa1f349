"""Fusion's reads and writes: pending mentions, the events they could join, and one pass's
changes written in one transaction (`wirewatch.fuse` calls these; no SQL outside the store).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from wirewatch.records import Event, EventMention
from wirewatch.store import schema as s
from wirewatch.store.corrections import move_corrections
from wirewatch.store.db import Store, _jsonable, event_row
from wirewatch.store.db import chunks as _chunks


def pending_mentions(store: Store) -> list[EventMention]:
    """Mentions that belong to no event yet."""
    q = (
        sa.select(s.mentions.c.data)
        .where(s.mentions.c.event_id.is_(None))
        .order_by(s.mentions.c.article_id, s.mentions.c.mention_id)
    )
    with store.engine.connect() as conn:
        return [EventMention.from_dict(r[0]) for r in conn.execute(q)]


def mentions_of_events(store: Store, event_ids: Iterable[str]) -> list[EventMention]:
    ids = sorted(set(event_ids))
    out: list[EventMention] = []
    with store.engine.connect() as conn:
        for chunk in _chunks(ids):
            q = sa.select(s.mentions.c.data).where(s.mentions.c.event_id.in_(list(chunk)))
            out.extend(EventMention.from_dict(r[0]) for r in conn.execute(q))
    out.sort(key=lambda m: (m.article_id, m.mention_id))
    return out


def events_by_id(store: Store, event_ids: Iterable[str]) -> dict[str, Event]:
    ids = sorted(set(event_ids))
    out: dict[str, Event] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(ids):
            q = sa.select(s.events.c.data).where(s.events.c.event_id.in_(list(chunk)))
            for r in conn.execute(q):
                ev = Event.from_dict(r[0])
                out[ev.event_id] = ev
    return out


def candidate_event_ids(
    store: Store, *, countries: Iterable[str | None], date_low: str | None, date_high: str | None
) -> set[str]:
    """Events that pending mentions could join: same country (or unknown) and a date window
    that overlaps [date_low, date_high] (or no date). Widened by the caller's slack.

    One indexed look-up per part (a country's events whose window reaches the batch's, by
    (country, date_high, date_low); the undated ones, by a partial index), so the cost follows
    the events near the batch, not all those stored (migration 15)."""
    with store.engine.connect() as conn:
        return {r[0] for part in _candidate_parts([s.events.c.event_id], countries, date_low, date_high)
                for r in conn.execute(part)}  # fmt: skip


def _candidate_parts(
    columns: list[Any], countries: Iterable[str | None], date_low: str | None, date_high: str | None
) -> list[Any]:
    countries = list(countries)
    names = sorted({c for c in countries if c})
    col = s.events.c
    if names and None not in set(countries):
        places: list[Any] = [col.country.in_(names), col.country.is_(None)]
    else:
        places = [sa.true()]
    if date_low and date_high:
        times: list[Any] = [
            sa.and_(col.date_high >= date_low, col.date_low <= date_high),
            sa.or_(col.date_low.is_(None), col.date_high.is_(None)),  # ix_events_undated's condition
        ]
    else:
        times = [sa.true()]
    return [sa.select(*columns).where(place, when) for place in places for when in times]


Reach = tuple[str | None, str | None, str | None]  # country (None: any), first and last day (None: any)
# what fusion reads of an event before loading it whole: where it is and its type (`fuse.compat.EventPlace`)
_PLACE_COLUMNS = ("country", "iso3", "location", "admin1", "admin2", "latitude", "longitude",
                  "sub_event_type", "event_type", "review_status")  # fmt: skip


def events_near_places(store: Store, reaches: Iterable[Reach]) -> dict[str, dict[str, Any]]:
    """Events that some pending mention could join, with where each is and its type (`_PLACE_COLUMNS`): for
    each mention's reach (its country or unknown, and its date window widened by the caller's
    slack), the events of that country or of none whose window overlaps it or that have no date.
    The windows of one country are merged, and each part is one indexed look-up, so a batch
    spanning months in one country and days in another reads only the events near each."""
    by_country: dict[str | None, list[tuple[str, str] | None]] = {}
    for country, low, high in reaches:
        by_country.setdefault(country, []).append((low, high) if low and high else None)
    col = s.events.c
    # admin2 has no column of its own: read from the record
    place = [col.data["admin2"].as_string() if name == "admin2" else col[name] for name in _PLACE_COLUMNS]
    columns = [col.event_id, *place]
    found: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for country, windows in by_country.items():
            if None in windows:  # an undated mention reaches every date
                spans: list[tuple[str | None, str | None]] = [(None, None)]
            else:
                spans = list(_merged(w for w in windows if w is not None))
            for low, high in spans:
                for part in _candidate_parts(columns, [country], low, high):
                    for event_id, *place in conn.execute(part):
                        found[event_id] = dict(zip(_PLACE_COLUMNS, place, strict=True))
    return found


def events_of_stories(store: Store, story_ids: Iterable[str]) -> set[str]:
    """Events holding a mention from an article of one of these stories."""
    ids = sorted(set(story_ids))
    found: set[str] = set()
    a, m = s.articles.c, s.mentions.c
    with store.engine.connect() as conn:
        for chunk in _chunks(ids):
            q = (
                sa.select(m.event_id).distinct()
                .join_from(s.mentions, s.articles, m.article_id == a.article_id)
                .where(a.story_id.in_(list(chunk)), m.event_id.is_not(None))
            )  # fmt: skip
            found.update(r[0] for r in conn.execute(q))
    return found


def _merged(windows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Overlapping or touching ISO-day windows joined into disjoint ones."""
    out: list[list[str]] = []
    for low, high in sorted(windows):
        if out and low <= _next_day(out[-1][1]):
            out[-1][1] = max(out[-1][1], high)
        else:
            out.append([low, high])
    return [(low, high) for low, high in out]


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day[:10]) + dt.timedelta(days=1)).isoformat()


def stale_event_ids(store: Store) -> set[str]:
    """Events that lost a mention since the last pass (an article re-extracted or skipped, a
    mention moved to another story): the store records them as it unlinks (`Store._mark_stale`), so a
    pass reads a short list, not a count of every event's articles."""
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.select(s.stale_events.c.event_id))}


def article_meta(store: Store, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """article_id -> {outlet, url, published_at, story_id, ingested_at} for the sources list."""
    ids = sorted(set(article_ids))
    a = s.articles.c
    out: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(ids):
            q = sa.select(a.article_id, a.outlet, a.url, a.published_at, a.story_id, a.ingested_at).where(
                a.article_id.in_(list(chunk))
            )
            for r in conn.execute(q):
                out[r.article_id] = {
                    "outlet": r.outlet, "url": r.url, "published_at": r.published_at,
                    "story_id": r.story_id, "ingested_at": r.ingested_at,
                }  # fmt: skip
    return out


def history_revisions(store: Store, event_ids: Iterable[str]) -> dict[str, int]:
    ids = sorted(set(event_ids))
    h = s.event_history.c
    out: dict[str, int] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(ids):
            q = (
                sa.select(h.event_id, sa.func.max(h.revision))
                .where(h.event_id.in_(list(chunk)))
                .group_by(h.event_id)
            )
            out.update({r[0]: int(r[1]) for r in conn.execute(q)})
    return out


def existing_event_ids(store: Store, event_ids: Iterable[str]) -> set[str]:
    ids = sorted(set(event_ids))
    found: set[str] = set()
    with store.engine.connect() as conn:
        for chunk in _chunks(ids):
            q = sa.select(s.events.c.event_id).where(s.events.c.event_id.in_(list(chunk)))
            found.update(r[0] for r in conn.execute(q))
        h = s.event_history.c
        for chunk in _chunks(ids):  # ids once used and since merged away stay taken
            q = sa.select(h.event_id).where(h.event_id.in_(list(chunk))).distinct()
            found.update(r[0] for r in conn.execute(q))
    return found


def write_fusion(
    store: Store, *, save: Sequence[Event], delete: Sequence[str],
    mention_events: dict[str, tuple[EventMention, str]], history: Sequence[dict[str, Any]],
    corrections_moved: dict[str, str] | None = None, fused_again: Sequence[str] = (),
) -> None:  # fmt: skip
    """Apply one fusion pass in one transaction: events, mention links, history, the analysts'
    corrections of events merged away moved to the event that absorbed them, and the stale events
    the pass fused again (`fused_again`) no longer stale."""
    with store.engine.begin() as conn:
        for chunk in _chunks(sorted(fused_again)):
            conn.execute(s.stale_events.delete().where(s.stale_events.c.event_id.in_(list(chunk))))
        if corrections_moved:
            move_corrections(conn, corrections_moved)
        if delete:
            for chunk in _chunks(sorted(delete)):
                conn.execute(s.events.delete().where(s.events.c.event_id.in_(list(chunk))))
        rows = [event_row(ev) for ev in save]
        if rows:  # one executemany upsert, not one statement built per event
            stmt = store._insert(s.events)
            update = {k: stmt.excluded[k] for k in rows[0] if k != "event_id"}
            conn.execute(stmt.on_conflict_do_update(index_elements=["event_id"], set_=update), rows)
        for mention_id, (mention, event_id) in sorted(mention_events.items()):
            mention.event_id = event_id
            conn.execute(
                s.mentions.update()
                .where(s.mentions.c.mention_id == mention_id)
                .values(event_id=event_id, data=_jsonable(mention))
            )
        if history:
            conn.execute(s.event_history.insert(), list(history))


def insert_events_bulk(store: Store, events: Iterable[Event], *, batch: int = 5000) -> int:
    """Insert many new events at once (generators and benchmarks); no history, no upsert."""
    n = _insert_in_batches(store, s.events, (event_row(ev) for ev in events), batch)
    refresh_event_indexes(store)
    return n


def insert_mentions_bulk(store: Store, mentions: Iterable[EventMention], *, batch: int = 5000) -> int:
    """Insert many new mentions at once, as they are (event links included): generators and
    benchmarks that build a stored base without running extraction."""
    columns = Store._MENTION_COLUMNS
    rows = ({c: getattr(m, c) for c in columns} | {"data": _jsonable(m)} for m in mentions)
    return _insert_in_batches(store, s.mentions, rows, batch)


def _insert_in_batches(store: Store, table: sa.Table, rows: Iterable[dict[str, Any]], batch: int) -> int:
    """Plain INSERTs of the rows, `batch` at a time, in one transaction; returns how many."""
    n = 0
    chunk: list[dict[str, Any]] = []
    with store.engine.begin() as conn:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                conn.execute(table.insert(), chunk)
                n, chunk = n + len(chunk), []
        if chunk:
            conn.execute(table.insert(), chunk)
            n += len(chunk)
    return n


# the planner's statistics are taken again, and the text index merged, when the events have grown
# (or shrunk) this many times since: statistics are proportions, which hold as a table grows, and
# both read every index entry, so a table growing to 1M events pays them about 15 times
STATS_DRIFT = 2.0


def refresh_event_indexes(store: Store) -> None:
    """SQLite: the query planner's statistics on events taken again and the text index's segments
    merged (`schema.merge_text_index`), when there are no statistics or the events have grown or
    shrunk STATS_DRIFT times since, so filters pick the right index and a text is looked up in
    one segment as the table grows. PostgreSQL's autovacuum does this."""
    if store.dialect != "sqlite":
        return
    with store.engine.begin() as conn:
        taken = s.analyzed_rows(conn)
        rows = conn.execute(sa.select(sa.func.count()).select_from(s.events)).scalar_one()
        if taken is None or not taken / STATS_DRIFT < rows < taken * STATS_DRIFT:
            s.analyze_events(conn)
            s.merge_text_index(conn)
