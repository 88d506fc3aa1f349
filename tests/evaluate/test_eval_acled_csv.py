"""`wirewatch eval` with an ACLED-format CSV as gold: the user's own coding, scored field by field."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from wirewatch.cli import app

runner = CliRunner()

# Our own sentences, and our own coding of them in ACLED's columns.
ARTICLES = [
    {"id": "n1", "published_at": "2024-03-11", "text": (
        "Gunmen shot dead four soldiers at a checkpoint near Kaduna, Nigeria, on Monday, "
        "the army said.")},
    {"id": "n2", "published_at": "2024-03-12", "text": (
        "Hundreds of traders marched peacefully through Nairobi, Kenya, on Tuesday to protest "
        "against a new market levy.")},
]  # fmt: skip
COLUMNS = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "inter1",
           "country", "iso3", "admin1", "location", "latitude", "longitude", "geo_precision",
           "fatalities", "notes", "article"]  # fmt: skip
GOLD = [
    {"event_id_cnty": "T1", "event_date": "2024-03-11", "event_type": "Battles",
     "sub_event_type": "Armed clash", "actor1": "Unidentified Armed Group (Nigeria)",
     "actor2": "Military Forces of Nigeria", "inter1": "3", "country": "Nigeria", "iso3": "NGA",
     "admin1": "Kaduna", "location": "Kaduna", "latitude": "10.5264", "longitude": "7.4388",
     "geo_precision": "1", "fatalities": "4", "notes": "", "article": "n1"},
    {"event_id_cnty": "T2", "event_date": "2024-03-12", "event_type": "Protests",
     "sub_event_type": "Peaceful protest", "actor1": "Protesters (Kenya)", "actor2": "",
     "inter1": "6", "country": "Kenya", "iso3": "KEN", "admin1": "Nairobi", "location": "Nairobi",
     "latitude": "-1.2833", "longitude": "36.8167", "geo_precision": "1", "fatalities": "0",
     "notes": "", "article": ""},
]  # fmt: skip


def _setup(tmp_path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    gold = tmp_path / "gold.csv"
    with gold.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(GOLD)
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["run", str(inputs), "--db", db]).exit_code == 0
    return gold, db


def test_eval_scores_an_acled_csv_by_article_and_by_place(tmp_path):
    gold, db = _setup(tmp_path)
    result = runner.invoke(app, ["eval", str(gold), "--db", db, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = {r["field"]: r for r in map(json.loads, result.output.splitlines())}
    # one row pairs through its article column, the other by date and place
    assert rows["detection"]["all"] == 1.0
    assert rows["event type"]["found"] == 1.0 and rows["country"]["found"] == 1.0


def test_eval_table_prints_the_confusion_and_details_list_disagreements(tmp_path):
    gold, db = _setup(tmp_path)
    table = runner.invoke(app, ["eval", str(gold), "--db", db])
    assert table.exit_code == 0 and "2 gold events, 2 found" in table.output and "Battles" in table.output
    details = runner.invoke(app, ["eval", str(gold), "--db", db, "--details", "--format", "csv"])
    assert details.exit_code == 0 and details.output.startswith("field,count,analysts,wirewatch")


def test_eval_refuses_a_csv_that_is_not_acled_format_in_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    db = str(tmp_path / "w.db")
    runner.invoke(app, ["run", str(tmp_path / "none"), "--db", db])
    result = runner.invoke(app, ["eval", str(bad), "--db", db])
    assert result.exit_code != 0
    assert "W030" in result.output and "bad.csv" in result.output and "Traceback" not in result.output
