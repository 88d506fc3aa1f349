"""The one event filter the CLI, the API and exports share, as SQL on the real columns of `events`
(and, for `wirewatch mentions`, on the same fields of each mention).

Values arrive checked and normalised (`wirewatch.views.event_filter` builds a filter from what a
user typed); this module only turns them into WHERE and ORDER BY clauses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.store import schema as s
from wirewatch.store.schema import TEXT_COLUMNS

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
    min_sources: int | None = None  # at least this many independent sources (stories)
    review: str | None = None  # None: all but rejected events; else one of REVIEW_STATES

    def clauses(
        self, columns: Any = None, *, dialect: str | None = None, actor_names: Sequence[str] | None = None,
        text_rowids: ListedRowids | None = None, text_probe: bool = False, like_ignores_case: bool = False,
    ) -> list[Any]:  # fmt: skip
        """WHERE clauses on the events table, or on `columns` named as its are (`mention_columns()`).

        With the events table and its database's `dialect` ('sqlite' or 'postgresql'), the text,
        actor and box filters are served by that database's text and box indexes (migration 14);
        they select the same events as the plain clauses, which any table can take. `actor_names`:
        the names holding the actor text, and `text_rowids`: SQLite's events holding the text,
        both looked up beforehand (`filter_clauses`). `like_ignores_case`: the plain clauses go to
        SQLite, whose LIKE ignores the case of ASCII letters by itself, so an ASCII text is
        compared without lower() of each value (SQLite's lower() folds ASCII only: the same rows;
        a window of 5,000 events, 5.6 -> 3.3 ms)."""
        c = s.events.c if columns is None else columns
        indexed = dialect if columns is None else None
        out: list[Any] = self._review_clauses(c)
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
        if self.actor and indexed and actor_names is not None:
            out.append(_actor_in(list(actor_names)))
        elif self.actor and indexed:
            out.append(_actor_lookup(indexed, _actor_like(self.actor)))
        elif self.actor:
            out.append(_any_holds((c.actor1, c.actor2), self.actor, like_ignores_case))
        if self.bbox:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            if indexed and uses_box_index(self.bbox):
                out.append(box_lookup(indexed, self.bbox))
            elif indexed:
                out.extend(box_cells_lookup(indexed, self.bbox))
            out.append(c.longitude.between(min_lon, max_lon))
            out.append(c.latitude.between(min_lat, max_lat))
        if self.min_fatalities is not None:
            out.append(c.fatalities >= self.min_fatalities)
        if self.min_sources is not None:
            out.append(c.independent_source_count >= self.min_sources)
        if _indexed_text(indexed, self.q) and text_rowids is not None:
            out.append(_events_rowid.in_(_json_values(text_rowids.array)))
        elif _indexed_text(indexed, self.q):
            out.append(_sqlite_text_match(self.q or "", TEXT_COLUMNS, probe=text_probe))
        elif self.q:
            out.append(_any_holds((c.notes, c.location, c.actor1, c.actor2), self.q, like_ignores_case))
        return out

    def _review_clauses(self, c: Any) -> list[Any]:
        """An analyst's verdicts: rejected events ("not an event") are left out unless asked for."""
        if self.review == "all":
            return []
        if self.review in ("confirmed", "rejected"):
            return [c.review_status == self.review]
        if self.review == "flagged":
            return [c.needs_review.is_(True)]
        not_rejected = sa.or_(c.review_status.is_(None), c.review_status != "rejected")
        if self.review == "unreviewed":
            return [c.review_status.is_(None)]
        return [not_rejected]


# what --review / ?review= accepts (no value: every event but the rejected ones)
REVIEW_STATES = ("all", "unreviewed", "confirmed", "rejected", "flagged")


# SQLite's text index: the FTS5 trigram table over the events' text columns (migration 14)
_events_text = sa.table("events_text", sa.column("rowid"), sa.column("events_text"))
_events_box = sa.table(
    "events_box", sa.column("id"), sa.column("min_lon"), sa.column("max_lon"), sa.column("min_lat"),
    sa.column("max_lat"),
)  # fmt: skip
_events_rowid = sa.literal_column("events.rowid")
TRIGRAM = 3  # the trigram index finds parts of at least three characters; shorter ones scan
BOX_SLACK = 1e-3  # degrees: the R*Tree's 32-bit floats are rounded outwards, by far less than this


