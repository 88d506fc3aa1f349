"""The Store: connection, migrations, and reads and writes of every record.

Library code and the CLI share it. Writes are idempotent (content-derived ids,
insert-or-ignore / upsert), so a rerun after an interrupted run finishes the work
with no duplicates.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from wirewatch import errors
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.records import Article, Event, EventMention, Record, Story
from wirewatch.safe_text import needs_repair, storable, valid_value
from wirewatch.store import schema as s


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def database_url(db: str) -> str:
    """A file path or SQLAlchemy URL -> SQLAlchemy URL (PostgreSQL through psycopg 3)."""
    if db.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + db.split("://", 1)[1]
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


_STREAM_ROWS = 100  # rows fetched at a time when a read streams many large records
IN_LIST_SIZE = 900  # bound parameters per IN (...) query, below SQLite's limit


def chunks(items: Sequence[Any], size: int = IN_LIST_SIZE) -> Iterator[Sequence[Any]]:
    """`items` in slices of `size` (for IN (...) lists and batched writes)."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _fields(record: Record) -> dict[str, Any]:
    """A record's fields, one level deep: json.dumps walks the rest (no deep copy first)."""
    return {name: getattr(record, name) for name in record.field_names()}


def _record_columns(table: sa.Table, record: type[Record]) -> tuple[str, ...]:
    """The table's columns that copy a field of the record (the whole record is in `data`)."""
    fields = set(record.field_names())
    return tuple(c.name for c in table.columns if c.name in fields)


