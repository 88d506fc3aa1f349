"""Exports: CSV with ACLED's columns, GeoJSON, Parquet, JSONL; identical for SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from wirewatch.errors import WirewatchError
from wirewatch.export import ACLED_COLUMNS, COLUMNS, FORMATS, export_events
from wirewatch.store import open_store
from wirewatch.store.events_query import EventFilter


@pytest.fixture
def sqlite_store(tmp_path, populated):
    return populated(open_store(str(tmp_path / "events.db")))


def test_csv_loads_in_pandas_with_acled_columns_in_order(tmp_path, sqlite_store):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "events.csv"
    result = export_events(sqlite_store, "csv", out)
    assert result.written == 4
    df = pd.read_csv(out)
    assert list(df.columns[: len(ACLED_COLUMNS)]) == list(ACLED_COLUMNS)
    assert list(df.columns) == list(COLUMNS)
    baghdad = df[df["location"] == "Baghdad"].iloc[0]
    assert baghdad["source_count"] == 2 and baghdad["independent_source_count"] == 1
    assert baghdad["source"] == "Daily Ledger; Morning Post"
    assert baghdad["region"] == "Middle East" and baghdad["iso"] == 368 and baghdad["year"] == 2024
    assert baghdad["event_id_cnty"].startswith("IRQ-")
    assert df["event_date"].tolist() == sorted(df["event_date"].tolist())


def test_geojson_is_a_valid_feature_collection(tmp_path, sqlite_store):
    out = tmp_path / "events.geojson"
    result = export_events(sqlite_store, "geojson", out)
    assert (result.written, result.skipped_no_coordinates) == (3, 1)  # the protest has no point
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 3
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert (lat, lon) == (feature["properties"]["latitude"], feature["properties"]["longitude"])


def test_parquet_reads_in_duckdb_and_pandas(tmp_path, sqlite_store):
    duckdb = pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    out = tmp_path / "events.parquet"
    export_events(sqlite_store, "parquet", out)
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT location, fatalities FROM read_parquet('{out}') ORDER BY fatalities DESC"
    ).fetchall()
    assert rows[0] == ("Quetta", 7)
    total = con.execute(f"SELECT count(*), sum(source_count) FROM read_parquet('{out}')").fetchone()
    assert total == (4, 5)
    df = pd.read_parquet(out)
    assert list(df.columns) == list(COLUMNS) and len(df) == 4


def test_jsonl_has_whole_records_with_sources(tmp_path, sqlite_store):
    out = tmp_path / "events.jsonl"
    export_events(sqlite_store, "jsonl", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4
    baghdad = next(r for r in records if r["location"] == "Baghdad")
    assert len(baghdad["sources"]) == 2 and baghdad["sources"][0]["values"]["fatalities"] == 3


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (EventFilter(since="2024-02-01"), {"Baghdad", "Basra", None}),
        (EventFilter(until="2024-01-31"), {"Quetta"}),
        (EventFilter(country="pak"), {"Quetta", None}),
        (EventFilter(country="Iraq"), {"Baghdad", "Basra"}),
        (EventFilter(event_type="Battles"), {"Quetta"}),
        (EventFilter(actor="kata'ib"), {"Baghdad", "Basra"}),
        (EventFilter(min_fatalities=2), {"Baghdad", "Quetta"}),
        (EventFilter(country="Iraq", min_fatalities=2), {"Baghdad"}),
    ],
)
def test_export_filters(tmp_path, sqlite_store, flt, expected):
    out = tmp_path / "f.jsonl"
    export_events(sqlite_store, "jsonl", out, flt)
    locations = {json.loads(line)["location"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert locations == expected


def test_unknown_format_is_a_user_error(tmp_path, sqlite_store):
    with pytest.raises(WirewatchError) as info:
        export_events(sqlite_store, "xlsx", tmp_path / "x")
    assert info.value.code == "W040"


@pytest.mark.postgres
def test_sqlite_and_postgres_exports_are_byte_identical(tmp_path, populated, postgres_url):
    lite = populated(open_store(str(tmp_path / "lite.db")))
    pg = populated(open_store(postgres_url))
    try:
        for fmt in FORMATS:
            a, b = tmp_path / f"lite.{fmt}", tmp_path / f"pg.{fmt}"
            export_events(lite, fmt, a)
            export_events(pg, fmt, b)
            assert a.read_bytes() == b.read_bytes(), fmt
    finally:
        pg.close()
