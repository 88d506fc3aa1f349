"""Database schema and migrations (SQLite and PostgreSQL through SQLAlchemy Core).

Each table keeps the columns we filter or join on as real columns and the whole
record as JSON in `data`, so adding a record field needs no migration, while a new
filterable column does: append a migration to MIGRATIONS, never edit an old one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

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
    sa.Column("status", sa.String(16)),  # running | finished | interrupted (v11)
    sa.Column("host", sa.String(255)),  # where the run's process ran (v11)
    sa.Column("pid", sa.Integer),  # its process id there, to tell a live run from a killed one (v11)
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
    sa.Column("extract_attempts", sa.Integer, nullable=False, server_default="0"),  # unfinished (v11)
    sa.Column("extract_skipped", sa.Text),  # why extraction skipped it: "W053: ..." (v11)
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


# every actor name the events have (lower case, as the filters compare them): the actor filter finds
# the names holding its text here (a few thousand names, not a million events), then their events
# through the actor indexes (migration 16)
actor_names = sa.Table("actor_names", metadata, sa.Column("name", sa.Text, primary_key=True))

# events that lost a mention since fusion last saw them (an article re-extracted or skipped, a
# mention moved to another story): the next pass re-fuses them, then forgets them (migration 18)
stale_events = sa.Table("stale_events", metadata, sa.Column("event_id", sa.String(32), primary_key=True))


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


def _create_event_indexes(conn: sa.Connection, indexes: dict[str, str]) -> None:
    """CREATE INDEX IF NOT EXISTS on events for each name: its columns (or expressions)."""
    for name, columns in indexes.items():
        conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {name} ON events ({columns})")


def _event_filter_indexes_v2(conn: sa.Connection) -> None:
    _create_event_indexes(conn, _EVENT_FILTER_INDEXES)


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
    _create_event_indexes(
        conn,
        {
            "ix_events_type_toll": "lower(event_type), fatalities",
            "ix_events_box_date": "longitude, latitude, event_date, event_id",
        },
    )


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
    """Events fused before migration 8: the fields their sources disagree on, for the review queue.

    An event with fewer than two sources has nothing to disagree on: those (most events) are
    set in one statement, the JSON read by the database. The others are read a chunk at a time and
    written back with one statement per chunk (a 1M-event database took over ten minutes with
    one statement per event)."""
    from wirewatch.records import Event
    from wirewatch.review.overlay import disputed_fields

    sources = (
        "json_array_length(data -> 'sources')"
        if conn.dialect.name == "postgresql"
        else "json_array_length(data, '$.sources')"
    )
    conn.execute(sa.text(
        "UPDATE events SET disputed_count = 0, needs_review = :no "
        f"WHERE disputed_count IS NULL AND COALESCE({sources}, 0) < 2"
    ), {"no": False})  # fmt: skip
    ids = [r[0] for r in conn.execute(sa.select(events.c.event_id).where(events.c.disputed_count.is_(None)))]
    update = (
        events.update()
        .where(events.c.event_id == sa.bindparam("id_"))
        .values(disputed_count=sa.bindparam("count_"), needs_review=False, data=sa.bindparam("data_"))
    )
    for start in range(0, len(ids), 500):  # a chunk of records in memory at a time
        chunk = ids[start : start + 500]
        disputed, agreed = [], []
        for event_id, data in conn.execute(
            sa.select(events.c.event_id, events.c.data).where(events.c.event_id.in_(chunk))
        ).all():
            event = Event.from_dict(dict(data))
            event.disputed_fields = disputed_fields(event)
            if event.disputed_fields:  # the record says which: it is rewritten
                disputed.append(
                    {"id_": event_id, "count_": len(event.disputed_fields), "data_": event.to_dict()}
                )
            else:  # an empty list is what an older record means already
                agreed.append(event_id)
        if disputed:
            conn.execute(update, disputed)
        if agreed:
            conn.execute(
                events.update()
                .where(events.c.event_id.in_(agreed))
                .values(disputed_count=0, needs_review=False)
            )


def _review_and_watch_v8(conn: sa.Connection) -> None:
    # corrections and the watch state are new tables; events carry their review state in columns
    # the filters and the review queue read, history rows say who made a correction and why
    metadata.create_all(conn, tables=[corrections, watch_sources, watch_seen], checkfirst=True)
    _add_missing_columns(conn, events, ["review_status", "needs_review", "disputed_count"])
    _add_missing_columns(conn, event_history, ["author", "reason"])
    _backfill_disputed(conn)  # before the review index, which its updates need not maintain
    conn.execute(
        sa.text("CREATE INDEX IF NOT EXISTS ix_events_review ON events (needs_review, review_status)")
    )
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
    _create_event_indexes(
        conn,
        {
            "ix_events_map": "longitude, latitude, event_type, fatalities, event_id",
            "ix_events_day_type": "event_date, event_type, fatalities",
            "ix_events_country_admin1": "country, admin1, iso3",
            "ix_events_type_sub": "event_type, sub_event_type",
        },
    )


def _add_columns(conn: sa.Connection, table: str, columns: dict[str, str]) -> None:
    """ALTER TABLE ADD COLUMN for each column the table lacks (a new database has them from v1)."""
    have = {c["name"] for c in sa.inspect(conn).get_columns(table)}
    for name, ddl in columns.items():
        if name not in have:
            conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}"))


def _hardening_v11(conn: sa.Connection) -> None:
    # an article's unfinished extraction attempts (a run killed on it) and why it was skipped;
    # a run's status and process, so the next run can tell a killed run from a live one
    _add_columns(
        conn, "articles", {"extract_attempts": "INTEGER NOT NULL DEFAULT 0", "extract_skipped": "TEXT"}
    )
    _add_columns(conn, "runs", {"status": "VARCHAR(16)", "host": "VARCHAR(255)", "pid": "INTEGER"})
    conn.execute(
        sa.text("UPDATE runs SET status = 'finished' WHERE finished_at IS NOT NULL AND status IS NULL")
    )


# -- migration 14: text and map-box indexes ---------------------------------------------------------
# SQLite: an FTS5 table with the trigram tokenizer over the four text columns the text and actor
# filters search (a phrase of trigrams finds any substring of three or more characters, so the
# filters keep their "part of" meaning), and an R*Tree of event positions for map boxes. Both are
# keyed by the events table's rowid and kept in step with it by triggers, so every write path
# (upserts, deletes, bulk inserts) updates them.
TEXT_COLUMNS = ("notes", "location", "actor1", "actor2")
# the most UTF-8 bytes an event's free-text columns hold (the record in `data` keeps them whole):
# PostgreSQL's b-tree indexes hold them (the covering, newest-first and actor indexes), and refuse
# an entry over 2,704 bytes, with it the write of a whole fusion pass (a 3,000-letter actor name)
INDEXED_TEXT_BYTES = {"notes": 1000, "location": 300, "actor1": 300, "actor2": 300}

_SQLITE_TEXT_TRIGGERS = {
    "events_text_insert": "AFTER INSERT ON events BEGIN {insert} END",
    "events_text_delete": "AFTER DELETE ON events BEGIN {delete} END",
    "events_text_update": "AFTER UPDATE OF notes, location, actor1, actor2 ON events BEGIN {delete} {insert} END",
}
_SQLITE_BOX_TRIGGERS = {
    "events_box_insert": "AFTER INSERT ON events BEGIN {insert} END",
    "events_box_delete": "AFTER DELETE ON events BEGIN {delete} END",
    "events_box_update": "AFTER UPDATE OF longitude, latitude ON events BEGIN {delete} {insert} END",
}


def _create_triggers(conn: sa.Connection, triggers: dict[str, str], insert: str, delete: str) -> None:
    """The triggers that keep an index table in step with events, each body given its statements."""
    for name, body in triggers.items():
        conn.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS {name} " + body.format(insert=insert, delete=delete)
        )


def _sqlite_text_index(conn: sa.Connection) -> None:
    cols = ", ".join(TEXT_COLUMNS)
    conn.exec_driver_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS events_text USING fts5({cols}, content='events', "
        "content_rowid='rowid', tokenize='trigram')"
    )
    conn.exec_driver_sql("INSERT INTO events_text(events_text) VALUES ('rebuild')")
    new = ", ".join(f"new.{c}" for c in TEXT_COLUMNS)
    old = ", ".join(f"old.{c}" for c in TEXT_COLUMNS)
    insert = f"INSERT INTO events_text (rowid, {cols}) VALUES (new.rowid, {new});"
    delete = f"INSERT INTO events_text (events_text, rowid, {cols}) VALUES ('delete', old.rowid, {old});"
    _create_triggers(conn, _SQLITE_TEXT_TRIGGERS, insert, delete)


def _sqlite_box_index(conn: sa.Connection) -> None:
    # an R*Tree stores 32-bit floats rounded outwards: look-ups widen the box a little and the exact
    # test on the columns follows (event_filter.py)
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS events_box USING rtree(id, min_lon, max_lon, min_lat, max_lat)"
    )
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO events_box SELECT rowid, longitude, longitude, latitude, latitude FROM events "
        "WHERE longitude IS NOT NULL AND latitude IS NOT NULL"
    )
    insert = (
        "INSERT OR REPLACE INTO events_box SELECT new.rowid, new.longitude, new.longitude, new.latitude, "
        "new.latitude WHERE new.longitude IS NOT NULL AND new.latitude IS NOT NULL;"
    )
    delete = "DELETE FROM events_box WHERE id = old.rowid;"
    _create_triggers(conn, _SQLITE_BOX_TRIGGERS, insert, delete)


def _postgresql_box_index(conn: sa.Connection) -> None:
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_events_point ON events USING gist (point(longitude, latitude))"
    )


def _text_and_box_indexes_v14(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        _sqlite_text_index(conn)
        _sqlite_box_index(conn)
    else:
        _postgresql_box_index(conn)


# -- migration 15: PostgreSQL trigram indexes; indexes for min_sources and fusion's candidates ------
TEXT_INDEX_KEY = "text_indexes"  # meta row: 'trigram', or why they are missing (PostgreSQL)


def postgresql_text_indexes(conn: sa.Connection) -> str | None:
    """pg_trgm GIN indexes on lower() of the text columns, which serve the filters' LIKE '%...%' as
    they are; None when made, else why not (pg_trgm cannot be created: the filters then scan)."""
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        return str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    for column in TEXT_COLUMNS:
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_events_{column}_trgm ON events USING gin (lower({column}) gin_trgm_ops)"
        )
    return None


def _filter_and_candidate_indexes_v15(conn: sa.Connection) -> None:
    _create_event_indexes(
        conn,
        {
            # "at least N independent sources", a type's, a region's or an ISO code's newest first
            "ix_events_sources_date": "independent_source_count, event_date, event_id",
            "ix_events_type_date": "lower(event_type), event_date, event_id",
            "ix_events_admin1_date": "lower(admin1), event_date, event_id",
            "ix_events_iso3_date": "iso3, event_date, event_id",
            # fusion's candidates: a country's events whose date window reaches the batch's
            "ix_events_country_window": "country, date_high, date_low, event_id",
            "ix_events_window": "date_high, date_low, event_id",
        },
    )
    # the few events without a date window, found without reading the dated ones
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_events_undated ON events (country, date_low, date_high, event_id) "
        "WHERE date_low IS NULL OR date_high IS NULL"
    )
    if conn.dialect.name == "postgresql":
        missing = postgresql_text_indexes(conn)
        value = "trigram" if missing is None else f"missing: {missing}"
        conn.execute(sa.text("DELETE FROM meta WHERE key = :k"), {"k": TEXT_INDEX_KEY})
        conn.execute(
            sa.text("INSERT INTO meta (key, value) VALUES (:k, :v)"), {"k": TEXT_INDEX_KEY, "v": value}
        )


# -- migration 16: actor names --------------------------------------------------------------------
_SQLITE_ACTOR_TRIGGERS = {
    "events_actor_names_insert": "AFTER INSERT ON events BEGIN {insert} END",
    "events_actor_names_update": "AFTER UPDATE OF actor1, actor2 ON events BEGIN {insert} END",
}
_POSTGRESQL_ACTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION events_actor_names() RETURNS trigger AS $$
BEGIN
    INSERT INTO actor_names (name)
    SELECT lower(a) FROM (VALUES (NEW.actor1), (NEW.actor2)) AS v(a) WHERE a IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$ LANGUAGE plpgsql
"""


