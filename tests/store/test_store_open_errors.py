"""A --db that is not a wirewatch database is one line on stderr and exit 2, never a traceback."""

from __future__ import annotations

import sqlite3

import pytest
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.errors import WirewatchError
from wirewatch.store import open_store
from wirewatch.store import schema as s

runner = CliRunner()


def _one_line_error(args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error W020: "), result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["events", "articles", "stories", "mentions", "review"])
def test_a_text_file_as_database(tmp_path, command):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database at all\n", encoding="utf-8")
    _one_line_error([command, "--db", str(notes)], "not a database (not a SQLite file)")


def test_run_into_a_text_file_leaves_it_alone(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Gunmen killed two people in Kaduna on Monday, police said.", encoding="utf-8")
    _one_line_error(["run", str(article), "--db", str(notes)], "not a database")
    assert notes.read_text(encoding="utf-8") == "keep me\n"


def test_a_folder_as_database(tmp_path):
    _one_line_error(["events", "--db", str(tmp_path)], "is a folder, not a database file")


def test_another_programs_database_is_refused_and_left_untouched(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    _one_line_error(["events", "--db", str(other)], "not a wirewatch database")
    with sqlite3.connect(other) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"contacts"}


def test_a_database_from_a_newer_wirewatch_is_refused(tmp_path):
    path = str(tmp_path / "newer.db")
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(s.SCHEMA_VERSION + 5),))
    with pytest.raises(WirewatchError, match="made by a newer wirewatch"):
        open_store(path)


def test_an_unreachable_server_is_one_line():
    _one_line_error(["events", "--db", "postgresql://nobody@127.0.0.1:1/none"], "cannot open database")


def test_an_empty_file_is_a_new_database(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    store = open_store(str(empty))
    assert store.schema_version() == s.SCHEMA_VERSION
    store.close()