# an actor text held by at most this many names is looked up first and its names listed in the
# query: both planners then know what they match (PostgreSQL, from its statistics per value, walks
# the deadliest events of a country instead of gathering every event of 30 "Military Forces of
# ..." names: 7 s -> 4 ms at 1M events); past it, the look-up stays inside the query
MAX_LISTED_ACTOR_NAMES = 200


# a text held by at most this many events in SQLite's text index is looked up first and its
# events listed in the query by rowid: a page's count and look-up then take them from the list,
# not each from the index again (a town's name at 1M events: 18-20 -> 11-12 ms a page)
MAX_LISTED_TEXT_ROWS = 1_000
# a text held by more, whose other parts match fewer than PROBE_TEXT_UNDER events, is met with
# them: when the text has at most GATHERED_TEXT_ROWS matches, both are gathered (a JSON array
# each) and met in Python, and the events holding both, if MAX_LISTED_TEXT_ROWS or fewer, are
# listed as a rare text's are. Otherwise the text is only probed (`_sqlite_text_match`'s
# `probe`): SQLite reads the other parts' index and checks each event against the text's
# matches. Before, it read the row of every match to check the other parts (a big city's name in
# one month with deaths at 1M events: 16,000 rows, 59-70 ms a page; probed 32-35, met 21-22)
PROBE_TEXT_UNDER = 20_000
GATHERED_TEXT_ROWS = 100_000


class FilterClauses(list):
    """`filter_clauses`: the WHERE clauses, and what was looked up to write them. `text_matches`:
    how many events hold the text in SQLite's text index, up to MAX_LISTED_TEXT_ROWS + 1 (None: no
    text looked up there); `actor_names`: the names holding the actor text, when listed."""

    def __init__(
        self,
        clauses: list[Any],
        *,
        text_matches: int | None = None,
        text_probed: bool = False,
        probing: Callable[[], FilterClauses] | None = None,
        actor_names: list[str] | None = None,
    ) -> None:
        super().__init__(clauses)
        self.text_matches = text_matches
        self.actor_names = actor_names
        self.text_probed = text_probed  # the text only probed: its other parts match few events
        self._probing = probing

    def probing_text(self) -> FilterClauses:
        """The same clauses with the text only probed, when its matches are not listed (else these)."""
        return self._probing() if self._probing is not None else self


def filter_clauses(store: Any, flt: EventFilter | None) -> FilterClauses:
    """`flt`'s WHERE clauses on `store`'s events table, served by its indexes, with the actor
    names holding the actor text (`MAX_LISTED_ACTOR_NAMES`) and SQLite's events holding the text
    (`MAX_LISTED_TEXT_ROWS`) found first. On SQLite, when no event is rejected, the default filter
    does not ask each row whether it is: a count then reads no row (1M events: 1.4-3.0 -> 0.3-0.4
    ms for the first thousand of a country's). Not on PostgreSQL: a count that needs no row there
    is planned as a read of a whole plain-column index, filtering lower() of each value (a
    region's first thousand: 6 -> 330 ms)."""
    flt = flt or EventFilter()
    if flt.review is None and store.dialect == "sqlite" and not _any_rejected(store):
        flt = replace(flt, review="all")
    actor_names = _listed_actor_names(store, flt)
    text_rowids = _text_rowids(store, flt, up_to=MAX_LISTED_TEXT_ROWS)
    many = text_rowids is not None and len(text_rowids) > MAX_LISTED_TEXT_ROWS
    listed, probe = _common_text_plan(store, flt, actor_names) if many else (text_rowids, False)

    def written(probe: bool) -> FilterClauses:
        clauses = flt.clauses(
            dialect=store.dialect, actor_names=actor_names, text_rowids=listed, text_probe=probe
        )
        probing = (lambda: written(True)) if listed is None and many and not probe else None
        matches = None if text_rowids is None else len(text_rowids)
        return FilterClauses(
            clauses, text_matches=matches, text_probed=probe, probing=probing, actor_names=actor_names
        )

    return written(probe)