def _actor_names_v16(conn: sa.Connection) -> None:
    # a name stays when its last event goes (it then finds nothing): deletes need no trigger
    metadata.create_all(conn, tables=[actor_names], checkfirst=True)
    _create_event_indexes(
        conn, {f"ix_events_{a}_date": f"lower({a}), event_date, event_id" for a in ("actor1", "actor2")}
    )
    every = "SELECT lower(actor1) FROM events WHERE actor1 IS NOT NULL UNION SELECT lower(actor2) FROM events WHERE actor2 IS NOT NULL"
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"INSERT OR IGNORE INTO actor_names (name) {every}")
        # NOT EXISTS, not OR IGNORE: a trigger's conflict clause gives way to the outer statement's
        # (an upsert of events would fail on a name already there)
        insert = " ".join(
            f"INSERT INTO actor_names (name) SELECT lower(new.{a}) WHERE new.{a} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM actor_names WHERE name = lower(new.{a}));"
            for a in ("actor1", "actor2")
        )
        _create_triggers(conn, _SQLITE_ACTOR_TRIGGERS, insert, "")
        return
    conn.exec_driver_sql(f"INSERT INTO actor_names (name) {every} ON CONFLICT DO NOTHING")
    conn.exec_driver_sql(_POSTGRESQL_ACTOR_FUNCTION)
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS events_actor_names ON events")
    conn.exec_driver_sql(
        "CREATE TRIGGER events_actor_names AFTER INSERT OR UPDATE OF actor1, actor2 ON events "
        "FOR EACH ROW EXECUTE FUNCTION events_actor_names()"
    )


