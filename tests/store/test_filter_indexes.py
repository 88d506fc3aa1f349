"""The event filter's text and box indexes (migrations 14 and 15) on SQLite and PostgreSQL: the
indexed filters select exactly what the plain clauses select, the indexes follow every write,
an existing database gets them when it migrates, and the queries use them (query plans)."""

from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa

from wirewatch.records import Event
from wirewatch.store import open_store
from wirewatch.store import schema as s
from wirewatch.store.db import database_url
from wirewatch.store.events_query import count_events, find_event_ids
from wirewatch.store.fusion_queries import candidate_event_ids, events_near_places, insert_events_bulk
from wirewatch.views import event_filter

# (id, notes, location, actor1, actor2, longitude, latitude)
ROWS = [
    ("e01", "Shelling hit Kharkiv; two killed.", "Kharkiv", "Military Forces of Russia", "Civilians (Ukraine)", 36.23, 49.99),
    ("e02", "Police fired at protesters in Lagos.", "Lagos", "Police Forces of Nigeria", "Protesters (Nigeria)", 3.39, 6.45),
    ("e03", "An IED struck a convoy near Quetta.", "Quetta", "Unidentified Armed Group (Pakistan)", None, 67.0, 30.18),
    ("e04", "Clashes in Kharkivska oblast.", "Izium", "Military Forces of Ukraine", "Military Forces of Russia", 37.26, 49.21),
    ("e05", "Strike on Aleppo's old city (100% destroyed).", "Aleppo", "Military Forces of Syria", None, 37.16, 36.2),
    ("e06", "Protest in Zürich against the war_time law.", "ZÜRICH", "Protesters (Switzerland)", None, 8.54, 47.37),
    ("e07", 'Militia said "no surrender" in Goma.', "Goma", "M23: March 23 Movement", "Military Forces of DRC", 29.22, -1.68),
    ("e08", "Undated report with no place.", None, "Rioters (Iraq)", None, None, None),
    ("e09", "Border post at the box's corner.", "Corner", "Police Forces of Iraq", None, 44.4, 33.3),
    ("e10", "Just past the corner, by a hair.", "Past corner", "Police Forces of Iraq", None, 44.400001, 33.3),
]
TEXTS = [
    "kharkiv", "KHARKIV", "Kharkivska", "police", "police forces of", "forces", "100%", "war_time", "_",
    "%", '"no surrender"', "zürich", "ZÜRICH", "aleppo's", "m23: march", "ky", "a", "in ", "nothing like this",
    "of russia", "  goma  ",
]  # fmt: skip
BOXES = [
    "36,49,38,50", "44.4,33.3,45,34", "44,33,44.4,33.3", "44.4000005,33,45,34", "-180,-90,180,90", "0,0,1,1",
    "30,33.3,44.4,50", "34.4,33.3,44.4,33.3", "34.4000005,33,44.4000005,34",
]  # fmt: skip