def _listed_actor_names(store: Any, flt: EventFilter) -> list[str] | None:
    """The actor names holding `flt`'s actor text, when at most MAX_LISTED_ACTOR_NAMES (else None)."""
    if not flt.actor:
        return None
    names = _names_holding(s.actor_names.c.name, _actor_like(flt.actor))
    with store.engine.connect() as conn:
        found = [r[0] for r in conn.execute(names.limit(MAX_LISTED_ACTOR_NAMES + 1))]
    return found if len(found) <= MAX_LISTED_ACTOR_NAMES else None


def _common_text_plan(
    store: Any, flt: EventFilter, actor_names: list[str] | None
) -> tuple[ListedRowids | None, bool]:
    """For a text held by more than MAX_LISTED_TEXT_ROWS events: the events holding it among
    the few its other parts match, when they can be listed; else None, and whether the text is
    to be probed (its other parts match few events)."""
    others = _rowids_of_others(store, flt, actor_names)
    if others is None:
        return None, False
    both = _holding_text_among(store, flt, others)
    return (both, False) if both is not None else (None, True)


def _text_rowids(store: Any, flt: EventFilter, *, up_to: int) -> ListedRowids | None:
    """SQLite: the rowids of the events holding `flt`'s text, from the text index, up to
    `up_to` + 1 (None: no text, or not looked up in that index)."""
    if not _indexed_text(store.dialect, flt.q):
        return None
    return _listed(store, _sqlite_text_rows(flt.q or "", TEXT_COLUMNS).limit(up_to + 1).subquery())


def _listed(store: Any, rows: Any) -> ListedRowids:
    """The rowids `rows` select, as one JSON array: a row each costs 2.5 ms a thousand through
    SQLAlchemy, the array 0.1."""
    query = sa.select(sa.func.json_group_array(rows.c.rowid), sa.func.count())
    with store.engine.connect() as conn:
        array, count = conn.execute(query).one()
    return ListedRowids(array, int(count))


@dataclass(frozen=True, slots=True)
class ListedRowids:
    """Rowids of events as a JSON array (one bound value, not one per rowid), and how many."""

    array: str
    count: int

    def __len__(self) -> int:
        return self.count

    def values(self) -> set[int]:
        return set(json.loads(self.array))


def _rowids_of_others(store: Any, flt: EventFilter, actor_names: list[str] | None) -> set[int] | None:
    """The rowids of the events that `flt`'s parts other than its text select, when fewer than
    PROBE_TEXT_UNDER (read from their indexes); else, or with no other part, None."""
    others = replace(flt, q=None)
    if replace(others, review=None) == EventFilter():
        return None
    where = others.clauses(dialect=store.dialect, actor_names=actor_names)
    found = _listed(
        store,
        sa.select(_events_rowid.label("rowid"))
        .select_from(s.events)
        .where(*where)
        .limit(PROBE_TEXT_UNDER)
        .subquery(),
    )
    return found.values() if len(found) < PROBE_TEXT_UNDER else None


def _holding_text_among(store: Any, flt: EventFilter, rowids: set[int]) -> ListedRowids | None:
    """Those of `rowids` whose events hold `flt`'s text, when at most MAX_LISTED_TEXT_ROWS and the
    text's matches are at most GATHERED_TEXT_ROWS (gathered from the text index and met in
    Python); else None."""
    text = _text_rowids(store, flt, up_to=GATHERED_TEXT_ROWS)
    if text is None or len(text) > GATHERED_TEXT_ROWS:
        return None
    both = sorted(rowids & text.values())
    return ListedRowids(json.dumps(both), len(both)) if len(both) <= MAX_LISTED_TEXT_ROWS else None


def _any_rejected(store: Any) -> bool:
    """Whether an analyst has rejected any event (from the partial index of migration 19)."""
    # the value written into the query, not bound: SQLite uses a partial index only for a WHERE
    # it can see implies the index's own
    rejected = s.events.c.review_status == sa.literal_column("'rejected'")
    q = sa.select(sa.literal(1)).select_from(s.events).where(rejected).limit(1)
    with store.engine.connect() as conn:
        return conn.execute(q).first() is not None


def _actor_like(actor: str) -> str:
    return f"%{_escape_like(actor.strip().lower())}%"


def _any_holds(columns: Sequence[Any], text: str, like_ignores_case: bool) -> Any:
    """One of `columns` holds `text`, case-insensitively (the plain clause)."""
    like = f"%{_escape_like(text.strip().lower())}%"
    fold = like_ignores_case and like.isascii()
    return sa.or_(*[(col if fold else sa.func.lower(col)).like(like, escape="\\") for col in columns])


