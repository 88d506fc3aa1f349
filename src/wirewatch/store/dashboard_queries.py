"""What the dashboard aggregates on the server: events in map grid cells, events per day by type,
the values each filter can take, and the few rows a map popup or an evidence page needs.

Each is one grouped query over the filtered events (`EventFilter.clauses`), so a map of 100k events
costs one pass over the covering index and returns at most a few thousand rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from wirewatch.store import schema as s
from wirewatch.store.db import Store
from wirewatch.store.db import chunks as _chunks
from wirewatch.store.event_filter import EventFilter, box_lookup, filter_clauses, uses_box_index

# columns of a map marker's popup and of a single-event cell
MARKER_COLUMNS = (
    "event_id", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "location",
    "admin1", "country", "latitude", "longitude", "fatalities", "independent_source_count", "notes",
)  # fmt: skip


WIDE_VIEW_DEGREES = 90.0  # a map view this wide (in longitude) is read without the box's index


def _cell_index(store: Store, column: Any, offset: float, size: float) -> Any:
    """floor((column + offset) / size) as an integer, the same in both databases (the value is never
    negative, so SQLite's truncating CAST is a floor; PostgreSQL's CAST rounds, so it floors first)."""
    scaled = (column + offset) / size
    if store.dialect == "postgresql":
        scaled = sa.func.floor(scaled)
    return sa.cast(scaled, sa.Integer)


def grid_cells(
    store: Store, flt: EventFilter, *, cell_degrees: float,
    view: tuple[float, float, float, float] | None = None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Placed events matching `flt` (inside `view`, a lon/lat box, when given) counted per grid cell
    of `cell_degrees` and event type: one row per (cell, type) with the count, fatalities, the mean
    position and, for a single event, its id."""
    c = s.events.c
    gx = _cell_index(store, c.longitude, 180.0, cell_degrees).label("gx")
    gy = _cell_index(store, c.latitude, 90.0, cell_degrees).label("gy")
    min_lon, min_lat, max_lon, max_lat = view or (-180.0, -90.0, 180.0, 90.0)
    # a wide view holds most events: its box must not steer the planner to the (longitude,
    # latitude) index and a row read per event; `+ 0` keeps the same test off any index, so the
    # filters' own index or a covering one is used
    wide = max_lon - min_lon >= WIDE_VIEW_DEGREES
    lon, lat = (c.longitude + 0, c.latitude + 0) if wide else (c.longitude, c.latitude)
    where = [
        *filter_clauses(store, flt),
        lon.between(min_lon, max_lon),
        lat.between(min_lat, max_lat),
    ]
    box = (min_lon, min_lat, max_lon, max_lat)
    if not wide and uses_box_index(box):  # as the bbox filter is
        where.append(box_lookup(store.dialect, box))
    q = (
        sa.select(
            gx,
            gy,
            c.event_type,
            sa.func.count().label("events"),
            sa.func.coalesce(sa.func.sum(c.fatalities), 0).label("fatalities"),
            sa.func.avg(c.latitude).label("latitude"),
            sa.func.avg(c.longitude).label("longitude"),
            sa.func.min(c.event_id).label("event_id"),
        )  # fmt: skip
        .where(*where)
        .group_by(gx, gy, c.event_type)
    )
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def count_unplaced(store: Store, flt: EventFilter) -> int:
    """Matching events with no coordinates (they are in the table, not on the map)."""
    c = s.events.c
    q = (
        sa.select(sa.func.count())
        .select_from(s.events)
        .where(*filter_clauses(store, flt), sa.or_(c.latitude.is_(None), c.longitude.is_(None)))
    )
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def marker_rows(store: Store, event_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """event_id -> the popup columns of those events."""
    cols = [s.events.c[name] for name in MARKER_COLUMNS]
    out: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(list(event_ids)):
            q = sa.select(*cols).where(s.events.c.event_id.in_(list(chunk)))
            out.update((r.event_id, dict(r._mapping)) for r in conn.execute(q))
    return out


def events_per_day_by_type(store: Store, flt: EventFilter) -> list[dict[str, Any]]:
    """(day, event type, events, fatalities) for the dated matching events, by day."""
    c = s.events.c
    q = (
        sa.select(
            c.event_date,
            c.event_type,
            sa.func.count().label("events"),
            sa.func.coalesce(sa.func.sum(c.fatalities), 0).label("fatalities"),
        )  # fmt: skip
        .where(*filter_clauses(store, flt), c.event_date.is_not(None))
        .group_by(c.event_date, c.event_type)
        .order_by(c.event_date, c.event_type)
    )
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def value_counts(store: Store, *columns: str) -> list[dict[str, Any]]:
    """Each distinct combination of these event columns with its number of events, most first."""
    cols = [s.events.c[name] for name in columns]
    count = sa.func.count().label("events")
    q = sa.select(*cols, count).group_by(*cols).order_by(count.desc(), *cols)
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def country_counts(store: Store) -> list[dict[str, Any]]:
    """Each country with its ISO code and number of events, most first (grouped by the name alone,
    which names one code, so the country/admin1 index answers it without a sort)."""
    c = s.events.c
    count = sa.func.count().label("events")
    q = (
        sa.select(c.country, sa.func.max(c.iso3).label("iso3"), count)
        .where(c.country.is_not(None))
        .group_by(c.country)
        .order_by(count.desc(), c.country)
    )
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def date_range(store: Store) -> tuple[str | None, str | None]:
    """The first and last event dates stored."""
    c = s.events.c
    with store.engine.connect() as conn:
        first, last = conn.execute(sa.select(sa.func.min(c.event_date), sa.func.max(c.event_date))).one()
    return first, last


def article_titles(store: Store, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """article_id -> its title, outlet, url and publication time (not its text)."""
    a = s.articles.c
    out: dict[str, dict[str, Any]] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(list(article_ids)):
            q = sa.select(a.article_id, a.title, a.outlet, a.url, a.published_at, a.agency, a.story_id).where(
                a.article_id.in_(list(chunk))
            )
            out.update((r.article_id, dict(r._mapping)) for r in conn.execute(q))
    return out