def _event(row: tuple, **changes) -> Event:
    event_id, notes, location, actor1, actor2, lon, lat = row
    fields = dict(
        event_id=event_id, event_date="2024-03-01", date_low="2024-03-01", date_high="2024-03-01", event_type="Battles", country="Ukraine", notes=notes,
        location=location, actor1=actor1, actor2=actor2, longitude=lon, latitude=lat,
    )  # fmt: skip
    return Event(**(fields | changes))


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    db = str(tmp_path / "f.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    st = open_store(db)
    insert_events_bulk(st, [_event(r) for r in ROWS])
    yield st
    st.close()


def _plain_ids(store, flt) -> set[str]:
    """What the filter selects without the indexes: its plain clauses, as before migration 14."""
    with store.engine.connect() as conn:
        return {r[0] for r in conn.execute(sa.select(s.events.c.event_id).where(*flt.clauses()))}


def _ids(store, **filters) -> set[str]:
    return set(find_event_ids(store, event_filter(**filters)))


@pytest.mark.parametrize("field", ["q", "actor"])
def test_text_filters_select_what_the_plain_clauses_select(store, field):
    for text in TEXTS:
        flt = event_filter(**{field: text})
        assert set(find_event_ids(store, flt)) == _plain_ids(store, flt), text
        assert count_events(store, flt) == len(_plain_ids(store, flt)), text


def test_text_filter_finds_parts_of_words_in_any_case(store):
    assert _ids(store, q="kharkiv") == {"e01", "e04"}  # "Kharkivska" too
    assert _ids(store, q="ARKIV") == {"e01", "e04"}
    assert _ids(store, actor="forces of russia") == {"e01", "e04"}
    assert _ids(store, actor="kharkiv") == set()  # actors only
    assert _ids(store, q="100%") == {"e05"}  # % and _ are plain characters
    assert _ids(store, q='"no surrender"') == {"e07"}
    assert _ids(store, q="ky") == set()  # under three characters: the plain scan, same meaning


def test_non_ascii_letters_match_in_either_case(store):
    # PostgreSQL's lower() folds them and so does SQLite's trigram index (SQLite's lower() did not)
    assert _ids(store, q="zürich") == {"e06"}
    assert _ids(store, q="ZÜRICH") == {"e06"}


def test_box_filter_selects_what_the_plain_clauses_select(store):
    for box in BOXES:
        flt = event_filter(bbox=box)
        assert set(find_event_ids(store, flt)) == _plain_ids(store, flt), box
    assert _ids(store, bbox="44.4,33.3,45,34") == {"e09", "e10"}  # edges are inside
    assert _ids(store, bbox="44,33,44.4,33.3") == {"e09"}  # a point just past the edge is not
    assert _ids(store, bbox="34.4,33.3,44.4,33.3") == {"e09"}  # the same through the R*Tree (wide)


def test_filters_combined_with_the_others(store):
    flt = event_filter(q="forces", bbox="30,40,40,55", country="Ukraine", since="2024-01-01")
    assert set(find_event_ids(store, flt)) == _plain_ids(store, flt) == {"e01", "e04"}


def test_indexes_follow_updates_and_deletes(store):
    store.save_events([_event(ROWS[0], notes="Drone attack on Odesa port.", location="Odesa",
                              longitude=30.73, latitude=46.48)])  # fmt: skip
    assert _ids(store, q="kharkiv") == {"e04"}
    assert _ids(store, q="odesa port") == {"e01"}
    assert _ids(store, bbox="30,46,31,47") == {"e01"}
    assert _ids(store, bbox="20,46,31,47") == {"e01"}  # wide: through the R*Tree in SQLite
    assert _ids(store, bbox="26,49,38,50") == {"e04"}
    assert _ids(store, bbox="36,49,38,50") == {"e04"}
    store.save_events([_event(ROWS[3], longitude=None, latitude=None)])  # the place lost
    assert _ids(store, bbox="36,49,38,50") == set()
    assert _ids(store, bbox="26,49,38,50") == set()
    store.delete_events(["e01", "e02"])
    assert _ids(store, q="odesa") == set()
    assert _ids(store, bbox="20,46,31,47") == set()
    assert _ids(store, actor="police") == {"e09", "e10"}
    assert _ids(store, bbox="-180,-90,180,90") == {"e03", "e05", "e06", "e07", "e09", "e10"}
    insert_events_bulk(store, [_event(ROWS[0])])  # inserted again
    assert _ids(store, q="kharkiv") == {"e01", "e04"}


def test_sqlite_vacuum_keeps_the_indexes_in_step(tmp_path):
    st = open_store(str(tmp_path / "v.db"))
    insert_events_bulk(st, [_event(r) for r in ROWS])
    st.delete_events(["e01", "e03"])
    with st.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM")
    assert _ids(st, q="kharkiv") == {"e04"}
    assert _ids(st, bbox="44.4,33.3,45,34") == {"e09", "e10"}
    st.close()


def _database_at_version_10(db: str) -> None:
    """A database as migration 10 left it, with events in it."""
    engine = sa.create_engine(database_url(db))
    with engine.begin() as conn:
        for version, _desc, fn in s.MIGRATIONS:
            if version <= 10:
                fn(conn)
        conn.execute(s.meta.insert().values(key="schema_version", value="10"))
        rows = []
        for r in ROWS:
            ev = _event(r)
            rows.append({c.name: getattr(ev, c.name) for c in s.events.columns if c.name != "data"} | {"data": {}})
        conn.execute(s.events.insert(), rows)
    engine.dispose()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_an_existing_database_gets_the_indexes_when_it_migrates(engine, tmp_path, request):
    db = str(tmp_path / "old.db") if engine == "sqlite" else request.getfixturevalue("postgres_url")
    _database_at_version_10(db)
    st = open_store(db)
    assert st.schema_version() == s.SCHEMA_VERSION
    assert _ids(st, q="kharkiv") == {"e01", "e04"}
    assert _ids(st, bbox="44.4,33.3,45,34") == {"e09", "e10"}
    with st.engine.connect() as conn:
        if engine == "sqlite":
            assert conn.exec_driver_sql("SELECT count(*) FROM events_box").scalar_one() == 9  # e08 has no place
            assert conn.exec_driver_sql(
                "SELECT count(*) FROM events_text WHERE events_text MATCH '\"forces\"'"
            ).scalar_one() == 7
            held = {r[2] for r in conn.exec_driver_sql("PRAGMA index_xinfo(ix_events_type_date)")}
            assert {"country", "longitude", "latitude", "fatalities"} <= held  # migration 20
        else:
            names = {r[0] for r in conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
            assert {"ix_events_point", "ix_events_notes_trgm", "ix_events_actor1_trgm"} <= names
    st.close()


# -- query plans ---------------------------------------------------------------------------------------
class _Statements:
    """The statements a store call sends, with their parameters (to EXPLAIN them)."""

    def __init__(self, store):
        self.store = store
        self.seen: list[tuple[str, object]] = []

    def __enter__(self):
        sa.event.listen(self.store.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.store.engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            self.seen.append((statement, parameters))

    def plans(self, *, only_special_indexes: bool = False) -> list[str]:
        out = []
        with self.store.engine.connect() as conn:
            if self.store.dialect == "postgresql":
                conn.exec_driver_sql("SET enable_seqscan = off")  # a small table: does an index serve it?
            if only_special_indexes and self.store.dialect == "postgresql":
                # on ten rows any b-tree looks as good; without them (dropped in this transaction,
                # rolled back), can the trigram or GiST index answer?
                names = conn.exec_driver_sql(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'events' "
                    "AND indexdef LIKE '%%USING btree%%' AND indexname <> 'events_pkey'"
                ).scalars().all()
                for name in names:
                    conn.exec_driver_sql(f"DROP INDEX {name}")
            for statement, params in self.seen:
                rows = conn.exec_driver_sql("EXPLAIN " + ("QUERY PLAN " if self.store.dialect == "sqlite" else "")
                                            + statement, params).all()  # fmt: skip
                out.append("\n".join(str(r[-1]) for r in rows))
            conn.rollback()
        return out


def _as_if_large(store) -> None:
    """SQLite: planner statistics that say events holds a million rows (as a real database would),
    so the plans are those it would choose at that size, not a ten-row table's."""
    if store.dialect != "sqlite":
        return
    with store.engine.begin() as conn:
        rows = conn.exec_driver_sql("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'events'").all()
        for idx, stat in rows:
            rest = stat.split(" ")[1:]
            conn.execute(sa.text("UPDATE sqlite_stat1 SET stat = :s WHERE tbl = 'events' AND idx IS :i"),
                         {"s": " ".join(["1000000", *rest]), "i": idx})  # fmt: skip
    store.engine.dispose()  # new connections read the statistics


def _table_scans(plan: str) -> list[str]:
    """SQLite plan lines that read a whole table or index of events."""
    return [line for line in plan.splitlines() if line.strip().startswith("SCAN events ")]


def _plan(store, call, *, only_special_indexes: bool = False, as_if_large: bool = True) -> str:
    """The plans of the statements `call` sends; with `as_if_large`, under the statistics of a
    large table, else under the store's own."""
    if as_if_large:
        _as_if_large(store)
    with _Statements(store) as seen:
        call()
    return "\n---\n".join(seen.plans(only_special_indexes=only_special_indexes))


def test_text_and_box_filters_are_answered_from_their_indexes(store):
    for filters, sqlite_index, pg_index in [
        ({"q": "kharkiv"}, "VIRTUAL TABLE INDEX", "ix_events_notes_trgm"),
        ({"actor": "police forces"}, "ix_events_actor1_date", "ix_events_actor1_"),  # names, then their events
        ({"bbox": "20,45,40,55"}, "VIRTUAL TABLE INDEX", "ix_events_point"),  # SQLite: wide boxes
    ]:
        flt = event_filter(**filters)
        plan = _plan(store, lambda f=flt: (count_events(store, f), find_event_ids(store, f, limit=5)),
                     only_special_indexes=True)
        assert (sqlite_index if store.dialect == "sqlite" else pg_index) in plan, (filters, plan)
        if store.dialect == "sqlite":  # the page is first looked for among the newest events:
            # the window's edge is the NEWEST_WINDOW-th entry of the date index, and the walk
            # stops there: a read of at most that many entries, not a whole scan
            bounded = plan.replace("SCAN events USING COVERING INDEX ix_events_date_id", "")
            assert not _table_scans(bounded), (filters, plan)


def test_fusion_candidates_are_looked_up_in_indexes(store):
    store.save_events([_event(ROWS[7], event_date=None, date_low=None, date_high=None)])
    for countries, low, high in [(["Ukraine"], "2024-02-01", "2024-04-01"), (["Ukraine", None], "2024-02-01",
                                 "2024-04-01"), (["Iraq"], None, None)]:  # fmt: skip
        plan = _plan(store, lambda c=countries, lo=low, hi=high: candidate_event_ids(
            store, countries=c, date_low=lo, date_high=hi))  # fmt: skip
        if store.dialect == "sqlite":  # the partial index holds the undated events only
            assert not _table_scans(plan.replace("SCAN events USING COVERING INDEX ix_events_undated", "")), plan
        else:
            assert "Seq Scan" not in plan, plan
    got = candidate_event_ids(store, countries=["Ukraine"], date_low="2024-02-01", date_high="2024-04-01")
    assert got == {r[0] for r in ROWS}  # every Ukrainian event in the window, and the undated one
    assert candidate_event_ids(store, countries=["Ukraine"], date_low="2025-01-01", date_high="2025-02-01") == {"e08"}


def test_dedup_band_look_ups_use_the_band_index(store):
    from wirewatch.store.dedup_index import band_rows

    with store.engine.begin() as conn:
        conn.execute(s.dedup_signatures.insert(), [{"article_id": "a1", "text_hash": "h", "shingle_count": 3,
                                                    "signature": b"x", "story_id": "s1"}])  # fmt: skip
        conn.execute(s.dedup_bands.insert(), [{"band_key": k, "article_id": "a1"} for k in (1, 2, 3)])
    plan = _plan(store, lambda: band_rows(store, [1, 3, 99]))
    assert band_rows(store, [1, 3, 99]) == [(1, "a1", "s1"), (3, "a1", "s1")]
    if store.dialect == "sqlite":
        assert "SCAN" not in plan and "SEARCH dedup_bands" in plan, plan
    else:
        assert "Seq Scan" not in plan, plan


def test_without_pg_trgm_the_filters_scan_and_say_so(postgres_url, capfd):
    """A role that may not create extensions: the store opens, says what is missing and how to fix
    it, text filters still answer (by scanning), and the indexes come once pg_trgm is there."""
    import uuid

    import psycopg

    role = f"ww_plain_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'plain'")
        admin.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
    url = postgres_url.replace("wirewatch:wirewatch@", f"{role}:plain@", 1)
    try:
        st = open_store(url)
        assert "W025" in capfd.readouterr().err
        insert_events_bulk(st, [_event(r) for r in ROWS])
        assert _ids(st, q="kharkiv") == {"e01", "e04"}
        st.close()
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute("CREATE EXTENSION pg_trgm")
        st = open_store(url)  # the next start makes the indexes and says nothing
        assert "W025" not in capfd.readouterr().err
        with st.engine.connect() as conn:
            names = {r[0] for r in conn.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename = 'events'")}
        assert "ix_events_notes_trgm" in names
        st.close()
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {role} CASCADE")
            admin.execute(f"DROP ROLE {role}")


def _events_near(store, reaches) -> set[str]:
    """The ids of the events mentions with these reaches could join."""
    return set(events_near_places(store, reaches))


def test_events_near_reads_what_each_mention_reaches(store):
    store.save_events([
        _event(ROWS[1], country="Nigeria", event_date="2024-01-10", date_low="2024-01-10", date_high="2024-01-10"),
        _event(ROWS[2], country="Pakistan", event_date="2024-06-01", date_low="2024-06-01", date_high="2024-06-01"),
        _event(ROWS[7], country=None, event_date=None, date_low=None, date_high=None),
    ])  # fmt: skip
    ukraine = {"e01", "e03", "e04", "e05", "e06", "e07", "e09", "e10"} - {"e03"}  # e02, e03 moved away
    # a Ukrainian mention in March and a Nigerian one in January: not Pakistan's June event
    near = _events_near(store, [("Ukraine", "2024-02-20", "2024-03-10"), ("Nigeria", "2024-01-01", "2024-01-20")])
    assert near == ukraine | {"e02", "e08"}  # e08: no country and no date, it could be anything
    assert _events_near(store, [("Nigeria", "2024-03-01", "2024-03-02")]) == {"e08"}
    assert _events_near(store, [("Pakistan", None, None)]) == {"e03", "e08"}  # undated: every date
    assert _events_near(store, [(None, "2024-05-30", "2024-06-02")]) == {"e03", "e08"}  # unknown country: any


@pytest.fixture
def dated_store(request, tmp_path, monkeypatch):
    """ROWS on different days (one undated, two on one day), and a window of four events."""
    from wirewatch.store import events_query

    monkeypatch.setattr(events_query, "NEWEST_WINDOW", 4)
    monkeypatch.setattr(events_query, "WINDOW_PAGE_SHARE", 1)  # pages of up to four rows: the window is asked
    db = str(tmp_path / "w.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    st = open_store(db)
    days = ["2024-03-05", "2024-03-01", "2024-03-09", "2024-03-09", None, "2024-02-20", "2024-03-07",
            "2024-03-02", "2024-03-03", "2024-01-30"]  # fmt: skip
    tolls = [3, None, 12, 3, 0, 40, None, 7, 12, 1]  # ties, none and zero: the toll sort's window too
    insert_events_bulk(st, [_event(r, event_date=d, date_low=d, date_high=d, fatalities=k)
                            for r, d, k in zip(ROWS, days, tolls, strict=True)])  # fmt: skip
    yield st
    st.close()


@pytest.mark.parametrize("dated_store", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("sort", ["-event_date", "event_date", "-fatalities", "fatalities"])
def test_pages_read_among_the_newest_are_the_pages_of_the_whole_order(dated_store, sort):
    # a page of a text, actor or box filter is first looked for among the newest events (or the
    # oldest, sorted that way; or the deadliest); found there or not, it is the same page in the
    # same order
    filters = [{"q": "forces"}, {"actor": "police"}, {"q": "a"}, {"bbox": "-180,-90,180,90"}, {"bbox": "30,40,40,55"},
               {"q": "kharkiv", "since": "2024-03-01"}, {"actor": "nobody at all"}, {"country": "Ukraine"},
               {"event_type": "battles", "since": "2024-03-02"}]  # fmt: skip
    for filters_given in filters:
        flt = event_filter(**filters_given)
        whole = find_event_ids(dated_store, flt, sort=sort)
        for limit, offset in [(1, 0), (2, 0), (2, 1), (3, 2), (5, 0), (1, 6)]:
            page = find_event_ids(dated_store, flt, sort=sort, limit=limit, offset=offset)
            assert page == whole[offset : offset + limit], (filters_given, limit, offset)


def test_actor_names_follow_new_and_changed_actors(store):
    # every actor name an event gets is in actor_names, so the actor filter finds it
    assert _ids(store, actor="harbour guard") == set()
    store.save_events([_event(ROWS[2], actor1="Harbour Guard of Quetta", actor2="Police Forces of Iraq")])
    insert_events_bulk(store, [_event(("e11", "New.", "Here", "Militia (Harbour Guard)", None, 1.0, 1.0))])
    assert _ids(store, actor="harbour guard") == {"e03", "e11"}
    flt = event_filter(actor="harbour guard")
    assert set(find_event_ids(store, flt, limit=10)) == _plain_ids(store, flt) == {"e03", "e11"}
    assert count_events(store, flt) == 2


@pytest.mark.parametrize("filters", [{}, {"country": "Ukraine"}, {"event_type": "Battles"}])
def test_newest_first_pages_are_read_in_index_order_on_postgresql(store, filters):
    # DESC NULLS LAST: PostgreSQL reads it from the newest-first indexes (migration 17) instead
    # of sorting every match; SQLite's ascending indexes read backwards give it already
    if store.dialect != "postgresql":
        pytest.skip("SQLite's indexes read backwards give this order")
    flt = event_filter(**filters)
    plan = _plan(store, lambda f=flt: find_event_ids(store, f, sort="-event_date", limit=5))
    assert "newest" in plan and "Sort" not in plan, (filters, plan)
    plan = _plan(store, lambda f=flt: find_event_ids(store, f, sort="-fatalities", limit=5))
    if not filters:
        assert "ix_events_deadliest" in plan and "Sort" not in plan, plan


def test_actor_names_listed_or_looked_up_in_the_query_select_the_same(store, monkeypatch):
    # the names holding the actor text are found first and listed in the query; past
    # MAX_LISTED_ACTOR_NAMES the look-up stays inside it: the same events either way
    from wirewatch.store import event_filter as ef

    for text in [*TEXTS, "forces", "military forces of", "nobody at all"]:
        flt = event_filter(actor=text)
        listed = set(find_event_ids(store, flt))
        assert listed == _plain_ids(store, flt), text
        monkeypatch.setattr(ef, "MAX_LISTED_ACTOR_NAMES", 0)
        assert set(find_event_ids(store, flt)) == listed, text
        assert count_events(store, flt) == len(listed), text
        monkeypatch.undo()
        both = event_filter(actor=text, country="Ukraine")
        assert set(find_event_ids(store, both, sort="-fatalities")) == _plain_ids(store, both), text


def test_an_actor_with_a_country_sorted_by_toll_walks_the_deadliest_first(store):
    # PostgreSQL plans with the listed names by its statistics per value; with the look-up inside
    # the query it gathered every event of every matching name first (7 s at 1M events)
    if store.dialect != "postgresql":
        pytest.skip("PostgreSQL's plan")
    flt = event_filter(actor="military forces", country="Ukraine")
    plan = _plan(store, lambda: find_event_ids(store, flt, sort="-fatalities", limit=5))
    assert "actor_events" not in plan, plan  # the union of both sides' look-ups is gone


def test_with_no_rejected_event_a_count_reads_its_index_alone(store):
    # rejected events are left out by default; while there are none, the filter does not ask each
    # SQLite row whether it is; once there is one, it does
    flt = event_filter(country="Ukraine")
    everyone = _ids(store, country="Ukraine")
    assert count_events(store, flt) == len(everyone) > 1
    with _Statements(store) as seen:
        count_events(store, flt, cap=1000)
    (counting,) = [sql for sql, _p in seen.seen if "count(" in sql]
    assert ("review_status" in counting) == (store.dialect == "postgresql"), counting
    rejected = sorted(everyone)[0]
    with store.engine.begin() as conn:
        conn.execute(
            s.events.update().where(s.events.c.event_id == rejected).values(review_status="rejected")
        )
    assert _ids(store, country="Ukraine") == everyone - {rejected}
    assert count_events(store, flt) == len(everyone) - 1
    assert rejected in _ids(store, country="Ukraine", review="all")


@pytest.mark.parametrize(
    "filters",
    [
        {"event_type": "Battles", "country": "Ukraine", "since": "2024-01-01", "until": "2024-02-01"},
        {"event_type": "Battles", "bbox": "30,45,40,55", "since": "2024-01-01"},
        {"country": "Ukraine", "min_fatalities": 2, "min_sources": 1, "admin1": "Kharkiv"},
        {"actor": "military forces", "country": "Ukraine", "sub_event_type": "Armed clash"},
    ],
)
def test_sqlite_checks_every_part_of_a_filter_in_the_index_it_reads(tmp_path, filters):
    # a combined filter is served by the index of one part; the others were checked on each table
    # row, which carries the whole record (1M events: 105 ms to count "this type since then in this
    # box", 1.5 ms with the compared columns in the index; migration 20)
    store = open_store(str(tmp_path / "wide.db"))
    store.save_events([_event(r) for r in ROWS])
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    flt = event_filter(**filters)
    _as_if_large(store)
    with _Statements(store) as seen:
        count_events(store, flt, cap=1000)
    seen.seen = [(sql, params) for sql, params in seen.seen if "count(" in sql]
    (plan,) = seen.plans()
    used = re.findall(r"SEARCH events USING (?:COVERING )?INDEX (\w+)", plan)
    assert used, plan
    compared = {_COMPARED.get(k, k) for k in filters} - {"actor"}  # actor: each side's own index
    with store.engine.connect() as conn:
        for index in used:
            held = {r[2] for r in conn.exec_driver_sql(f"PRAGMA index_xinfo({index})")}
            held |= {r[0] for r in _index_expressions(conn, index)}
            assert compared <= held, (index, compared - held, plan)


@pytest.mark.parametrize("filters", [{"country": "Ukraine"}, {"actor": "military forces"}])
def test_sqlite_reads_a_type_by_toll_with_other_parts_from_its_toll_index_alone(tmp_path, filters):
    # "the deadliest battles in Yemen" walked the type's toll index and read each event's row to
    # check the country, then sorted each toll's events by id (1M events: 23.5 -> 5.4 ms a page;
    # migration 27); the same page as the whole order
    store = open_store(str(tmp_path / "toll.db"))
    store.save_events([_event(r, fatalities=i % 4) for i, r in enumerate(ROWS)])
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    flt = event_filter(event_type="Battles", **filters)
    whole = find_event_ids(store, flt, sort="-fatalities")
    _as_if_large(store)
    with _Statements(store) as seen:
        page = find_event_ids(store, flt, sort="-fatalities", limit=3)
    assert page == whole[:3]
    plan = seen.plans()[-1]
    assert "INDEX ix_events_type_toll" in plan and "TEMP B-TREE" not in plan, plan
    with store.engine.connect() as conn:  # the other parts are checked in the index, not on rows
        held = {r[2] for r in conn.exec_driver_sql("PRAGMA index_xinfo(ix_events_type_toll)")}
    assert {"country", "event_date", "event_id"} <= held, held


# a filter's name -> the column it compares
_COMPARED = {
    "bbox": "latitude", "min_fatalities": "fatalities", "min_sources": "independent_source_count",
    "since": "event_date", "until": "event_date",
}  # fmt: skip


def _index_expressions(conn, index: str) -> list[tuple[str]]:
    """The columns inside an index's expressions (lower(country) compares country)."""
    sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).scalar_one() or ""
    return [(column,) for column in re.findall(r"lower\((\w+)\)", sql)]


@pytest.mark.parametrize("dated_store", ["sqlite", "postgresql"], indirect=True)
def test_a_sparse_window_sends_postgresql_to_gather_the_matches(dated_store):
    # when the newest events held few of a filter's matches, walking on to its page reads many
    # rows: a city's name that 21 of the newest 5,000 held, 16,000 rows (131 ms at 1M events),
    # where its 3,900 matches are gathered through the text index; SQLite probes its text index
    if dated_store.dialect == "postgresql":
        with dated_store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE events")  # the events it estimates from
    for text, limit, gathered in [("police", 2, True), ("forces", 4, False)]:
        flt = event_filter(q=text)  # the window of four holds none of the first's, three of the second's
        whole = find_event_ids(dated_store, flt, sort="-event_date")
        with _Statements(dated_store) as seen:
            page = find_event_ids(dated_store, flt, sort="-event_date", limit=limit)
        assert page == whole[:limit], text
        materialized = "MATERIALIZED" in seen.seen[-1][0]
        assert materialized == (gathered and dated_store.dialect == "postgresql"), (text, seen.seen)


@pytest.mark.parametrize("dated_store", ["sqlite", "postgresql"], indirect=True)
def test_a_page_counted_first_skips_the_window_when_few_match(dated_store, monkeypatch):
    # event_page counts first: a filter with few matches is sorted whole from its index (the
    # newest events hold only a few of them), none matching needs no look-up; same pages either way
    from wirewatch.store import events_query
    from wirewatch.views import event_page

    monkeypatch.setattr(events_query, "FEW_MATCHES", 2)
    windows: list[bool] = []
    among_newest = events_query._ids_among_newest
    monkeypatch.setattr(
        events_query, "_ids_among_newest", lambda *a, **k: windows.append(True) or among_newest(*a, **k)
    )
    # (a text counted under the cap is paged from its matches at once on PostgreSQL: past it here)
    cases = [({"q": "forces"}, 2, True), ({"q": "kharkiv"}, 1000, False), ({"actor": "nobody"}, 1000, False)]
    for filters_given, total_cap, window_read in cases:
        flt = event_filter(**filters_given)
        whole = find_event_ids(dated_store, flt, sort="-event_date")
        windows.clear()
        page = event_page(dated_store, flt, sort="-event_date", limit=1, offset=0, total_cap=total_cap)
        assert [e["event_id"] for e in page["events"]] == whole[:1]
        assert page["total"] == min(len(whole), total_cap)
        assert bool(windows) == window_read, filters_given


@pytest.mark.parametrize(("sort", "index"), [("-fatalities", "ix_events_fatalities_id"), ("-event_date", "ix_events_cover")])
def test_sqlite_reads_a_window_from_its_index_alone(tmp_path, sort, index, monkeypatch):
    # the window of the deadliest (or newest) events holds the columns the filter compares and no
    # others, all in its index: 1M events, an actor in a country by toll 20 -> 3 ms
    from wirewatch.store import events_query

    monkeypatch.setattr(events_query, "NEWEST_WINDOW", 3)
    store = open_store(str(tmp_path / "window.db"))
    store.save_events([_event(r, fatalities=i) for i, r in enumerate(ROWS)])
    flt = event_filter(actor="military forces", country="Ukraine", event_type="Battles", bbox="30,40,40,55")
    with _Statements(store) as seen:
        events_query._ids_among_newest(store, flt, sort, 5, 0)
    _edge, walk = seen.plans()  # the window's edge, then the walk to it
    assert f"SEARCH events USING COVERING INDEX {index}" in walk, walk
    # walked in the order and stopped at the page: no sort of the whole window (fails before)
    assert "TEMP B-TREE" not in walk, walk
    # SQLite's LIKE ignores ASCII case by itself: no lower() of each value
    assert "lower(events.actor1)" not in seen.seen[-1][0], seen.seen[-1][0]


def test_the_api_page_as_json_text_is_the_page(store):
    # the API answers with the records' JSON text as the database gives it, without the sources:
    # the same page as the library's, decoded
    import json

    from wirewatch.records import EventSource
    from wirewatch.views import event_page, event_page_json

    sourced = _event(ROWS[5], sources=[EventSource(article_id="a1", mention_id="m1", sentence="Protest in Zürich.")])
    store.save_events([sourced])
    for filters, total_cap in [({}, None), ({}, 3), ({"q": "zürich"}, 1000), ({"actor": "nobody"}, 1000)]:
        flt = event_filter(**filters)
        for limit, offset in [(50, 0), (2, 1), (3, 9)]:
            page = event_page(store, flt, sort="-event_date", limit=limit, offset=offset, total_cap=total_cap)
            text = event_page_json(store, flt, sort="-event_date", limit=limit, offset=offset, total_cap=total_cap)
            assert json.loads(text) == page, (filters, limit, offset)
            assert all("sources" not in e for e in json.loads(text)["events"])


@pytest.mark.parametrize("sort", ["-event_date", "fatalities,-event_id", "country,-fatalities"])
def test_few_matches_gathered_then_sorted_are_the_pages_of_the_whole_order(store, sort):
    # PostgreSQL: a filter counted to have few matches is gathered first and sorted after (it
    # walked its newest-first index when it overestimated them: 0.6 s for a town's name)
    flt = event_filter(q="forces")
    whole = find_event_ids(store, flt, sort=sort)
    for limit, offset in [(1, 0), (3, 2), (10, 0)]:
        page = find_event_ids(store, flt, sort=sort, limit=limit, offset=offset, matches=len(whole))
        assert page == whole[offset : offset + limit], (limit, offset)
    with _Statements(store) as seen:
        find_event_ids(store, flt, sort=sort, limit=2, matches=len(whole))
    assert ("MATERIALIZED" in seen.seen[-1][0]) == (store.dialect == "postgresql"), seen.seen


@pytest.mark.parametrize("dated_store", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("sort", ["-event_date", "fatalities", "country,-fatalities"])
def test_a_text_counted_and_paged_at_once_gives_the_count_and_page_of_the_whole_order(dated_store, sort):
    # PostgreSQL gathers a text's matches once for a page and its count (they were gathered twice,
    # each row checked against the text each time: a town's name at 1M events, 25 + 9 ms); past
    # the cap, the page is looked for as before. The same counts and pages either way
    from wirewatch.store.events_query import count_and_find_event_ids

    for text in ("forces", "a", "kharkiv", "nothing like this"):
        flt = event_filter(q=text)
        whole = find_event_ids(dated_store, flt, sort=sort)
        for cap in (None, 0, 2, 1000):
            for limit, offset in [(1, 0), (3, 2), (10, 0), (2, 20)]:
                with _Statements(dated_store) as seen:
                    counted, page = count_and_find_event_ids(
                        dated_store, flt, sort=sort, limit=limit, offset=offset, cap=cap
                    )
                assert counted == (len(whole) if cap is None else min(len(whole), cap + 1)), (text, cap)
                assert page == whole[offset : offset + limit], (text, cap, limit, offset)
                if dated_store.dialect == "postgresql" and cap is not None:  # statements reading the text
                    reads = [sql for sql, _p in seen.seen if "LIKE" in sql]
                    assert (len(reads) == 1) == (len(whole) <= cap), (text, cap, reads)


@pytest.mark.parametrize(("sort", "index"), [("-fatalities", "ix_events_deadliest"), ("-event_date", "ix_events_newest")])
def test_postgresql_reads_a_window_from_its_index_alone(vacuumed_postgres, sort, index):
    # the newest and deadliest indexes hold the compared columns beside their keys (migration 20):
    # the first page of a map box at 1M events, 69 -> 35 ms
    from wirewatch.store import events_query

    store = vacuumed_postgres
    flt = event_filter(actor="military forces", country="Ukraine", event_type="Battles", bbox="30,40,40,55")
    with _Statements(store) as seen:
        events_query._ids_among_newest(store, flt, sort, 5, 0)
    (plan,) = seen.plans()
    assert f"Index Only Scan using {index}" in plan, plan


# boxes on cell edges, across the equator and the prime meridian, a point on a corner, tall and
# wide ones (their cells are not listed), an empty one
CELL_BOXES = [
    (36.0, 49.0, 38.0, 50.0), (36.23, 49.99, 36.23, 49.99), (-1.0, -2.0, 30.0, 1.0), (29.0, -2.0, 30.0, -1.0),
    (44.4, 33.3, 44.4, 33.3), (44.4, 33.3, 44.400001, 33.3), (3.0, 6.0, 9.0, 48.0), (0.0, 0.0, 9.9, 9.9),
    (-180.0, -90.0, 180.0, 90.0), (10.0, 10.0, 10.5, 10.5),
]  # fmt: skip


def test_a_box_read_by_its_cells_selects_what_the_plain_clauses_select(store):
    for box in CELL_BOXES:
        flt = event_filter(bbox=",".join(map(str, box)))
        assert set(find_event_ids(store, flt)) == _plain_ids(store, flt), box
        for lon in (box[0], box[2]):  # an event exactly on each corner
            for lat in (box[1], box[3]):
                store.save_events([_event((f"c{lon}:{lat}", "On the edge.", "Edge", "Nobody", None, lon, lat))])
        assert set(find_event_ids(store, flt)) == _plain_ids(store, flt), box


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_a_narrow_box_is_counted_from_the_index_of_its_cells(engine, tmp_path, request):
    # on the (longitude, latitude) b-tree a narrow box was a band of longitude around the world:
    # a 4x4-degree box with a type and a date counted in 6.2 ms at 1M events, by its cells in 1.2
    # (20,000 events: with fewer, PostgreSQL reads any index for a box as cheaply)
    db = str(tmp_path / "cells.db") if engine == "sqlite" else request.getfixturevalue("postgres_url")
    store = open_store(db)
    spread = random.Random(3)
    insert_events_bulk(store, [
        _event((f"g{i}", "Clashes.", "Here", "Militia", None, spread.uniform(-20, 60), spread.uniform(-30, 60)),
               event_type=("Battles", "Protests")[i % 2], event_date=f"2024-0{1 + i % 6}-01")
        for i in range(20_000)
    ])  # fmt: skip
    if engine == "postgresql":
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE events")
    for filters in ({"bbox": "36,49,38,50"}, {"bbox": "30,40,34,44", "event_type": "Battles", "since": "2024-03-01"}):
        flt = event_filter(**filters)
        with _Statements(store) as seen:
            count_events(store, flt, cap=1000)
        seen.seen = [(sql, params) for sql, params in seen.seen if "count(" in sql]
        assert s.BOX_CELL[engine] in seen.seen[0][0], seen.seen
        (plan,) = seen.plans()
        read = "COVERING INDEX ix_events_cell_date" if engine == "sqlite" else "Index Only Scan using ix_events_cell_date"
        assert read in plan, (filters, plan)
        assert set(find_event_ids(store, flt)) == _plain_ids(store, flt), filters
    store.close()


def test_postgresql_box_index_holds_no_column_that_places_an_event(vacuumed_postgres):
    # an actor's, a country's or a region's events lie in one part of the map: PostgreSQL counted
    # a police force's first thousand through the box index that held the actors, expecting them
    # spread along its longitude order (291,000 entries, 214 ms at 1M events); the cells' index
    # (migration 25) that replaced it leaves them out too
    with vacuumed_postgres.engine.connect() as conn:
        held = conn.exec_driver_sql(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indexrelid WHERE c.relname = 'ix_events_cell_date'"
        ).scalars().all()
    assert {"longitude", "latitude", "event_date", "fatalities", "event_type", "review_status"} <= set(held)
    assert not {"country", "iso3", "admin1", "actor1", "actor2"} & set(held), held
    # a box's count still reads it alone: test_postgresql_counts_a_combined_filter_from_an_index_alone


@pytest.fixture
def vacuumed_postgres(postgres_url):
    """ROWS on PostgreSQL, vacuumed: its visibility map lets a plan read an index alone."""
    store = open_store(postgres_url)
    store.save_events([_event(r) for r in ROWS])
    with store.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE events")
    yield store
    store.close()


def test_a_text_alone_is_counted_in_its_index(store):
    # SQLite: a text and nothing else is counted in the text index up to the cap (through the
    # events every match was gathered first); the same counts, and a rejected event still counts out
    for text in TEXTS:
        flt = event_filter(q=text)
        whole = _plain_ids(store, flt)
        for cap in (0, 1, 3, 1000):
            assert count_events(store, flt, cap=cap) == min(len(whole), cap + 1), (text, cap)
    flt = event_filter(q="forces")
    with _Statements(store) as seen:
        count_events(store, flt, cap=1000)
    (counting,) = [sql for sql, _p in seen.seen if "count(" in sql]
    assert ("FROM events " not in counting.replace("\n", " ")) == (store.dialect == "sqlite"), counting
    matching = _plain_ids(store, flt)
    with store.engine.begin() as conn:
        conn.execute(s.events.update().where(s.events.c.event_id == min(matching)).values(review_status="rejected"))
    assert count_events(store, flt, cap=1000) == len(matching) - 1


ACTORS = ["Military Forces of Russia", "police forces", "forces of", "Civilians", "M23", "of", "nobody at all"]


@pytest.mark.parametrize("review", [None, "all", "unreviewed", "confirmed", "rejected", "flagged"])
def test_an_actor_alone_is_counted_as_its_plain_clauses_count(store, review):
    # PostgreSQL counts an actor's listed names side by side (first those naming it first, then
    # those naming it second and not first: an event naming it on both sides, or with no first
    # actor, counts once); the same counts as the plain clauses, whatever the cap and review state
    store.save_events([_event(("both", "Both sides.", "Kyiv", "Police Forces of Iraq", "Police Forces of Iraq", 1, 1)),
                       _event(("second", "No first actor.", "Kyiv", None, "Military Forces of Russia", 1, 1))])  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(s.events.update().where(s.events.c.event_id == "e01").values(review_status="rejected"))
        conn.execute(s.events.update().where(s.events.c.event_id == "e04").values(review_status="confirmed"))
        conn.execute(s.events.update().where(s.events.c.event_id == "e09").values(needs_review=True))
    for text in ACTORS:
        flt = event_filter(actor=text, review=review)
        whole = _plain_ids(store, flt)
        for cap in (0, 1, 2, 1000):
            assert count_events(store, flt, cap=cap) == min(len(whole), cap + 1), (text, review, cap)
        with _Statements(store) as seen:
            count_events(store, flt, cap=1000)
        (counting,) = [sql for sql, _p in seen.seen if "count(" in sql]
        named = bool(_plain_ids(store, event_filter(actor=text, review="all")))  # names are listed
        side_by_side = store.dialect == "postgresql" and review != "flagged" and named
        assert ("UNION ALL" in counting) == side_by_side, (text, review, counting)


def test_postgresql_counts_an_actor_from_its_two_indexes_alone(vacuumed_postgres):
    # written as one OR, the count walked the deadliest-first index testing each entry (a
    # country's police force at 1M events: 17-22 ms); each actor index holds the review state and
    # the actor columns (migration 26), so each side is read from its index alone
    store = vacuumed_postgres
    with _Statements(store) as seen:
        count_events(store, event_filter(actor="military forces of russia"), cap=1000)
    seen.seen = [(sql, params) for sql, params in seen.seen if "count(" in sql]
    (plan,) = seen.plans()
    for index in ("ix_events_actor1_date", "ix_events_actor2_date"):
        assert f"Index Only Scan using {index}" in plan, plan
    assert "Heap" not in plan and "deadliest" not in plan, plan


@pytest.mark.parametrize("dated_store", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("sort", ["-event_date", "event_date", "-fatalities", "-confidence"])
def test_a_text_with_many_matches_is_probed_in_the_order_and_pages_alike(dated_store, sort, monkeypatch):
    # SQLite, many matches and no page among the newest: the index of the order is walked and the
    # text's matches are only looked up in (unary +); the same pages as the whole order. A text
    # alone with a sort that has no index to walk (confidence) is not probed: it would read every
    # row. With other parts that match few events, their index is walked whatever the sort
    from wirewatch.store import event_filter as ef
    from wirewatch.store import events_query

    monkeypatch.setattr(events_query, "FEW_MATCHES", 0)
    monkeypatch.setattr(ef, "MAX_LISTED_TEXT_ROWS", 0)  # the text's events are not listed
    monkeypatch.setattr(events_query, "NEWEST_WINDOW", 1)  # the window never holds a page
    for filters_given in ({"q": "forces"}, {"q": "a", "country": "Ukraine"}, {"q": "kharkiv", "since": "2024-03-01"}):
        flt = event_filter(**filters_given)
        whole = find_event_ids(dated_store, flt, sort=sort)
        with _Statements(dated_store) as seen:
            for limit, offset in [(1, 0), (2, 1), (5, 0)]:
                page = find_event_ids(dated_store, flt, sort=sort, limit=limit, offset=offset, matches=len(whole))
                assert page == whole[offset : offset + limit], (filters_given, limit, offset)
        probed = any("+events.rowid" in sql for sql, _params in seen.seen)
        walkable = sort != "-confidence" or len(filters_given) > 1
        assert probed == (dated_store.dialect == "sqlite" and len(filters_given["q"]) >= 3 and walkable), seen.seen


def test_a_narrow_box_is_read_from_the_plain_columns_and_a_wide_one_from_the_box_index(store):
    # both databases: PostgreSQL estimates any GiST box at a fixed share of the rows and took it
    # even for a box of 55,000 events (1M events: a 2x2-degree page 33-38 -> 14-15 ms without it)
    for box, through_index in (("36,49,38,50", False), ("20,45,40,55", True)):
        with _Statements(store) as seen:
            count_events(store, event_filter(bbox=box), cap=1000)
        (counting,) = [sql for sql, _p in seen.seen if "count(" in sql]
        index_part = "events_box" if store.dialect == "sqlite" else "point("
        assert (index_part in counting) == through_index, (box, counting)


def test_postgresql_counts_a_combined_filter_from_an_index_alone(vacuumed_postgres):
    # the newest-first indexes of a country, a region, a type and an ISO code hold the compared
    # columns (migration 20): a country's type in a month at 1M events, 42 -> 10 ms a page
    store = vacuumed_postgres
    for filters in (
        {"country": "Ukraine", "event_type": "Battles", "since": "2024-01-01", "until": "2024-06-01"},
        {"event_type": "Battles", "bbox": "30,45,40,55", "min_fatalities": 0},
        {"admin1": "Kharkiv", "actor": "military forces of russia", "min_sources": 0},
        # a narrow box: test_a_narrow_box_is_counted_from_the_index_of_its_cells
    ):
        with _Statements(store) as seen:
            count_events(store, event_filter(**filters), cap=1000)
        seen.seen = [(sql, params) for sql, params in seen.seen if "count(" in sql]
        (plan,) = seen.plans()
        assert "Index Only Scan" in plan and "Heap" not in plan, (filters, plan)


@pytest.mark.parametrize("sort", ["-event_date", "-fatalities"])
def test_a_window_folds_the_case_of_a_text_as_the_text_index_does(tmp_path, sort, monkeypatch):
    # SQLite's lower() folds ASCII letters only: the window's LIKE missed "ÜBERLINGEN" for
    # "überlingen", which the text index (and PostgreSQL) finds, so a page read among the newest
    # events was not the page of the whole order
    from wirewatch.store import events_query

    monkeypatch.setattr(events_query, "NEWEST_WINDOW", 4)
    monkeypatch.setattr(events_query, "WINDOW_PAGE_SHARE", 1)
    store = open_store(str(tmp_path / "fold.db"))
    rows = [(f"u{i}", f"Raid in {name}.", name, "Police Forces of Germany", None, 9.16, 47.77)
            for i, name in enumerate(["ÜBERLINGEN", "überlingen", "überlingen", "ÜBERLINGEN"])]  # fmt: skip
    days = ["2024-03-04", "2024-03-03", "2024-03-02", "2024-03-01"]
    insert_events_bulk(store, [_event(r, event_date=d, fatalities=5 - i) for i, (r, d) in enumerate(zip(rows, days, strict=True))])
    flt = event_filter(q="überlingen")
    whole = find_event_ids(store, flt, sort=sort)
    assert len(whole) == 4
    assert find_event_ids(store, flt, sort=sort, limit=2, matches=len(whole)) == whole[:2]
    assert find_event_ids(store, flt, sort=sort, limit=2) == whole[:2]
    store.close()


def test_a_text_held_by_few_events_is_looked_up_once_for_its_page(store):
    # SQLite: a text held by at most MAX_LISTED_TEXT_ROWS events is looked up in the text index
    # first and its events listed: the page's count and look-up take them from the list (before,
    # each asked the index again: a town's name at 1M events, 17 -> 11 ms a page)
    from wirewatch.views import event_page

    for text in ("kharkiv", "forces", "nothing like this", "zürich"):
        flt = event_filter(q=text)
        with _Statements(store) as seen:
            page = event_page(store, flt, sort="-event_date", limit=2, offset=0, total_cap=1000)
        assert page["total"] == len(_plain_ids(store, flt)), text
        assert {e["event_id"] for e in page["events"]} <= _plain_ids(store, flt), text
        lookups = [sql for sql, _p in seen.seen if "events_text" in sql]
        assert len(lookups) == (1 if store.dialect == "sqlite" else 0), (text, lookups)


@pytest.mark.parametrize("under", [1, 20_000])
def test_a_common_text_is_probed_when_its_other_parts_match_few_events(store, monkeypatch, under):
    # SQLite: a text held by many events, with other parts that match fewer than
    # PROBE_TEXT_UNDER, is only probed (unary +): the other parts' index is walked and each event
    # checked against the text's matches, instead of reading every match's row (a big city's name
    # in one month at 1M events: 59-70 -> 33-35 ms a page). The same events either way
    from wirewatch.store import event_filter as ef

    monkeypatch.setattr(ef, "MAX_LISTED_TEXT_ROWS", 0)  # every text is "many"
    monkeypatch.setattr(ef, "GATHERED_TEXT_ROWS", 0)  # and too common to gather
    monkeypatch.setattr(ef, "PROBE_TEXT_UNDER", under)
    for filters in ({"q": "forces", "country": "Ukraine"}, {"q": "for", "since": "2024-01-01"}, {"q": "forces"}):
        flt = event_filter(**filters)
        with _Statements(store) as seen:
            counted = count_events(store, flt)
            listed = set(find_event_ids(store, flt))
        assert counted == len(listed) and listed == _plain_ids(store, flt), filters
        probed = any("+events.rowid" in sql for sql, _p in seen.seen)
        few_others = len(filters) > 1 and under > len(ROWS)
        assert probed == (store.dialect == "sqlite" and few_others), (filters, seen.seen)


@pytest.mark.parametrize("dated_store", ["sqlite", "postgresql"], indirect=True)
def test_a_window_edge_is_reused_for_a_while_and_pages_stay_those_of_the_whole_order(dated_store, monkeypatch):
    # the window's edge (its NEWEST_WINDOW-th event) is read again only after EDGE_REUSE_SECONDS:
    # any edge bounds a first part of the order, so with newer events since, the pages are still
    # those of the whole order
    from wirewatch.store import events_query

    flt = event_filter(q="forces")

    def edge_reads() -> int:
        with _Statements(dated_store) as seen:
            page = find_event_ids(dated_store, flt, sort="-event_date", limit=2)
        assert page == find_event_ids(dated_store, flt, sort="-event_date")[:2]
        return sum("OFFSET" in sql and "WHERE" not in sql for sql, _p in seen.seen)

    assert edge_reads() == 1
    assert edge_reads() == 0  # reused
    newer = [_event((f"n{i}", "Police forces moved in.", "Kyiv", "Police Forces of Ukraine", None, 30.5, 50.4),
                    event_date=f"2024-04-0{i}") for i in range(1, 4)]  # fmt: skip
    insert_events_bulk(dated_store, newer)
    assert edge_reads() == 0  # an older edge: the newer events are in its window too
    monkeypatch.setattr(events_query, "EDGE_REUSE_SECONDS", -1.0)
    assert edge_reads() == 1


def test_a_common_text_met_with_few_other_matches_is_listed(store, monkeypatch):
    # SQLite: a common text whose other parts match few events (PROBE_TEXT_UNDER), with at most
    # GATHERED_TEXT_ROWS matches, is gathered from the text index and met with the others'
    # events; when at most MAX_LISTED_TEXT_ROWS hold both, they are listed as a rare text's are
    # (a big city's name in a month at 1M events: 32-35 -> 21-22 ms a page). Else it is probed
    from wirewatch.store import event_filter as ef

    monkeypatch.setattr(ef, "MAX_LISTED_TEXT_ROWS", 1)  # a text held by two events is "many"
    for filters in ({"q": "forces", "bbox": "36,49,37,50.5"}, {"q": "police", "bbox": "44,33,45,34"},
                    {"q": "forces", "bbox": "0,0,1,1"}):  # fmt: skip
        flt = event_filter(**filters)
        with _Statements(store) as seen:
            counted = count_events(store, flt)
            listed = set(find_event_ids(store, flt))
        assert counted == len(listed) and listed == _plain_ids(store, flt), filters
        met = any("json_each" in sql for sql, _p in seen.seen if "events_text" not in sql)
        probed = any("+events.rowid" in sql for sql, _p in seen.seen)
        if store.dialect == "sqlite":
            assert (met, probed) == ((True, False) if len(listed) <= 1 else (False, True)), (filters, seen.seen)
        else:
            assert not met and not probed


def _many_events(start: int, n: int) -> list[Event]:
    """n events, two types and sixty countries (start: the first one's number)."""
    return [
        _event((f"m{i}", "Clashes.", "Here", "Militia", None, 30.0, 40.0),
               event_type=("Battles", "Protests")[i % 2], country=f"Country {i % 60}")
        for i in range(start, start + n)
    ]  # fmt: skip


def test_planner_statistics_come_from_every_index_entry(tmp_path):
    # SQLite: a sampled ANALYZE read each index's first thousand entries, all of one type, so a
    # type looked as selective as an event id and SQLite counted "protests in Yemen" through the
    # narrow type-and-toll index and every protest's row (1M events: 62 ms against 2)
    store = open_store(str(tmp_path / "stats.db"))
    insert_events_bulk(store, _many_events(0, 6000))
    with store.engine.connect() as conn:
        stat = conn.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_events_type_date'").scalar()
    assert stat.split()[:2] == ["6000", "3000"], stat  # 3,000 events per type
    flt = event_filter(country="Country 7", event_type="Protests")
    plan = _plan(store, lambda: count_events(store, flt, cap=1000), as_if_large=False)
    assert "ix_events_country_date" in plan, plan
    store.close()


def test_planner_statistics_are_taken_again_when_the_events_have_doubled(tmp_path):
    # they are proportions, which hold as the table grows, and taking them reads every index
    store = open_store(str(tmp_path / "stats.db"))
    analyses: list[str] = []

    def record(_conn, _cursor, statement, *_rest):
        if statement.startswith("ANALYZE"):
            analyses.append(statement)

    sa.event.listen(store.engine, "before_cursor_execute", record)
    for start, n, taken in [(0, 100, 1), (100, 50, 0), (150, 49, 0), (199, 2, 1), (201, 10, 0)]:
        analyses.clear()
        insert_events_bulk(store, _many_events(start, n))
        assert len(analyses) == taken, (start, n)
    store.close()


def _text_segments(store) -> int:
    """SQLite: how many segments the FTS5 text index holds (each is searched for every trigram)."""
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(DISTINCT segid) FROM events_text_idx").scalar_one()


def test_the_text_index_is_merged_into_one_segment_when_the_events_have_doubled(tmp_path):
    # each transaction writes a segment, and FTS5 merges them only in part: 25 segments at a
    # million events, each searched for every trigram (a look-up 2.4 times dearer)
    store = open_store(str(tmp_path / "text.db"))
    insert_events_bulk(store, _many_events(0, 100))
    assert _text_segments(store) == 1
    for start in range(100, 180, 10):  # 80 more events, eight transactions: no doubling
        insert_events_bulk(store, _many_events(start, 10))
    assert _text_segments(store) > 1
    insert_events_bulk(store, _many_events(180, 30))  # 210 events: more than twice as many
    assert _text_segments(store) == 1
    assert _ids(store, q="clashes") == {f"m{i}" for i in range(210)}
    store.close()


def test_migration_23_merges_the_text_index(tmp_path):
    store = open_store(str(tmp_path / "text.db"))
    insert_events_bulk(store, _many_events(0, 100))
    for start in range(100, 150, 10):
        insert_events_bulk(store, _many_events(start, 10))
    assert _text_segments(store) > 1
    with store.engine.begin() as conn:
        s._merged_text_index_v23(conn)
    assert _text_segments(store) == 1
    assert _ids(store, q="clashes") == {f"m{i}" for i in range(150)}
    store.close()


@pytest.mark.parametrize("dated_store", ["sqlite", "postgresql"], indirect=True)
def test_sqlite_looks_for_a_plain_filters_deadliest_page_among_the_deadliest(dated_store):
    # SQLite has no toll index per filter part: it gathered a plain filter's matches from that
    # part's index and sorted them (1M events, a month by toll: 70 ms a page); the deadliest
    # window holds its compared columns. PostgreSQL walks its deadliest-first index by itself
    flt = event_filter(country="Ukraine", since="2024-02-01")
    whole = find_event_ids(dated_store, flt, sort="-fatalities")
    with _Statements(dated_store) as seen:
        page = find_event_ids(dated_store, flt, sort="-fatalities", limit=2)
    assert page == whole[:2]
    walked = any("INDEXED BY ix_events_fatalities_id" in sql for sql, _p in seen.seen)
    assert walked == (dated_store.dialect == "sqlite"), seen.seen