def _names_holding(column: Any, like: str) -> Any:
    """The actor names (`column` of actor_names) holding the text of `like`."""
    return sa.select(column).where(s.actor_names.c.name.like(like, escape="\\"))


def _actor_in(names: list[str] | Any) -> Any:
    """The events with one of these (lower-case) names, listed or a query's, on either side: one
    look-up per actor index."""
    if isinstance(names, list) and not names:
        return sa.false()
    c = s.events.c
    return sa.or_(sa.func.lower(c.actor1).in_(names), sa.func.lower(c.actor2).in_(names))


def _actor_lookup(dialect: str, like: str) -> Any:
    """The events with an actor name holding the text: the names found in actor_names (a few
    thousand, not a million events), then their events through the actor indexes. The same events
    as the plain clauses: every actor name is in actor_names (migration 16)."""
    # SQLite: the names without their column's text affinity (unary +), or the comparison with
    # lower(actor) cannot use the index on that expression
    name = sa.literal_column("+actor_names.name") if dialect == "sqlite" else s.actor_names.c.name
    names = _names_holding(name, like)
    if dialect != "postgresql":
        return _actor_in(names)
    # PostgreSQL cannot read an index for an OR of two IN (subquery): each column is looked up on
    # its own and the events are those of either
    found = s.events.alias("actor_events")
    either = sa.union(
        *(
            sa.select(found.c.event_id).where(sa.func.lower(found.c[a]).in_(names))
            for a in ("actor1", "actor2")
        )
    )
    return s.events.c.event_id.in_(either)


def _indexed_text(dialect: str | None, text: str | None) -> bool:
    """Whether a text filter is looked up in SQLite's trigram index (three characters or more)."""
    return dialect == "sqlite" and bool(text) and len((text or "").strip()) >= TRIGRAM


def _sqlite_text_match(text: str, columns: tuple[str, ...], *, probe: bool = False) -> Any:
    """Events with `text` in one of `columns`, case-insensitively, from the trigram index: a phrase
    of the text's trigrams matches where the text occurs, as LIKE '%text%' does (the index folds
    case beyond ASCII too, as PostgreSQL's lower() does). `probe`: the matches are only looked up
    in, not looked up by (unary +), so SQLite walks an index in the page's order and stops at the
    page: for a text with many matches (a big city's name at 1M events, 20-30 -> 5 ms a page),
    not for a rare one (its few matches, each read and then sorted, are fewer rows)."""
    rowid = sa.literal_column("+events.rowid") if probe else _events_rowid
    return rowid.in_(_sqlite_text_rows(text, columns))


def text_folds_beyond_ascii(dialect: str, flt: EventFilter) -> bool:
    """SQLite: whether `flt`'s text has non-ASCII letters and is looked up in the text index
    (three characters or more), so a LIKE on lower() would not fold its case as the index does.
    An ASCII text folds alike either way, and LIKE over a window is cheaper than gathering every
    match of a common word from the index (a big city's name: 7 against 17 ms)."""
    return _indexed_text(dialect, flt.q) and not (flt.q or "").isascii()


def window_clauses_with_indexed_text(flt: EventFilter, columns: Any) -> list[Any]:
    """SQLite: `flt`'s plain clauses on the events' `columns` for a window, the text only probed
    in the text index (`text_folds_beyond_ascii`), so the window is still walked in its order.
    The window's LIKE did not fold non-ASCII letters (SQLite's lower() folds ASCII only):
    "ÜBERLINGEN" was missed for "überlingen", which the index and PostgreSQL find."""
    rest = replace(flt, q=None).clauses(columns, like_ignores_case=True)
    return [*rest, _sqlite_text_match(flt.q or "", TEXT_COLUMNS, probe=True)]


def _json_values(array: str) -> Any:
    """SQLite: the values of a JSON array, as a subquery."""
    return sa.select(sa.column("value")).select_from(sa.func.json_each(array))


def _sqlite_text_rows(text: str, columns: tuple[str, ...]) -> Any:
    phrase = '"' + text.strip().lower().replace('"', '""') + '"'
    query = f"{{{' '.join(columns)}}} : {phrase}"
    return sa.select(_events_text.c.rowid).where(_events_text.c.events_text.op("MATCH")(query))


