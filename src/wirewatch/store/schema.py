"""Database schema and migrations (SQLite and PostgreSQL through SQLAlchemy Core).

Each table keeps the columns we filter or join on as real columns and the whole
record as JSON in `data`, so adding a record field needs no migration, while a new
filterable column does: append a migration to MIGRATIONS, never edit an old one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

metadata = sa.MetaData()

meta = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)  # fmt: skip

runs = sa.Table(
    "runs", metadata,
    sa.Column("run_id", sa.String(32), primary_key=True),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),
    sa.Column("inputs", sa.JSON),
    sa.Column("summary", sa.JSON),
)  # fmt: skip

articles = sa.Table(
    "articles", metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("external_id", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("outlet", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("published_at", sa.String(40)),
    sa.Column("agency", sa.String(64)),
    sa.Column("language", sa.String(8)),
    sa.Column("story_id", sa.String(32), index=True),
    sa.Column("ingested_at", sa.String(40)),
    sa.Column("extracted_with", sa.String(64)),  # extractor version that produced its mentions
    sa.Column("data", sa.JSON, nullable=False),  # the whole Article record
)  # fmt: skip

input_problems = sa.Table(
    "input_problems", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(32), index=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("code", sa.String(8), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("fatal", sa.Boolean, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)  # fmt: skip

stories = sa.Table(
    "stories", metadata,
    sa.Column("story_id", sa.String(32), primary_key=True),
    sa.Column("canonical_article_id", sa.String(32), nullable=False),
    sa.Column("agency", sa.String(64)),
    sa.Column("first_seen", sa.String(40)),
    sa.Column("member_count", sa.Integer, nullable=False, default=1),
    sa.Column("data", sa.JSON, nullable=False),  # the whole Story record
)  # fmt: skip

# Dedup index: one row per article (signature) and one per (band, bucket) for LSH look-up.
dedup_signatures = sa.Table(
    "dedup_signatures", metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("text_hash", sa.String(40), nullable=False, index=True),
    sa.Column("shingle_count", sa.Integer, nullable=False),
    sa.Column("signature", sa.LargeBinary, nullable=False),
    sa.Column("story_id", sa.String(32), nullable=False, index=True),
)  # fmt: skip

dedup_bands = sa.Table(
    "dedup_bands", metadata,
    sa.Column("band_key", sa.BigInteger, nullable=False, index=True),  # band number and bucket hash, mixed
    sa.Column("article_id", sa.String(32), nullable=False),
    sa.UniqueConstraint("band_key", "article_id", name="uq_dedup_band"),
)  # fmt: skip

mentions = sa.Table(
    "mentions", metadata,
    sa.Column("mention_id", sa.String(32), primary_key=True),
    sa.Column("article_id", sa.String(32), nullable=False, index=True),
    sa.Column("event_id", sa.String(32), index=True),
    sa.Column("event_type", sa.String(64)),
    sa.Column("event_date", sa.String(10)),
    sa.Column("country", sa.String(80)),
    sa.Column("data", sa.JSON, nullable=False),  # the whole EventMention record
)  # fmt: skip

events = sa.Table(
    "events", metadata,
    sa.Column("event_id", sa.String(32), primary_key=True),
    sa.Column("event_date", sa.String(10), index=True),
    sa.Column("date_low", sa.String(10)),
    sa.Column("date_high", sa.String(10)),
    sa.Column("event_type", sa.String(64), index=True),
    sa.Column("sub_event_type", sa.String(64)),
    sa.Column("actor1", sa.Text),
    sa.Column("actor2", sa.Text),
    sa.Column("country", sa.String(80), index=True),
    sa.Column("iso3", sa.String(3)),
    sa.Column("admin1", sa.String(120)),
    sa.Column("location", sa.Text),
    sa.Column("latitude", sa.Float),
    sa.Column("longitude", sa.Float),
    sa.Column("fatalities", sa.Integer),
    sa.Column("source_count", sa.Integer),
    sa.Column("independent_source_count", sa.Integer),
    sa.Column("confidence", sa.Float),
    sa.Column("first_reported_at", sa.String(40)),
    sa.Column("updated_at", sa.String(40)),
    sa.Column("notes", sa.Text),
    # review state (migration 8): confirmed | rejected | None, flagged for a look, fields sources dispute
    sa.Column("review_status", sa.String(16)),
    sa.Column("needs_review", sa.Boolean),
    sa.Column("disputed_count", sa.Integer),
    sa.Column("data", sa.JSON, nullable=False),  # the whole Event record
)  # fmt: skip

event_history = sa.Table(
    "event_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(32), nullable=False, index=True),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("cause_article_id", sa.String(32)),
    sa.Column("action", sa.String(32), nullable=False),  # created|updated|merged|split|removed
    sa.Column("changes", sa.JSON, nullable=False),  # {field: [old, new]}
    sa.Column("author", sa.Text),  # who made a correction (migration 8); None for the machine
    sa.Column("reason", sa.Text),
)  # fmt: skip

# Analysts' corrections (migration 8): each with who, when and why; `data` is the whole record.
corrections = sa.Table(
    "corrections", metadata,
    sa.Column("correction_id", sa.String(32), primary_key=True),
    sa.Column("event_id", sa.String(32), nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),  # set|reject|confirm|merge|split
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),  # False once withdrawn
    sa.Column("data", sa.JSON, nullable=False),
)  # fmt: skip

# What `wirewatch watch` remembers between polls (migration 8): each source's validators and last
# poll, and the items (feed links, files) it has read.
watch_sources = sa.Table(
    "watch_sources", metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("polled_at", sa.String(40)),
    sa.Column("status", sa.Text),
)  # fmt: skip

watch_seen = sa.Table(
    "watch_seen", metadata,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("item", sa.Text, primary_key=True),
    sa.Column("signature", sa.Text),  # a file's size and mtime: a changed file is read again
    sa.Column("seen_at", sa.String(40), nullable=False),
)  # fmt: skip


def _create_v1(conn: sa.Connection) -> None:
    metadata.create_all(conn)


# Indexes for the event filters and sorts of exports and the API (plain DDL, valid in SQLite and
# PostgreSQL; lower() ones serve the case-insensitive filters).
_EVENT_FILTER_INDEXES = {
    "ix_events_date_id": "event_date, event_id",
    "ix_events_fatalities_id": "fatalities, event_id",
    "ix_events_lon_lat": "longitude, latitude",
    "ix_events_iso3": "iso3",
    "ix_events_country_lower": "lower(country)",
    "ix_events_admin1_lower": "lower(admin1)",
    "ix_events_type_lower": "lower(event_type)",
    "ix_events_sub_type_lower": "lower(sub_event_type)",
}


def _event_filter_indexes_v2(conn: sa.Connection) -> None:
    for name, columns in _EVENT_FILTER_INDEXES.items():
        conn.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))


def _event_cover_index_v3(conn: sa.Connection) -> None:
    # Every filterable column in one narrow index: counts and page look-ups scan it instead of
    # the table rows, which carry the whole record as JSON.
    conn.execute(sa.text(
        "CREATE INDEX IF NOT EXISTS ix_events_cover ON events (event_date, event_id, fatalities, country, "
        "iso3, admin1, event_type, sub_event_type, actor1, actor2, latitude, longitude, location, notes)"
    ))  # fmt: skip


def _compact_dedup_bands_v4(conn: sa.Connection) -> None:
    # Look-ups by band key are served by the unique (band_key, article_id) index, so the separate
    # band_key index goes; in SQLite the table becomes WITHOUT ROWID, storing each row once
    # (dedup index bytes per article).
    if conn.dialect.name != "sqlite":
        conn.execute(sa.text("DROP INDEX IF EXISTS ix_dedup_bands_band_key"))
        return
    inspector = sa.inspect(conn)
    if not inspector.has_table("dedup_bands_v4"):
        conn.execute(sa.text(
            "CREATE TABLE dedup_bands_v4 (band_key BIGINT NOT NULL, article_id VARCHAR(32) NOT NULL, "
            "PRIMARY KEY (band_key, article_id)) WITHOUT ROWID"
        ))  # fmt: skip
    if inspector.has_table("dedup_bands"):
        conn.execute(
            sa.text("INSERT OR IGNORE INTO dedup_bands_v4 SELECT band_key, article_id FROM dedup_bands")
        )
        conn.execute(sa.text("DROP TABLE dedup_bands"))
    conn.execute(sa.text("ALTER TABLE dedup_bands_v4 RENAME TO dedup_bands"))


def _mention_event_article_index_v5(conn: sa.Connection) -> None:
    # fusion finds events that lost an article's mentions (re-extraction) from this index alone
    conn.execute(
        sa.text("CREATE INDEX IF NOT EXISTS ix_mentions_event_article ON mentions (event_id, article_id)")
    )


def _event_type_toll_and_box_indexes_v6(conn: sa.Connection) -> None:
    # "Battles with at least N killed" and bbox pages answered from an index alone
    for name, columns in {
        "ix_events_type_toll": "lower(event_type), fatalities",
        "ix_events_box_date": "longitude, latitude, event_date, event_id",
    }.items():
        conn.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))


def _event_country_date_index_v7(conn: sa.Connection) -> None:
    # a country's newest page without sorting all of its events
    conn.execute(sa.text(
        "CREATE INDEX IF NOT EXISTS ix_events_country_date ON events (lower(country), event_date, event_id)"
    ))  # fmt: skip


def _add_missing_columns(conn: sa.Connection, table: sa.Table, names: list[str]) -> None:
    """ALTER TABLE ADD COLUMN for each of `names` the table lacks (a database made by
    `_create_v1` from today's metadata already has them)."""
    have = {c["name"] for c in sa.inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in have:
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.execute(sa.text(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind}"))


def _backfill_disputed(conn: sa.Connection) -> None:
    """Events fused before migration 8: the fields their sources disagree on, for the review queue."""
    from wirewatch.records import Event
    from wirewatch.review.overlay import disputed_fields

    ids = [r[0] for r in conn.execute(sa.select(events.c.event_id).where(events.c.disputed_count.is_(None)))]
    for start in range(0, len(ids), 500):  # a chunk of records in memory at a time
        chunk = ids[start : start + 500]
        for event_id, data in conn.execute(
            sa.select(events.c.event_id, events.c.data).where(events.c.event_id.in_(chunk))
        ).all():
            event = Event.from_dict(dict(data))
            event.disputed_fields = disputed_fields(event)
            conn.execute(
                events.update()
                .where(events.c.event_id == event_id)
                .values(disputed_count=len(event.disputed_fields), needs_review=False, data=event.to_dict())
            )


def _review_and_watch_v8(conn: sa.Connection) -> None:
    # corrections and the watch state are new tables; events carry their review state in columns
    # the filters and the review queue read, history rows say who made a correction and why
    metadata.create_all(conn, tables=[corrections, watch_sources, watch_seen], checkfirst=True)
    _add_missing_columns(conn, events, ["review_status", "needs_review", "disputed_count"])
    _add_missing_columns(conn, event_history, ["author", "reason"])
    conn.execute(
        sa.text("CREATE INDEX IF NOT EXISTS ix_events_review ON events (needs_review, review_status)")
    )
    _backfill_disputed(conn)
    # the covering index answers counts of the default listing (rejected events left out) alone
    conn.execute(sa.text("DROP INDEX IF EXISTS ix_events_cover"))
    conn.execute(sa.text(
        "CREATE INDEX ix_events_cover ON events (event_date, event_id, fatalities, country, iso3, admin1, "
        "event_type, sub_event_type, actor1, actor2, latitude, longitude, location, notes, review_status, "
        "independent_source_count)"
    ))  # fmt: skip


def _dashboard_indexes_v10(conn: sa.Connection) -> None:
    # the dashboard's aggregates answered from narrow indexes, without reading or sorting the rows:
    # map grid cells (longitude first: it also serves the map's view box), events per day by type,
    # and the filters' values (countries with their regions, types with their sub-types)
    for name, columns in {
        "ix_events_map": "longitude, latitude, event_type, fatalities, event_id",
        "ix_events_day_type": "event_date, event_type, fatalities",
        "ix_events_country_admin1": "country, admin1, iso3",
        "ix_events_type_sub": "event_type, sub_event_type",
    }.items():
        conn.execute(sa.text(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})"))


# (version, description, function). Append only.
MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "initial schema", _create_v1),
    (2, "indexes for event filters and sorts", _event_filter_indexes_v2),
    (3, "covering index for event filters", _event_cover_index_v3),
    (4, "compact dedup band index", _compact_dedup_bands_v4),
    (5, "mention index by event and article", _mention_event_article_index_v5),
    (6, "event indexes for type with toll, and map boxes", _event_type_toll_and_box_indexes_v6),
    (7, "event index for a country's newest events", _event_country_date_index_v7),
    (8, "review state of events, corrections, watch state", _review_and_watch_v8),
    (10, "event indexes for the dashboard's map, timeline and filter values", _dashboard_indexes_v10),
]

SCHEMA_VERSION = max(version for version, _desc, _fn in MIGRATIONS)

# Migrations merged after a higher-numbered one had reached users, each with how to tell whether a
# database (from before databases kept the list of their migrations) has had it.
LATE_MIGRATIONS: dict[int, Callable[[sa.Connection], bool]] = {
    8: lambda conn: sa.inspect(conn).has_table("corrections"),
}
