"""Event-side queries of the Store: what fusion reads and writes, and the one event filter
that exports, the API and the CLI share (SQL-side, on the real columns of `events`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.records import Event, EventMention
from wirewatch.store import schema as s
from wirewatch.store.db import Store, _jsonable
from wirewatch.store.db import chunks as _chunks


# -- fusion's reads and writes ---------------------------------------------------------------------
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
    that overlaps [date_low, date_high] (or no date). Widened by the caller's slack."""
    names = sorted({c for c in countries if c})
    col = s.events.c
    where = []
    if names and None not in set(countries):
        where.append(sa.or_(col.country.in_(names), col.country.is_(None)))
    if date_low and date_high:
        where.append(
            sa.or_(
                col.date_low.is_(None),
                col.date_high.is_(None),
                sa.and_(col.date_high >= date_low, col.date_low <= date_high),
            )
        )
    q = sa.select(col.event_id).where(*where)
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(q)}


def events_citing_articles(store: Store, article_ids: Iterable[str]) -> set[str]:
    """Events whose sources include one of these articles (a re-extracted article's old events)."""
    ids = sorted(set(article_ids))
    found: set[str] = set()
    text = sa.cast(s.events.c.data, sa.Text)
    with store.engine.connect() as conn:
        for chunk in _chunks(ids, 50):
            q = sa.select(s.events.c.event_id, s.events.c.data).where(
                sa.or_(*[text.like(f"%{a}%") for a in chunk])
            )
            for event_id, data in conn.execute(q):
                cited = {src.get("article_id") for src in (data or {}).get("sources", [])}
                if cited & set(chunk):
                    found.add(event_id)
    return found


def events_without_mentions(store: Store) -> set[str]:
    """Events none of whose mentions remain (all were removed by re-extraction)."""
    has = sa.select(s.mentions.c.event_id).where(s.mentions.c.event_id.is_not(None)).distinct()
    q = sa.select(s.events.c.event_id).where(s.events.c.event_id.not_in(has))
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(q)}


def stale_event_ids(store: Store) -> set[str]:
    """Events that lost an article: fewer articles link to them than their source_count says.

    Re-extraction replaces an article's mentions with unlinked ones, so its old events show up
    here (answered from the (event_id, article_id) index, no JSON read)."""
    m = s.mentions.c
    linked = (
        sa.select(m.event_id, sa.func.count(sa.distinct(m.article_id)).label("n"))
        .where(m.event_id.is_not(None))
        .group_by(m.event_id)
        .subquery()
    )
    e = s.events.c
    q = (
        sa.select(e.event_id)
        .select_from(s.events.outerjoin(linked, linked.c.event_id == e.event_id))
        .where(sa.func.coalesce(linked.c.n, 0) != sa.func.coalesce(e.source_count, 0))
    )
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(q)}


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


def event_history(store: Store, event_id: str) -> list[dict[str, Any]]:
    h = s.event_history.c
    q = sa.select(h.revision, h.at, h.cause_article_id, h.action, h.changes).where(h.event_id == event_id)
    with store.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(q.order_by(h.revision, h.id))]
    return rows


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
) -> None:  # fmt: skip
    """Apply one fusion pass in one transaction: events, mention links, history."""
    columns = Store._EVENT_COLUMNS
    with store.engine.begin() as conn:
        if delete:
            for chunk in _chunks(sorted(delete)):
                conn.execute(s.events.delete().where(s.events.c.event_id.in_(list(chunk))))
        for ev in save:
            row = {c: getattr(ev, c) for c in columns}
            row.update(event_id=ev.event_id, data=_jsonable(ev))
            store._upsert(conn, s.events, ["event_id"], row)
        for mention_id, (mention, event_id) in sorted(mention_events.items()):
            mention.event_id = event_id
            conn.execute(
                s.mentions.update()
                .where(s.mentions.c.mention_id == mention_id)
                .values(event_id=event_id, data=_jsonable(mention))
            )
        if history:
            conn.execute(s.event_history.insert(), list(history))


# -- the shared event filter -------------------------------------------------------------------------
SORTABLE = {
    "event_date": "event_date", "fatalities": "fatalities", "confidence": "confidence",
    "source_count": "source_count", "independent_source_count": "independent_source_count",
    "updated_at": "updated_at", "first_reported_at": "first_reported_at", "country": "country",
    "event_id": "event_id",
}  # fmt: skip