def text_alone_count(store: Any, flt: EventFilter, where: FilterClauses, cap: int) -> int | None:
    """When `where` (`filter_clauses` of `flt`) is a SQLite text match and nothing else, how many
    events match, up to cap + 1: from the events listed for the text when they are all or more
    than the cap, else counted in the text index up to the cap (through the events every match
    was gathered first: a big city's name at 1M events, 15-25 ms for the first thousand, 1-6 ms
    from the index). Otherwise None."""
    alone = replace(flt, q=None, review=None) == EventFilter() and len(where) == 1
    if not alone or where.text_matches is None:
        return None
    if where.text_matches <= MAX_LISTED_TEXT_ROWS or cap < where.text_matches:
        return min(where.text_matches, cap + 1)
    rows = _sqlite_text_rows(flt.q or "", TEXT_COLUMNS).limit(cap + 1).subquery()
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(rows)).scalar_one())


def actor_alone_count(store: Any, flt: EventFilter, where: FilterClauses, cap: int) -> int | None:
    """PostgreSQL, when `flt` is an actor (its names listed in `where`) and nothing else but a
    review state in the events' columns: how many events match, up to cap + 1, read side by side
    from the two actor indexes alone (migration 26): first those naming the actor first, then those
    naming it second and not first. Written as one OR, the count walked the deadliest-first index
    testing each entry (a country's police force at 1M events: 17-22 -> 0.6-1 ms). Otherwise None."""
    alone = replace(flt, actor=None, review=None) == EventFilter() and flt.review != "flagged"
    if store.dialect != "postgresql" or not alone or not where.actor_names:
        return None
    c, names = s.events.c, where.actor_names
    review = replace(flt, actor=None).clauses(dialect=store.dialect)
    first = sa.func.lower(c.actor1).in_(names)
    second = sa.and_(sa.func.lower(c.actor2).in_(names), sa.not_(sa.func.coalesce(first, sa.false())))
    sides = [sa.select(sa.literal(1)).where(side, *review).limit(cap + 1) for side in (first, second)]
    both = sa.union_all(*sides).subquery()
    q = sa.select(sa.func.count()).select_from(sa.select(both).limit(cap + 1).subquery())
    with store.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


RTREE_MIN_DEGREES = 10.0  # narrower boxes are read faster from the (longitude, latitude, date) b-tree


def uses_box_index(box: tuple[float, float, float, float]) -> bool:
    """Whether the box index serves this box. A box a few degrees wide is a short range of the
    b-tree on (longitude, latitude, event_date, event_id); a wider box is a long range of it, which
    the R*Tree or GiST index narrows by latitude. SQLite: that b-tree also gives the newest first
    without reading rows (bench/api_latency.py at a million events: 25 ms of server CPU against 150
    through the R*Tree). PostgreSQL estimates any box at a fixed share of the rows, so it took the
    GiST index even for a box with 55,000 events in it, and checked each row; on the plain columns
    it plans from their statistics (a 2x2-degree box's page 33-38 -> 14-15 ms; with a type and a
    date, 70 -> 44 ms)."""
    return box[2] - box[0] >= RTREE_MIN_DEGREES


MAX_BOX_CELLS = 121  # the cells of a box under RTREE_MIN_DEGREES wide and as tall


def box_cells_lookup(dialect: str, box: tuple[float, float, float, float]) -> list[Any]:
    """A narrow box's one-degree cells (`schema.BOX_CELL`), which the index on (cell, event_date)
    answers (migration 25), as a list of one test, true of every event inside `box`: the exact
    test on the columns goes beside it. No test for a box of more than MAX_BOX_CELLS cells (a
    narrow but tall one). On the (longitude, latitude) b-tree, a box was a band of longitude
    around the world, read until enough of its events were in the box: at 1M events a 4x4-degree
    box with a type and a date was counted in 6.2 ms, by its cells in 1.2; its newest page,
    20 -> 0.4 ms."""
    min_lon, min_lat, max_lon, max_lat = box
    # the database's own rounding to a cell, applied to the bounds: it never decreases, so every
    # position between the bounds falls in a cell between theirs
    cut = s.BOX_CELL_ROUNDING[dialect]
    rows = range(cut(min_lat + 90), cut(max_lat + 90) + 1)
    columns = range(cut(min_lon + 180), cut(max_lon + 180) + 1)
    if len(rows) * len(columns) > MAX_BOX_CELLS:
        return []
    cells = [row * s.BOX_CELL_COLUMNS + column for row in rows for column in columns]
    if dialect == "postgresql":  # its cells are floats, compared as such
        return [sa.literal_column(s.BOX_CELL[dialect], sa.Float).in_([float(cell) for cell in cells])]
    return [sa.literal_column(s.BOX_CELL[dialect], sa.Integer).in_(cells)]