# -- migration 17: newest-first indexes on PostgreSQL ---------------------------------------------
# Pages sort newest first with undated events last (DESC NULLS LAST, the same order in both
# databases). SQLite sorts NULLs first, so its ascending indexes read backwards give that order;
# a PostgreSQL index read backwards gives DESC NULLS FIRST, so it sorted every match instead (1M
# events: 1.9 s for the first page with no filter). These indexes hold the order itself.
_NEWEST_FIRST = {
    "ix_events_newest": "event_date DESC NULLS LAST, event_id DESC",
    "ix_events_country_newest": "lower(country), event_date DESC NULLS LAST, event_id DESC",
    "ix_events_iso3_newest": "iso3, event_date DESC NULLS LAST, event_id DESC",
    "ix_events_admin1_newest": "lower(admin1), event_date DESC NULLS LAST, event_id DESC",
    "ix_events_type_newest": "lower(event_type), event_date DESC NULLS LAST, event_id DESC",
    "ix_events_deadliest": "fatalities DESC NULLS LAST, event_id DESC",
}


def _newest_first_indexes_v17(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    _create_event_indexes(conn, _NEWEST_FIRST)


# -- migration 18: events that lost mentions, kept as they happen ---------------------------------
# Fusion found them by counting every event's linked articles on each pass (a scan: 0.4 s at
# 130k events); the store now records them when it unlinks a mention. The migration records the
# ones a database has now, by that count, once.
def _stale_events_v18(conn: sa.Connection) -> None:
    metadata.create_all(conn, tables=[stale_events], checkfirst=True)
    conn.exec_driver_sql(
        "INSERT INTO stale_events (event_id) SELECT e.event_id FROM events e LEFT JOIN "
        "(SELECT event_id, count(DISTINCT article_id) AS n FROM mentions WHERE event_id IS NOT NULL "
        "GROUP BY event_id) linked ON linked.event_id = e.event_id "
        "WHERE coalesce(linked.n, 0) != coalesce(e.source_count, 0)"
    )


# -- migration 19: the rejected events, indexed on their own ---------------------------------------
# Every filter leaves out the events an analyst rejected, which a SQLite count can only tell from
# each row. Rejections are rare: when there is none, the filters need not ask (`event_filter`), and
# this small partial index answers "is there any" at once.
def _rejected_index_v19(conn: sa.Connection) -> None:
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_events_rejected ON events (review_status) WHERE review_status = 'rejected'"
    )