@dataclass(slots=True)
class EventFilter:
    """Which events to list or export. Every field is optional; all given ones must hold."""

    since: str | None = None  # event_date >= since (YYYY-MM-DD)
    until: str | None = None  # event_date <= until
    country: str | None = None  # country name or ISO alpha-3, case-insensitive
    admin1: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None  # substring of actor1 or actor2, case-insensitive
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    min_fatalities: int | None = None
    q: str | None = None  # substring of notes, location, actors

    def clauses(self) -> list[Any]:
        c = s.events.c
        out: list[Any] = []
        if self.since:
            out.append(c.event_date >= self.since)
        if self.until:
            out.append(c.event_date <= self.until)
        if self.country:
            value = self.country.strip().lower()
            # no country is named with three letters, so a three-letter value is an ISO code
            # (one indexed column each way, no OR: counts stay index-only)
            if len(value) == 3 and value.isalpha():
                out.append(c.iso3 == value.upper())
            else:
                out.append(sa.func.lower(c.country) == value)
        if self.admin1:
            out.append(sa.func.lower(c.admin1) == self.admin1.strip().lower())
        if self.event_type:
            out.append(sa.func.lower(c.event_type) == self.event_type.strip().lower())
        if self.sub_event_type:
            out.append(sa.func.lower(c.sub_event_type) == self.sub_event_type.strip().lower())
        if self.actor:
            like = f"%{_escape_like(self.actor.strip().lower())}%"
            out.append(
                sa.or_(
                    sa.func.lower(c.actor1).like(like, escape="\\"),
                    sa.func.lower(c.actor2).like(like, escape="\\"),
                )
            )
        if self.bbox:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            out.append(c.longitude.between(min_lon, max_lon))
            out.append(c.latitude.between(min_lat, max_lat))
        if self.min_fatalities is not None:
            out.append(c.fatalities >= self.min_fatalities)
        if self.q:
            like = f"%{_escape_like(self.q.strip().lower())}%"
            out.append(
                sa.or_(
                    *[
                        sa.func.lower(col).like(like, escape="\\")
                        for col in (c.notes, c.location, c.actor1, c.actor2)
                    ]
                )
            )
        return out


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """'minlon,minlat,maxlon,maxlat' -> four floats, or a W040 error."""
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
        raise WirewatchError(
            errors.BAD_OPTION, f"bbox '{text}': expected minlon,minlat,maxlon,maxlat with min <= max"
        )
    return parts  # type: ignore[return-value]


def order_by(sort: str | None) -> list[Any]:
    """'-event_date' / 'fatalities' -> ORDER BY with NULLs last and event_id as the tie-breaker
    (in the direction of the first key, so an index on (column, event_id) serves it), the same
    order in SQLite and PostgreSQL."""
    c = s.events.c
    keys: list[Any] = []
    first_desc: bool | None = None
    for part in [p.strip() for p in (sort or "event_date").split(",") if p.strip()]:
        desc = part.startswith("-")
        name = part.lstrip("-+")
        if name not in SORTABLE:
            raise WirewatchError(
                errors.BAD_OPTION, f"sort '{name}': expected one of {', '.join(sorted(SORTABLE))}"
            )
        first_desc = desc if first_desc is None else first_desc
        col = c[SORTABLE[name]]
        keys.append((col.desc() if desc else col.asc()).nulls_last())
    keys.append(c.event_id.desc() if first_desc else c.event_id.asc())
    return keys


def count_events(store: Store, flt: EventFilter | None = None) -> int:
    q = sa.select(sa.func.count()).select_from(s.events).where(*(flt or EventFilter()).clauses())
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def find_event_ids(
    store: Store, flt: EventFilter | None = None, *, sort: str | None = None,
    limit: int | None = None, offset: int = 0,
) -> list[str]:  # fmt: skip
    """Ids of the matching events in order (answered from the covering index, not the rows)."""
    q = sa.select(s.events.c.event_id).where(*(flt or EventFilter()).clauses()).order_by(*order_by(sort))
    if limit is not None:
        q = q.limit(limit)
    if offset:
        q = q.offset(offset)
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(q)]


def event_records(store: Store, event_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The stored records (JSON dicts) of these events, in the order given."""
    found: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(list(event_ids)):
            q = sa.select(s.events.c.event_id, s.events.c.data).where(s.events.c.event_id.in_(list(chunk)))
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
    q = sa.select(s.events.c.data).where(*(flt or EventFilter()).clauses()).order_by(*order_by(sort))
    if offset:
        q = q.offset(offset)
    with store.engine.connect() as conn:
        for row in conn.execute(q):
            yield Event.from_dict(row[0])


def event_stats(store: Store, flt: EventFilter | None = None) -> dict[str, Any]:
    """Counts of matching events by day, type and country (and their fatalities)."""
    c = s.events.c
    where = (flt or EventFilter()).clauses()
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


def insert_events_bulk(store: Store, events: Iterable[Event], *, batch: int = 5000) -> int:
    """Insert many new events at once (generators and benchmarks); no history, no upsert."""
    columns = Store._EVENT_COLUMNS
    n = 0
    rows: list[dict[str, Any]] = []
    with store.engine.begin() as conn:
        for ev in events:
            row = {c: getattr(ev, c) for c in columns}
            row.update(event_id=ev.event_id, data=_jsonable(ev))
            rows.append(row)
            if len(rows) >= batch:
                conn.execute(s.events.insert(), rows)
                n += len(rows)
                rows = []
        if rows:
            conn.execute(s.events.insert(), rows)
            n += len(rows)
    refresh_planner_stats(store)
    return n


def refresh_planner_stats(store: Store) -> None:
    """SQLite: refresh the query planner's statistics on events (bounded, approximate ANALYZE),
    so filters pick the right index as the table grows. PostgreSQL's autovacuum does this."""
    if store.dialect != "sqlite":
        return
    with store.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        conn.exec_driver_sql("ANALYZE events")
