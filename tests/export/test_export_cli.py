"""`wirewatch export` on the command line: formats, filters, one-line errors."""

from __future__ import annotations

import csv
import json

from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.export import COLUMNS
from wirewatch.store import open_store


def test_export_command_writes_each_format(tmp_path, populated):
    db = str(tmp_path / "cli.db")
    populated(open_store(db)).close()
    runner = CliRunner()
    out = tmp_path / "events.csv"
    result = runner.invoke(
        app, ["export", "--db", db, "--format", "csv", "-o", str(out), "--country", "Iraq"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["location"] for r in rows] == ["Baghdad", "Basra"]
    assert list(rows[0]) == list(COLUMNS)
    geo = tmp_path / "events.geojson"
    result = runner.invoke(app, ["export", "--db", db, "-f", "geojson", "-o", str(geo)])
    assert result.exit_code == 0 and "1 without coordinates left out" in result.output
    assert len(json.loads(geo.read_text())["features"]) == 3
    result = runner.invoke(app, ["export", "--db", db, "-f", "jsonl", "--min-fatalities", "5", "--since", "2024-01-01",
                                 "--until", "2024-12-31", "--type", "Battles", "--actor", "balochistan"])  # fmt: skip
    assert result.exit_code == 0
    lines = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
    assert [x["location"] for x in lines] == ["Quetta"]


def test_export_errors_are_one_line(tmp_path, populated):
    db = str(tmp_path / "cli.db")
    populated(open_store(db)).close()
    runner = CliRunner()
    bad = runner.invoke(app, ["export", "--db", db, "-f", "xlsx", "-o", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "error W040" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(app, ["export", "--db", str(tmp_path / "nope.db"), "-o", str(tmp_path / "x.csv")])
    assert missing.exit_code == 2 and "error W020" in missing.output


def test_events_and_export_sort_as_the_api_does(tmp_path, populated):
    from wirewatch.store.event_filter import SORTABLE

    db = str(tmp_path / "cli.db")
    populated(open_store(db)).close()
    runner = CliRunner()
    listed = runner.invoke(app, ["events", "--db", db, "-f", "jsonl", "--sort", "-fatalities"])
    assert listed.exit_code == 0, listed.output
    tolls = [json.loads(x)["fatalities"] for x in listed.stdout.splitlines() if x.startswith("{")]
    assert len(tolls) == 4 and tolls == sorted(tolls, key=lambda n: -1 if n is None else n, reverse=True)
    out = tmp_path / "deadliest.csv"
    exported = runner.invoke(app, ["export", "--db", db, "-o", str(out), "--sort", "-fatalities,event_id"])
    assert exported.exit_code == 0, exported.output
    assert [int(r["fatalities"] or -1) for r in csv.DictReader(out.open(encoding="utf-8"))][0] == max(
        t for t in tolls if t is not None
    )
    bad = runner.invoke(app, ["events", "--db", db, "--sort", "deaths"])
    assert bad.exit_code == 2 and "error W040" in bad.output and "Traceback" not in bad.output
    shown = runner.invoke(app, ["events", "--help"], terminal_width=200).output
    assert all(name in shown for name in SORTABLE)