def _json_default(value: Any) -> Any:
    if isinstance(value, Record):  # the same JSON as its to_dict
        return _fields(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class JSONText(str):
    """A record's JSON, made once: the engine's JSON serializer writes it as it is, where it
    decoded and encoded it again (two thirds of storing an article's record)."""


def _json_serializer(value: Any) -> str:
    return value if isinstance(value, JSONText) else json.dumps(value)


def _jsonable(record: Any) -> JSONText | dict[str, Any]:
    """The record as the JSON the database stores, for a `data` column: the same as
    `to_dict()`, made by one json.dumps of its fields (no deep copy first). Strings no database
    can hold (lone surrogates, NULs) are replaced (`safe_text`)."""
    return _storable_json(record)[0]


def _storable_json(record: Any) -> tuple[JSONText | dict[str, Any], int]:
    """`_jsonable` and how many characters it had to replace (the repaired record, decoded)."""
    if isinstance(record, Record):
        data = _fields(record)
    else:
        data = record.to_dict() if hasattr(record, "to_dict") else dict(record)
    dumped = json.dumps(data, default=_json_default, ensure_ascii=False)
    # one scan of the whole record; JSON writes a NUL as an escape, found as such
    if "\\u0000" not in dumped and not needs_repair(dumped):
        return JSONText(dumped), 0
    return valid_value(json.loads(dumped))


def _short_reason(exc: Exception) -> str:
    """A database error as one line for a user: the driver's message, never the SQL."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return text[:200]


@dataclass(slots=True)
class Stored:
    """What `Store.store_articles` did: how many were new, characters repaired per article, and
    articles the database refused (id -> reason), which the run reports and goes on without."""

    added: int = 0
    repaired: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)


_ARTICLE_COLUMNS = ("source", "external_id", "url", "outlet", "title", "published_at", "agency",
                    "language", "story_id")  # fmt: skip


def _fit_widths(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    """String values cut to their column's declared width (PostgreSQL refuses longer ones)."""
    for name, value in row.items():
        width = getattr(table.c[name].type, "length", None) if name in table.c else None
        if width and isinstance(value, str) and len(value) > width:
            row[name] = value[:width]
    return row


def event_row(event: Event) -> dict[str, Any]:
    """An event's row: its columns, cut to fit each column and the indexes that hold it
    (`schema.INDEXED_TEXT_BYTES`), and the whole record as `data`. Every write of events builds
    its rows here: fusion wrote its columns uncut, and PostgreSQL refused the pass's events."""
    row = {c: getattr(event, c) for c in Store._EVENT_COLUMNS}
    for name, most in s.INDEXED_TEXT_BYTES.items():
        encoded = row[name].encode("utf-8", "surrogatepass") if isinstance(row[name], str) else b""
        if len(encoded) > most:
            row[name] = encoded[:most].decode("utf-8", "ignore")  # between letters, never inside one
    return _fit_widths(s.events, row | {"event_id": event.event_id, "data": _jsonable(event)})


_HOST = socket.gethostname()


def _run_is_gone(host: str | None, pid: int | None) -> bool:
    """True when an unfinished run's process cannot still be running."""
    if host is None or pid is None:
        return True  # recorded before runs named their process: that version is not running now
    if host != _HOST:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # a live process of another user
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    """A process that ended and was not reaped yet (a killed child of a test's parent) is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except OSError:
        return False


class Store:
    def __init__(self, db: str, *, create: bool = True):
        self.db = db
        self.url = database_url(db)
        self.dialect = "postgresql" if self.url.startswith("postgresql") else "sqlite"
        if self.dialect == "sqlite":
            _check_sqlite_path(db, self.url.removeprefix("sqlite:///"), create=create)
        try:
            # SQLite: wait for another process's write (a migration, a run's commit) as long as a
            # migration may take on a loaded machine, rather than pysqlite's 5 seconds
            connect_args = {"timeout": 60} if self.dialect == "sqlite" else {}
            self.engine = sa.create_engine(
                self.url, future=True, connect_args=connect_args, json_serializer=_json_serializer
            )
            if self.dialect == "sqlite":
                sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self._check_is_ours()
            self.migrate()
        except sa.exc.ArgumentError as exc:
            raise WirewatchError(errors.DATABASE_ERROR, f"{db}: not a database path or URL ({exc})") from None
        except sa.exc.DBAPIError as exc:  # not a database, unreachable server, bad credentials, ...
            raise WirewatchError(
                errors.DATABASE_ERROR, f"{db}: cannot open database ({_one_line(exc.orig)})"
            ) from None
        except sa.exc.NoSuchModuleError as exc:
            raise WirewatchError(errors.DATABASE_ERROR, f"{db}: not a database path or URL ({exc})") from None

    # -- schema -----------------------------------------------------------------------------
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return _schema_version(conn)

    def _check_is_ours(self) -> None:
        """Refuse a database that holds another program's tables (no wirewatch schema), or one made
        by a newer wirewatch, before migrating anything into it."""
        with self.engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        version = self.schema_version() if "meta" in tables else 0
        if version == 0 and tables - set(s.metadata.tables):
            raise WirewatchError(
                errors.DATABASE_ERROR,
                f"{self.db}: not a wirewatch database (it holds other tables: {', '.join(sorted(tables)[:3])})",
            )
        if version > s.SCHEMA_VERSION:
            raise WirewatchError(
                errors.DATABASE_ERROR,
                f"{self.db}: made by a newer wirewatch (schema {version}; this one knows up to {s.SCHEMA_VERSION})",
            )

    def migrate(self) -> int:
        """Apply every migration the database has not had (`_migrate_pending`); returns the version
        reached. PostgreSQL: then make the trigram indexes if pg_trgm has become available."""
        version = self._migrate_pending()
        if self.dialect == "postgresql":
            self._check_text_indexes()
        return version

    def _migrate_pending(self) -> int:
        """Apply every migration the database has not had; returns the version reached.

        Migrations are applied by number, each once: a database keeps the list it has had (a
        migration merged after a higher-numbered one is applied too, see `_applied`). Two
        processes opening a new or older database at once must not both migrate it: each
        migration runs under a lock (SQLite: one IMMEDIATE transaction for all of them, DDL
        included; PostgreSQL: a transaction-level advisory lock), and what was applied is read
        again under that lock, so the second finds the work done."""
        with self.engine.connect() as conn:
            if not _pending(conn):
                return _schema_version(conn)
        if self.dialect == "sqlite":
            return self._migrate_sqlite()
        for version, _desc, fn in s.MIGRATIONS:
            with self.engine.begin() as conn:
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
                if version in dict(_pending(conn)):
                    self._apply(conn, version, fn)
        return self.schema_version()

    def _migrate_sqlite(self) -> int:
        # pysqlite commits DDL on its own; in autocommit mode with an explicit BEGIN IMMEDIATE the
        # whole migration is one transaction that holds the write lock (others wait, then re-read)
        private = ":memory:" in self.url or self.url == "sqlite://"  # no one else can open it
        engine = self.engine if private else sa.create_engine(
            self.url, connect_args={"isolation_level": None, "timeout": 120}, json_serializer=_json_serializer
        )  # fmt: skip
        if not private:
            sa.event.listen(engine, "connect", _sqlite_pragmas)
            sa.event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        try:
            with engine.begin() as conn:
                for version, fn in _pending(conn):
                    self._apply(conn, version, fn)
                return _schema_version(conn)
        finally:
            if not private:
                engine.dispose()

    def _apply(self, conn: sa.Connection, version: int, fn: Any) -> None:
        applied = sorted(_applied(conn) | {version})
        fn(conn)
        self._upsert(conn, s.meta, ["key"], {"key": "schema_version", "value": str(max(applied))})
        self._upsert(conn, s.meta, ["key"], {"key": APPLIED_KEY, "value": json.dumps(applied)})

    def _check_text_indexes(self) -> None:
        """PostgreSQL: make the trigram indexes if pg_trgm was missing before and can be created now;
        say so on stderr while it cannot (text and actor filters then scan)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == s.TEXT_INDEX_KEY)).first()
        if row is None or not row[0].startswith("missing"):
            return
        with self.engine.begin() as conn:
            missing = s.postgresql_text_indexes(conn)
            value = "trigram" if missing is None else f"missing: {missing}"
            self._upsert(conn, s.meta, ["key"], {"key": s.TEXT_INDEX_KEY, "value": value})
        if missing is not None:
            problem = InputProblem(
                sa.engine.make_url(self.url).render_as_string(hide_password=True), errors.INDEX_MISSING,
                f"pg_trgm extension not available ({missing}); text and actor filters will scan. "
                "A database owner can run CREATE EXTENSION pg_trgm; the indexes are made at the next start.",
                fatal=False,
            )  # fmt: skip
            print(problem.line(), file=sys.stderr)

    def _insert(self, table: sa.Table):  # type: ignore[no-untyped-def]
        # imported here: the PostgreSQL dialect pulls in asyncio and ~0.1 CPU-s of imports
        # that a SQLite run never needs
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table)

    def _insert_ignore(self, conn: sa.Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> int:
        if not rows:
            return 0
        result = conn.execute(self._insert(table).on_conflict_do_nothing(), list(rows))
        return max(result.rowcount or 0, 0)

    def _upsert(self, conn: sa.Connection, table: sa.Table, keys: list[str], row: dict[str, Any]) -> None:
        stmt = self._insert(table).values(**row)
        update = {k: stmt.excluded[k] for k in row if k not in keys}
        stmt = (
            stmt.on_conflict_do_update(index_elements=keys, set_=update)
            if update
            else stmt.on_conflict_do_nothing()
        )
        conn.execute(stmt)

    # -- meta rows ------------------------------------------------------------------------------
    def set_meta_value(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            self._upsert(conn, s.meta, ["key"], {"key": key, "value": value})

    def meta_setdefault(self, key: str, value: str) -> str:
        """The value stored under `key`; when there is none, `value`, stored in the same transaction."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == key)).first()
            if row is not None:
                return row[0]
            self._upsert(conn, s.meta, ["key"], {"key": key, "value": value})
            return value

    @property
    def database_key(self) -> str:
        """Names this database among others in one process (for caches kept per database)."""
        # an in-memory SQLite database is private to its engine
        return f"{self.url}#{id(self.engine)}" if ":memory:" in self.url else self.url

    # -- runs and problems ----------------------------------------------------------------------
    def start_run(self, run_id: str, inputs: list[str]) -> list[str]:
        """Record a run as running in this process; first close the runs a kill left unfinished.
        Returns the ids of the runs it marked interrupted."""
        interrupted = self.close_interrupted_runs()
        with self.engine.begin() as conn:
            self._upsert(conn, s.runs, ["run_id"], {
                "run_id": run_id, "started_at": now_iso(), "inputs": valid_value(inputs)[0],
                "status": "running", "host": _HOST[:255], "pid": os.getpid(),
            })  # fmt: skip
        return interrupted

    def finish_run(self, run_id: str, summary: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                s.runs.update()
                .where(s.runs.c.run_id == run_id)
                .values(finished_at=now_iso(), summary=valid_value(summary)[0], status="finished")
            )

    def close_interrupted_runs(self) -> list[str]:
        """Mark 'interrupted' the unfinished runs whose process is gone: on this host, a process
        id that no longer runs; runs from before their process was recorded (schema 11). A run of
        another host is left alone (it may be running there). Returns the ids marked."""
        r = s.runs.c
        with self.engine.connect() as conn:
            open_runs = conn.execute(sa.select(r.run_id, r.host, r.pid).where(r.finished_at.is_(None))).all()
        dead = [run_id for run_id, host, pid in open_runs if _run_is_gone(host, pid)]
        if dead:
            with self.engine.begin() as conn:
                conn.execute(
                    s.runs.update()
                    .where(r.run_id.in_(dead), r.finished_at.is_(None))
                    .values(finished_at=now_iso(), status="interrupted")
                )
        return dead

    def runs(self) -> list[dict[str, Any]]:
        """Every run, oldest first: id, times, inputs, status, its host and process id, summary."""
        r = s.runs.c
        q = sa.select(r.run_id, r.started_at, r.finished_at, r.status, r.host, r.pid, r.inputs, r.summary)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(q.order_by(r.started_at, r.run_id))]

    def add_problems(self, run_id: str | None, problems: Iterable[InputProblem]) -> None:
        # a problem names its input as the input named itself: a file name that is not UTF-8, a
        # JSON key with a lone surrogate; the database gets valid text whatever it was
        rows = [
            {"run_id": run_id, "source": storable(p.source), "code": p.code,
             "message": storable(p.message), "fatal": p.fatal, "at": now_iso()}
            for p in problems
        ]  # fmt: skip
        if rows:
            with self.engine.begin() as conn:
                conn.execute(s.input_problems.insert(), rows)

    def problems(self, run_id: str | None = None) -> list[dict[str, Any]]:
        q = sa.select(s.input_problems).order_by(s.input_problems.c.id)
        if run_id:
            q = q.where(s.input_problems.c.run_id == run_id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # -- articles ---------------------------------------------------------------------------------
    def known_article_ids(self, ids: Iterable[str]) -> set[str]:
        ids = list(ids)
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in chunks(ids):
                q = sa.select(s.articles.c.article_id).where(s.articles.c.article_id.in_(chunk))
                found.update(r[0] for r in conn.execute(q))
        return found

    def add_articles(self, articles: Sequence[Article]) -> int:
        """Insert articles not stored yet; returns how many were new."""
        return self.store_articles(articles).added

    def store_articles(self, articles: Sequence[Article]) -> Stored:
        """Insert articles not stored yet, in one transaction; when the database refuses the
        batch, one by one, so one article it cannot hold never stops the others (`Stored`)."""
        result = Stored()
        known = self.known_article_ids(a.article_id for a in articles)
        rows = []
        for a in articles:
            if a.article_id in known:
                continue
            row, fixed = self._article_row_checked(a)
            rows.append(row)
            if fixed:
                result.repaired[a.article_id] = fixed
        try:
            with self.engine.begin() as conn:
                self._insert_ignore(conn, s.articles, rows)  # ignore: a concurrent writer may have won
        except (sa.exc.DBAPIError, sa.exc.StatementError, ValueError):
            for row in rows:
                try:
                    with self.engine.begin() as conn:
                        self._insert_ignore(conn, s.articles, [row])
                except (sa.exc.DBAPIError, sa.exc.StatementError, ValueError) as exc:
                    result.refused[row["article_id"]] = _short_reason(exc)
        result.added = len(rows) - len(result.refused)
        return result

    def update_articles(self, articles: Sequence[Article]) -> None:
        with self.engine.begin() as conn:
            for a in articles:
                self._upsert(conn, s.articles, ["article_id"], self._article_row(a))

    @staticmethod
    def _article_row(a: Article) -> dict[str, Any]:
        return Store._article_row_checked(a)[0]

    @staticmethod
    def _article_row_checked(a: Article) -> tuple[dict[str, Any], int]:
        """The article's row, its columns copied from the stored (repaired) record and cut to
        their widths (a hostile `published_at` of a thousand characters is not a reason to fail),
        and how many characters had to be replaced."""
        fields = _fields(a)
        data, fixed = _storable_json(fields)
        values = data if isinstance(data, dict) else fields  # as stored: repaired, or as they are
        row = {name: values.get(name) for name in _ARTICLE_COLUMNS}
        row.update(article_id=a.article_id, ingested_at=a.ingested_at or now_iso(), data=data)
        return _fit_widths(s.articles, row), fixed

    def set_story_ids(self, assignments: dict[str, str]) -> None:
        """article_id -> story_id, in the column and in the stored record (one executemany UPDATE)."""
        rows = [{"aid": article_id, "sid": story_id} for article_id, story_id in assignments.items()]
        if not rows:
            return
        if self.dialect == "postgresql":
            patched = (
                "CAST(jsonb_set(CAST(data AS jsonb), '{story_id}', to_jsonb(CAST(:sid AS text))) AS json)"
            )
        else:
            patched = "json_set(data, '$.story_id', :sid)"
        sid = "CAST(:sid AS text)" if self.dialect == "postgresql" else ":sid"
        sql = sa.text(f"UPDATE articles SET story_id = {sid}, data = {patched} WHERE article_id = :aid")
        with self.engine.begin() as conn:
            conn.execute(sql, rows)

    def article_texts(self, ids: Sequence[str], *, max_chars: int | None = None) -> dict[str, str]:
        """article_id -> clean text, read without parsing the rest of each record (dedup's
        verification reads many candidates' texts); only its first `max_chars` when given (a page
        showing sentences of many articles never holds them all whole)."""
        text = s.articles.c.data["text"].as_string()
        if max_chars is not None:
            text = sa.func.substr(text, 1, max_chars)
        out: dict[str, str] = {}
        wanted = list(dict.fromkeys(ids))
        with self.engine.connect() as conn:
            for chunk in chunks(wanted):
                q = sa.select(s.articles.c.article_id, text).where(s.articles.c.article_id.in_(chunk))
                out.update((aid, body or "") for aid, body in conn.execute(q))
        return out

    def get_article(self, article_id: str) -> Article | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(s.articles.c.data).where(s.articles.c.article_id == article_id)
            ).first()
            if row is None and len(article_id) >= 4:  # allow a unique prefix, as git does
                prefix = article_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = conn.execute(
                    sa.select(s.articles.c.data)
                    .where(s.articles.c.article_id.like(prefix + "%", escape="\\"))
                    .limit(2)
                ).all()
                row = rows[0] if len(rows) == 1 else None
        return Article.from_dict(row[0]) if row else None

    def iter_articles(
        self, *, limit: int | None = None, offset: int = 0, ids: Sequence[str] | None = None,
        needs_extraction: str | None = None, without_story: bool = False, by_publication: bool = False,
    ) -> Iterator[Article]:  # fmt: skip
        """Articles in ingestion order, then by id; `by_publication`: by publication time, undated
        last, then by id, whichever run stored them (as dedup takes them: a run killed part way and
        run again then assigns the stories an uninterrupted run would, and the Spark job too)."""
        a = s.articles.c
        order = (a.published_at.is_(None), a.published_at) if by_publication else (a.ingested_at,)
        q = sa.select(a.data).order_by(*order, a.article_id)
        if ids is not None:
            q = q.where(s.articles.c.article_id.in_(list(ids)))
        if without_story:
            q = q.where(s.articles.c.story_id.is_(None))
        if needs_extraction is not None:
            col = s.articles.c.extracted_with
            q = q.where(sa.or_(col.is_(None), col != needs_extraction))
        if limit is not None:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        # streamed (a server-side cursor in PostgreSQL): memory holds a batch, not every article
        with self.engine.connect().execution_options(yield_per=_STREAM_ROWS) as conn:
            for row in conn.execute(q):
                yield Article.from_dict(row[0])

    def count_articles(self, *, without_story: bool = False, needs_extraction: str | None = None) -> int:
        """How many articles `iter_articles` would give with the same arguments (progress totals)."""
        q = sa.select(sa.func.count()).select_from(s.articles)
        if without_story:
            q = q.where(s.articles.c.story_id.is_(None))
        if needs_extraction is not None:
            col = s.articles.c.extracted_with
            q = q.where(sa.or_(col.is_(None), col != needs_extraction))
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def count_pending_mentions(self) -> int:
        """Mentions no event holds yet: what the next fusion pass fuses."""
        q = sa.select(sa.func.count()).select_from(s.mentions).where(s.mentions.c.event_id.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def forget_extraction(self) -> int:
        """Mark every article for extraction again (after a change of dictionaries or rules); the
        next run re-extracts them all and fusion revises their events. Returns the article count."""
        with self.engine.begin() as conn:
            result = conn.execute(s.articles.update().values(extracted_with=None))
        return max(result.rowcount or 0, 0)

    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(s.metadata.tables[table])).scalar_one()
            )

    # -- stories ------------------------------------------------------------------------------------
    def save_stories(
        self, stories: Iterable[Story], *, merge: Callable[[Story, Story], Story] | None = None
    ) -> None:
        """Upsert stories. With `merge`, each story already stored is first combined with what is
        stored now (`merge(stored, ours)`), read and written in one transaction that holds the
        rows: two writers adding copies to one story both keep theirs."""
        stories = list(stories)
        if not stories:
            return
        with self.engine.begin() as conn:
            if merge is not None:
                stored = self._stories_for_update(conn, [st.story_id for st in stories])
                stories = [merge(stored[st.story_id], st) if st.story_id in stored else st for st in stories]
            rows = [
                {"story_id": st.story_id, "canonical_article_id": st.canonical_article_id,
                 "agency": st.agency, "first_seen": st.first_seen, "member_count": len(st.members),
                 "data": _jsonable(st)}
                for st in stories
            ]  # fmt: skip
            stmt = self._insert(s.stories)
            stmt = stmt.on_conflict_do_update(
                index_elements=["story_id"], set_={k: stmt.excluded[k] for k in rows[0] if k != "story_id"}
            )
            conn.execute(stmt, [_fit_widths(s.stories, row) for row in rows])  # one executemany upsert

    def _stories_for_update(self, conn: sa.Connection, story_ids: Sequence[str]) -> dict[str, Story]:
        """The stored stories among `story_ids`, their rows held until the transaction ends:
        FOR UPDATE in PostgreSQL; in SQLite a first (empty) write takes the database's write lock."""
        st = s.stories.c
        if self.dialect == "sqlite":
            conn.execute(s.stories.update().where(sa.false()).values(member_count=st.member_count))
        out: dict[str, Story] = {}
        for chunk in chunks(sorted(set(story_ids))):
            q = sa.select(st.story_id, st.data).where(st.story_id.in_(chunk))
            if self.dialect == "postgresql":
                q = q.with_for_update()
            out.update((sid, Story.from_dict(data)) for sid, data in conn.execute(q))
        return out

    def delete_stories(self, story_ids: Iterable[str]) -> None:
        ids = list(story_ids)
        if ids:
            with self.engine.begin() as conn:
                conn.execute(s.stories.delete().where(s.stories.c.story_id.in_(ids)))

    def get_story(self, story_id: str) -> Story | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(s.stories.c.data).where(s.stories.c.story_id == story_id)).first()
        return Story.from_dict(row[0]) if row else None

    def stories_by_id(self, story_ids: Sequence[str]) -> dict[str, Story]:
        """The stored stories among `story_ids` (missing ones are left out)."""
        out: dict[str, Story] = {}
        with self.engine.connect() as conn:
            for chunk in chunks(list(story_ids)):
                q = sa.select(s.stories.c.story_id, s.stories.c.data).where(s.stories.c.story_id.in_(chunk))
                out.update((sid, Story.from_dict(data)) for sid, data in conn.execute(q))
        return out

    def iter_stories(self, *, limit: int | None = None, offset: int = 0) -> Iterator[Story]:
        q = sa.select(s.stories.c.data).order_by(s.stories.c.first_seen, s.stories.c.story_id)
        if limit is not None:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        with self.engine.connect() as conn:
            for row in conn.execute(q):
                yield Story.from_dict(row[0])

    # -- mentions -----------------------------------------------------------------------------------
    _MENTION_COLUMNS = _record_columns(s.mentions, EventMention)

    def replace_mentions(self, article_id: str, mentions: Sequence[EventMention], extractor: str) -> None:
        """Store an article's mentions, replacing what an earlier extractor produced."""
        rows = [
            _fit_widths(
                s.mentions, {c: getattr(m, c) for c in self._MENTION_COLUMNS} | {"data": _jsonable(m)}
            )
            for m in mentions
        ]
        with self.engine.begin() as conn:
            self._unlink_article_mentions(conn, article_id)
            if rows:
                conn.execute(s.mentions.insert(), rows)
            conn.execute(
                s.articles.update()
                .where(s.articles.c.article_id == article_id)
                .values(extracted_with=extractor, extract_attempts=0, extract_skipped=None)
            )

    def _unlink_article_mentions(self, conn: sa.Connection, article_id: str) -> None:
        """Delete an article's mentions, recording the events they were in as stale."""
        m = s.mentions.c
        linked = conn.execute(
            sa.select(m.event_id).distinct().where(m.article_id == article_id, m.event_id.is_not(None))
        )
        self._mark_stale(conn, [r[0] for r in linked])
        conn.execute(s.mentions.delete().where(m.article_id == article_id))

    def _mark_stale(self, conn: sa.Connection, event_ids: Sequence[str]) -> None:
        """Record events that lost a mention: the next fusion pass re-fuses them (`stale_events`)."""
        self._insert_ignore(conn, s.stale_events, [{"event_id": i} for i in sorted(set(event_ids))])

    def begin_extraction(self, article_id: str) -> int:
        """Count an extraction attempt on an article before it starts (committed, so a run killed
        on it leaves the count behind); returns how many attempts have now started unfinished."""
        a = s.articles.c
        with self.engine.begin() as conn:
            conn.execute(
                s.articles.update()
                .where(a.article_id == article_id)
                .values(extract_attempts=sa.func.coalesce(a.extract_attempts, 0) + 1)
            )
            found = conn.execute(sa.select(a.extract_attempts).where(a.article_id == article_id)).first()
        return int(found[0]) if found else 0

    def skip_extraction(self, article_id: str, extractor: str, reason: str) -> None:
        """Mark an article as done by `extractor` with no mentions, and why (it is not tried again
        until the extractor changes)."""
        with self.engine.begin() as conn:
            self._unlink_article_mentions(conn, article_id)
            conn.execute(
                s.articles.update()
                .where(s.articles.c.article_id == article_id)
                .values(extracted_with=extractor, extract_attempts=0, extract_skipped=storable(reason)[:2000])
            )

    def extraction_skipped(self, article_id: str) -> str | None:
        """Why extraction skipped this article (None: it did not)."""
        a = s.articles.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(a.extract_skipped).where(a.article_id == article_id)).first()
        return row[0] if row else None

    def restory_mentions(self, assignments: dict[str, str]) -> int:
        """Articles that moved to another story (two stories merged): their mentions get the new
        story id and lose their event link, so the next fusion pass re-fuses the events they were
        in and counts independent sources anew. Returns the number of mentions changed."""
        if not assignments:
            return 0
        m = s.mentions.c
        changed = 0
        with self.engine.begin() as conn:
            for chunk in chunks(sorted(assignments)):
                q = sa.select(m.data).where(m.article_id.in_(chunk))
                for mention in [EventMention.from_dict(row[0]) for row in conn.execute(q)]:
                    new = assignments[mention.article_id]
                    if mention.story_id == new:
                        continue
                    had_story = mention.story_id is not None
                    mention.story_id = new
                    if had_story and mention.event_id:  # its event counted it under the old story
                        self._mark_stale(conn, [mention.event_id])
                        mention.event_id = None
                    conn.execute(
                        s.mentions.update()
                        .where(m.mention_id == mention.mention_id)
                        .values(event_id=mention.event_id, data=_jsonable(mention))
                    )
                    changed += 1
        return changed

    def iter_mentions(
        self, *, article_id: str | None = None, ids: Sequence[str] | None = None
    ) -> Iterator[EventMention]:
        q = sa.select(s.mentions.c.data).order_by(s.mentions.c.article_id, s.mentions.c.mention_id)
        if article_id:
            q = q.where(s.mentions.c.article_id == article_id)
        if ids is not None:
            q = q.where(s.mentions.c.mention_id.in_(list(ids)))
        with self.engine.connect() as conn:
            for row in conn.execute(q):
                yield EventMention.from_dict(row[0])

    # -- events ---------------------------------------------------------------------------------------
    # the record's own columns, then the review columns derived from it (Event properties)
    _EVENT_COLUMNS = (
        *(c for c in _record_columns(s.events, Event) if c != "event_id"),
        "needs_review",
        "disputed_count",
    )

    def save_events(self, events: Iterable[Event]) -> None:
        with self.engine.begin() as conn:
            for ev in events:
                self._upsert(conn, s.events, ["event_id"], event_row(ev))

    def delete_events(self, event_ids: Iterable[str]) -> None:
        ids = list(event_ids)
        if ids:
            with self.engine.begin() as conn:
                conn.execute(s.events.delete().where(s.events.c.event_id.in_(ids)))

    def get_event(self, event_id: str) -> Event | None:
        """An event by its id, or by a unique prefix of it (4 characters at least)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(s.events.c.data).where(s.events.c.event_id == event_id)).first()
            if row is None and len(event_id) >= 4 and event_id.isalnum():  # no LIKE wildcards
                rows = conn.execute(
                    sa.select(s.events.c.data).where(s.events.c.event_id.like(event_id + "%")).limit(2)
                ).all()
                row = rows[0] if len(rows) == 1 else None
        return Event.from_dict(row[0]) if row else None

    def get_story_by_prefix(self, story_id: str) -> Story | None:
        """A story by its id, or by a unique prefix of it (4 characters at least)."""
        story = self.get_story(story_id)
        if story is None and len(story_id) >= 4 and story_id.isalnum():  # no LIKE wildcards
            with self.engine.connect() as conn:
                rows = conn.execute(
                    sa.select(s.stories.c.data).where(s.stories.c.story_id.like(story_id + "%")).limit(2)
                ).all()
            story = Story.from_dict(rows[0][0]) if len(rows) == 1 else None
        return story

    def iter_events(self, *, limit: int | None = None, offset: int = 0) -> Iterator[Event]:
        q = sa.select(s.events.c.data).order_by(s.events.c.event_date, s.events.c.event_id)
        if limit is not None:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        with self.engine.connect() as conn:
            for row in conn.execute(q):
                yield Event.from_dict(row[0])

    def close(self) -> None:
        self.engine.dispose()


MIGRATION_LOCK_KEY = 0x5757_6D69_6772_6174  # PostgreSQL advisory lock key while migrating ("WWmigrat")


APPLIED_KEY = "migrations_applied"  # meta row: the migrations a database has had (JSON list)


def _applied(conn: sa.Connection) -> set[int]:
    """The migrations a database has had: its list, or, for a database from before the list was
    kept, every one up to its version save those that landed after a higher-numbered one and whose
    work it lacks (`schema.LATE_MIGRATIONS`)."""
    if not sa.inspect(conn).has_table("meta"):
        return set()
    row = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == APPLIED_KEY)).first()
    if row:
        return set(json.loads(row[0]))
    current = _schema_version(conn)
    done = {version for version, _desc, _fn in s.MIGRATIONS if version <= current}
    return {v for v in done if v not in s.LATE_MIGRATIONS or s.LATE_MIGRATIONS[v](conn)}


def _pending(conn: sa.Connection) -> list[tuple[int, Any]]:
    applied = _applied(conn)
    return [(version, fn) for version, _desc, fn in s.MIGRATIONS if version not in applied]


def _schema_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("meta"):
        return 0
    row = conn.execute(sa.select(s.meta.c.value).where(s.meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0


def _one_line(exc: BaseException | None) -> str:
    """A driver's message on one line (PostgreSQL's carry hints on further lines)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _check_sqlite_path(db: str, path: str, *, create: bool) -> None:
    """A SQLite path that cannot be a database: missing (when reading), a folder, not SQLite."""
    if path in ("", ":memory:"):
        return
    target = Path(path)
    if target.is_dir():
        raise WirewatchError(errors.DATABASE_ERROR, f"{db}: is a folder, not a database file")
    if not target.exists():
        if not create:
            raise WirewatchError(
                errors.DATABASE_ERROR, f"{db}: no such database (run `wirewatch run ... --db {db}` first)"
            )
        return
    try:
        with target.open("rb") as stream:
            head = stream.read(16)
    except OSError as exc:
        raise WirewatchError(errors.DATABASE_ERROR, f"{db}: cannot read ({exc.strerror})") from None
    if head and head != b"SQLite format 3\x00":
        raise WirewatchError(errors.DATABASE_ERROR, f"{db}: not a database (not a SQLite file)")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    _write_ahead_log(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _write_ahead_log(cur: Any, wait_s: float = 60.0) -> None:
    """Put the file in WAL mode once (the mode stays with the file). Switching answers "database is
    locked" at once, without waiting, while another connection writes (two processes opening one
    new database together), so it is tried again until that write ends."""
    deadline = time.monotonic() + wait_s
    while True:
        cur.execute("PRAGMA journal_mode")
        if str(cur.fetchone()[0]).lower() == "wal":
            return
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def open_store(db: str, *, create: bool = True) -> Store:
    return Store(db, create=create)