def box_lookup(dialect: str, box: tuple[float, float, float, float]) -> Any:
    """A test that only the box index can answer, true of every event inside `box` (and of few
    others): the exact test on the columns goes beside it."""
    min_lon, min_lat, max_lon, max_lat = box
    c = s.events.c
    if dialect == "sqlite":
        b = _events_box.c
        inside = sa.select(b.id).where(
            b.max_lon >= min_lon - BOX_SLACK, b.min_lon <= max_lon + BOX_SLACK,
            b.max_lat >= min_lat - BOX_SLACK, b.min_lat <= max_lat + BOX_SLACK,
        )  # fmt: skip
        return _events_rowid.in_(inside)
    corner = sa.func.point
    return sa.func.point(c.longitude, c.latitude).op("<@")(
        sa.func.box(corner(min_lon, min_lat), corner(max_lon, max_lat))
    )


def mention_columns() -> SimpleNamespace:
    """A mention's filtered fields under the events table's column names: the mentions table's
    own columns where it has them, the rest read from its stored record."""
    m = s.mentions.c
    text = {name: m.data[name].as_string() for name in _MENTION_TEXT_FIELDS}
    # what a mention's event says of its review state (None: no event yet)
    of_event = {
        name: sa.select(s.events.c[name]).where(s.events.c.event_id == m.event_id).scalar_subquery()
        for name in ("review_status", "needs_review")
    }
    return SimpleNamespace(
        event_date=m.event_date, country=m.country, event_type=m.event_type, **text,
        longitude=m.data["longitude"].as_float(), latitude=m.data["latitude"].as_float(),
        fatalities=m.data["fatalities"].as_integer(), **of_event,
        independent_source_count=sa.literal(1),  # a mention is one article's report
    )  # fmt: skip


_MENTION_TEXT_FIELDS = ("iso3", "admin1", "sub_event_type", "actor1", "actor2", "location", "notes")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def sort_fields(sort: str | None) -> list[tuple[str, bool]]:
    """'-event_date,fatalities' -> [(column, descending)], each field checked (a W040 error
    naming a field that is not sortable or is given twice)."""
    parts = [p.strip() for p in (sort or "event_date").split(",") if p.strip()]
    if len(parts) > len(SORTABLE):  # each field once at most: more is no order, only a long query
        raise WirewatchError(
            errors.BAD_OPTION, f"sort: {len(parts):,} fields given, at most {len(SORTABLE)} (each once)"
        )
    fields: list[tuple[str, bool]] = []
    seen: set[str] = set()
    for part in parts:
        name = part.lstrip("-+")
        if name not in SORTABLE:
            shown = name if len(name) <= 40 and name.isprintable() else repr(name[:40])
            raise WirewatchError(
                errors.BAD_OPTION, f"sort '{shown}': expected one of {', '.join(sorted(SORTABLE))}"
            )
        if name in seen:
            raise WirewatchError(errors.BAD_OPTION, f"sort '{name}': given twice")
        seen.add(name)
        fields.append((SORTABLE[name], part.startswith("-")))
    return fields


def order_by(sort: str | None, columns: Any = None) -> list[Any]:
    """'-event_date' / 'fatalities' -> ORDER BY with NULLs last and event_id as the tie-breaker
    (in the direction of the first key, so an index on (column, event_id) serves it), the same
    order in SQLite and PostgreSQL. On the events table, or on `columns` named as its are."""
    c = s.events.c if columns is None else columns
    fields = sort_fields(sort)
    keys = [(c[name].desc() if desc else c[name].asc()).nulls_last() for name, desc in fields]
    first_desc = bool(fields) and fields[0][1]
    keys.append(c.event_id.desc() if first_desc else c.event_id.asc())
    return keys