# -- migration 20: filter indexes that hold what the other filters read ---------------------------
# A filter is served by the index of one of its parts (a type's events by date, say); its other
# parts were checked on each table row, and a row carries the whole record: the count of "this
# type since then in this box" read 90,000 rows for 939 matches (1M events: 105 ms). With the
# columns the filters compare kept in these indexes, SQLite checks them there and reads a row
# only for a match (1.5 ms). The leading columns and their order stay, so the sorts they serve
# stay. PostgreSQL combines its indexes instead; there only the window indexes widen.
_FILTERED_COLUMNS = (
    "country", "iso3", "admin1", "event_type", "sub_event_type", "actor1", "actor2", "longitude",
    "latitude", "fatalities", "independent_source_count", "review_status",
)  # fmt: skip
_WIDE_FILTER_INDEXES = {
    "ix_events_type_date": ("lower(event_type)", "event_date", "event_id"),
    "ix_events_sub_type_date": ("lower(sub_event_type)", "event_date", "event_id"),
    "ix_events_country_date": ("lower(country)", "event_date", "event_id"),
    "ix_events_iso3_date": ("iso3", "event_date", "event_id"),
    "ix_events_admin1_date": ("lower(admin1)", "event_date", "event_id"),
    "ix_events_sources_date": ("independent_source_count", "event_date", "event_id"),
    "ix_events_box_date": ("longitude", "latitude", "event_date", "event_id"),
    "ix_events_actor1_date": ("lower(actor1)", "event_date", "event_id"),
    "ix_events_actor2_date": ("lower(actor2)", "event_date", "event_id"),
    # the deadliest events, read first for a page sorted by toll (`events_query._walked`), from
    # the index alone unless a text is asked for
    "ix_events_fatalities_id": ("fatalities", "event_id", "event_date"),
}


def _columns_not_held(keys: Sequence[str], wanted: Sequence[str], *, expressions_hold: bool) -> list[str]:
    """The `wanted` columns an index on `keys` does not hold already. A key is a column, with a
    direction or not, or lower() of one: SQLite reads the expression's value from the index,
    PostgreSQL needs the column itself for an index-only read (`expressions_hold` False)."""
    held = {key.split()[0] for key in keys if "(" not in key}
    if expressions_hold:
        held |= {key.removeprefix("lower(").removesuffix(")") for key in keys if key.startswith("lower(")}
    return [c for c in dict.fromkeys(wanted) if c not in held]


# the same leading column alone: the planner took these for an equality with no date range, and
# checked the rest on the rows again; the wide indexes serve that look-up as well
_NARROWER_FILTER_INDEXES = (
    "ix_events_country_lower", "ix_events_admin1_lower", "ix_events_type_lower", "ix_events_sub_type_lower",
    "ix_events_iso3", "ix_events_lon_lat",
)  # fmt: skip


# PostgreSQL: the newest-first indexes (migration 17) with the compared columns beside their keys,
# so a page's window and a filter's count are read from the index alone (1M events, one process:
# the first page of a map box 69 -> 33 ms, a country's type in a month 42 -> 10 ms)
_WIDE_NEWEST_INDEXES = (
    "ix_events_newest", "ix_events_deadliest", "ix_events_country_newest", "ix_events_iso3_newest",
    "ix_events_admin1_newest", "ix_events_type_newest",
)  # fmt: skip


def _wide_filter_indexes_v20(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        for name in _WIDE_NEWEST_INDEXES:
            _postgresql_index_including(
                conn, name, _NEWEST_FIRST[name].split(", "), ("event_date", "fatalities")
            )
        return
    if conn.dialect.name != "sqlite":
        return
    for name in _NARROWER_FILTER_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    for name, lead in _WIDE_FILTER_INDEXES.items():
        _sqlite_index_holding(conn, name, lead)
    # the statistics for the new indexes: migration 21, which always follows, takes them


def _sqlite_index_holding(conn: sa.Connection, name: str, lead: Sequence[str]) -> None:
    """SQLite: index `name` made again on `lead` and then the filtered columns it does not hold
    already, so a filter's count and a window read it alone."""
    columns = ", ".join([*lead, *_columns_not_held(lead, _FILTERED_COLUMNS, expressions_hold=True)])
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    conn.exec_driver_sql(f"CREATE INDEX {name} ON events ({columns})")


def _postgresql_index_including(
    conn: sa.Connection, name: str, keys: list[str], beside: Sequence[str], *, leaving_out: Sequence[str] = ()
) -> None:
    """PostgreSQL: index `name` made again on `keys`, including the `beside` and filtered columns
    it does not hold already (but those `leaving_out`), so a filter's count and a window read it
    alone."""
    wanted = [c for c in (*beside, *_FILTERED_COLUMNS) if c not in leaving_out]
    held = ", ".join(_columns_not_held(keys, wanted, expressions_hold=False))
    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    conn.exec_driver_sql(f"CREATE INDEX {name} ON events ({', '.join(keys)}) INCLUDE ({held})")


def analyze_events(conn: sa.Connection, *, only: str | None = None) -> None:
    """SQLite: the query planner's statistics on events, from every index entry (1M events: 4
    CPU-s). A sample (`PRAGMA analysis_limit`) read each index's first thousand entries, all of one
    type or country, so every index looked as selective as the event id. SQLite then counted
    "protests in Yemen" through the narrow type-and-toll index, reading every protest's row,
    instead of through the country's index that holds the type (1M events: 62 -> 2 ms). `only`:
    of that one index (a new one), the others' statistics kept."""
    conn.exec_driver_sql("PRAGMA analysis_limit=0")
    conn.exec_driver_sql(f"ANALYZE {only or 'events'}")


def analyzed_rows(conn: sa.Connection) -> int | None:
    """SQLite: how many events there were when their statistics were taken (None: never)."""
    if not conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        return None
    stat = conn.exec_driver_sql(
        "SELECT max(CAST(stat AS INTEGER)) FROM sqlite_stat1 WHERE tbl = 'events'"
    ).scalar()
    return None if stat is None else int(stat)


# -- migration 21: the planner's statistics from every index entry --------------------------------
def _full_statistics_v21(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        analyze_events(conn)


# -- migration 22: PostgreSQL's box index holds what the other filters compare -------------------
# A narrow box is read from the plain longitude/latitude index (`event_filter.uses_box_index`);
# its count then fetched each row's review state from the table: 35-65 ms for a 2x2-degree box's
# first thousand when those pages are not cached (1M events), 1-2 ms when they are. With the
# compared columns included, the count was an index-only scan (but see migration 24). Migration
# 25 drops that index for the cells' one, so a database migrating past 22 no longer builds it.
def _wide_box_index_v22(conn: sa.Connection) -> None:
    """Superseded by migration 25 (which drops the index this made again)."""


# -- migration 23: SQLite's text index merged into one segment ----------------------------------
# FTS5 writes each transaction's entries as a new segment and merges them only in part, so a
# database filled over time holds a couple of dozen segments, each searched for every trigram
# of a text (25 at a million events). Merged into one, a text's look-up reads 2.4 times less:
# 4.0 -> 1.65 ms on average for the bench's city and town names, 10 CPU-s to merge at 1M events.
def merge_text_index(conn: sa.Connection) -> None:
    """SQLite: the text index's segments merged into one (FTS5's 'optimize')."""
    conn.exec_driver_sql("INSERT INTO events_text(events_text) VALUES ('optimize')")


def _merged_text_index_v23(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        merge_text_index(conn)


# -- migration 24: PostgreSQL's box index without the columns that place an event --------------
# Migration 22's box index held every filtered column, and so became the narrowest index that a
# count of any filter could read alone. PostgreSQL counted an actor's first thousand events through
# it, expecting them spread along its order; but an actor, a country or a region lies in one part
# of the map, far along a longitude order: a country's police force, 291,000 entries read, 214 ms
# (p95 450-520 ms with 8 clients at 1M events). Without those columns, such a count reads the
# deadliest-first index (17-19 ms), and a box's count still reads this one alone. Migration 25's
# cells' index, which replaces it, leaves the same columns out.
_PLACING_COLUMNS = ("country", "iso3", "admin1", "actor1", "actor2")


def _box_index_without_places_v24(conn: sa.Connection) -> None:
    """Superseded by migration 25 (which drops the index this made again)."""


# -- migration 25: a narrow box read by its one-degree cells ------------------------------------
# On the (longitude, latitude) b-trees a narrow box was a band of longitude around the world, read
# until enough of its events were in the box. An index on each event's one-degree cell and date
# holds a box's events together: it is looked up by the cells the box covers
# (`event_filter.box_cells_lookup`). It replaces SQLite's (longitude, latitude, event_date) index
# and PostgreSQL's box index (migrations 20, 22 and 24), whose columns it holds beside its keys.
BOX_CELL_COLUMNS = 360  # cells per row of latitude
# an event's cell as each database rounds it: SQLite's CAST goes toward zero, PostgreSQL's floor()
# is kept a float (a CAST could fail on a position far out of range, and the write with it)
_BOX_CELL_OF = {
    "sqlite": "(CAST({t}latitude + 90 AS INTEGER) * {n} + CAST({t}longitude + 180 AS INTEGER))",
    "postgresql": "(floor({t}latitude + 90) * {n} + floor({t}longitude + 180))",
}
BOX_CELL = {d: cell.format(t="events.", n=BOX_CELL_COLUMNS) for d, cell in _BOX_CELL_OF.items()}  # in queries
# the same rounding in Python, for the cells a box's bounds fall in
BOX_CELL_ROUNDING: dict[str, Callable[[float], int]] = {"sqlite": int, "postgresql": math.floor}


def _box_cell_index_v25(conn: sa.Connection) -> None:
    dialect = conn.dialect.name
    if dialect not in _BOX_CELL_OF:
        return
    keys = [_BOX_CELL_OF[dialect].format(t="", n=BOX_CELL_COLUMNS), "event_date", "event_id"]
    if dialect == "postgresql":
        _postgresql_index_including(
            conn,
            "ix_events_cell_date",
            keys,
            ("fatalities", "longitude", "latitude"),
            leaving_out=_PLACING_COLUMNS,
        )
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_events_lon_lat")
        conn.exec_driver_sql("ANALYZE events")  # the statistics of the cells, for the planner
        return
    _sqlite_index_holding(conn, "ix_events_cell_date", keys)
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_events_box_date")
    analyze_events(conn, only="ix_events_cell_date")


# -- migration 26: PostgreSQL's actor indexes hold what an actor's count reads -------------------
# An actor's count was planned as a walk of the deadliest-first index, testing each entry: a
# country's police force, about 30,000 entries for its first thousand (17-22 ms at 1M events). It
# is now written as one read per side (`event_filter.actor_alone_count`), each of an actor index
# alone when that index holds the review state and the actor columns themselves: PostgreSQL reads
# an index alone only when it holds the columns an expression is of, not lower() of them alone.
# The second side's read also tells whether the first side names the actor, so it holds actor1.
_ACTOR_INDEXES_HOLDING = {
    "ix_events_actor1_date": ("actor1", ("actor1", "review_status")),
    "ix_events_actor2_date": ("actor2", ("actor2", "actor1", "review_status")),
}


def _actor_indexes_holding_v26(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    for name, (column, held) in _ACTOR_INDEXES_HOLDING.items():
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        conn.exec_driver_sql(
            f"CREATE INDEX {name} ON events (lower({column}), event_date, event_id) INCLUDE ({', '.join(held)})"
        )
    conn.exec_driver_sql("ANALYZE events")  # an expression's statistics go with the index dropped


# -- migration 27: SQLite's type-by-toll index holds what the other filters compare ---------------
# A type with another part, sorted by toll, walked this index from the type's deadliest events,
# read each one's row to check the other part, and sorted each toll's events by id in a temporary
# b-tree: "the deadliest battles in Yemen" at 1M events, 16 ms of a 23.5 ms page. With the event
# id and date after the toll and the filtered columns beside them, the page takes 5.4 ms.
def _wide_type_toll_index_v27(conn: sa.Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    _sqlite_index_holding(
        conn, "ix_events_type_toll", ("lower(event_type)", "fatalities", "event_id", "event_date")
    )
    analyze_events(conn, only="ix_events_type_toll")


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
    (11, "extraction attempts per article; run status and process", _hardening_v11),
    (14, "text (FTS5 trigram) and map-box (R*Tree, GiST) indexes", _text_and_box_indexes_v14),
    (15, "trigram (PostgreSQL), min_sources and fusion candidate indexes", _filter_and_candidate_indexes_v15),
    (16, "actor names and the actor indexes", _actor_names_v16),
    (17, "newest-first indexes (PostgreSQL)", _newest_first_indexes_v17),
    (18, "events that lost mentions, recorded as it happens", _stale_events_v18),
    (19, "index of rejected events", _rejected_index_v19),
    (20, "filter and window indexes holding the filtered columns", _wide_filter_indexes_v20),
    (21, "the query planner's statistics from every index entry (SQLite)", _full_statistics_v21),
    (22, "box index holding the filtered columns (PostgreSQL)", _wide_box_index_v22),
    (23, "the text index merged into one segment (SQLite)", _merged_text_index_v23),
    (24, "box index without the columns that place an event (PostgreSQL)", _box_index_without_places_v24),
    (25, "a narrow box read by its one-degree cells", _box_cell_index_v25),
    (26, "actor indexes holding the review state and the actors (PostgreSQL)", _actor_indexes_holding_v26),
    (27, "type-by-toll index holding the filtered columns (SQLite)", _wide_type_toll_index_v27),
]

SCHEMA_VERSION = max(version for version, _desc, _fn in MIGRATIONS)

# Migrations merged after a higher-numbered one had reached users, each with how to tell whether a
# database (from before databases kept the list of their migrations) has had it.
LATE_MIGRATIONS: dict[int, Callable[[sa.Connection], bool]] = {
    8: lambda conn: sa.inspect(conn).has_table("corrections"),
}
