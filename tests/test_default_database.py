"""The database a command uses without --db: $WIREWATCH_DB, else [store] database of the config
file ($WIREWATCH_CONFIG or ~/.config/wirewatch/config.toml), else wirewatch.db."""

from __future__ import annotations

from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.store import open_store

runner = CliRunner()


def _db_with_one_event(path, populated) -> str:  # type: ignore[no-untyped-def]
    populated(open_store(str(path))).close()
    return str(path)


def test_wirewatch_db_names_the_default_database(tmp_path, populated, monkeypatch):
    db = _db_with_one_event(tmp_path / "env.db", populated)
    monkeypatch.setenv("WIREWATCH_DB", db)
    result = runner.invoke(app, ["events", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 4


def test_the_config_key_names_it_and_the_environment_wins(tmp_path, populated, monkeypatch):
    db = _db_with_one_event(tmp_path / "config.db", populated)
    config = tmp_path / "config.toml"
    config.write_text(f'[store]\ndatabase = "{db}"\n', encoding="utf-8")
    monkeypatch.setenv("WIREWATCH_CONFIG", str(config))
    assert runner.invoke(app, ["events", "--format", "jsonl"]).stdout.count("\n") == 4
    monkeypatch.setenv("WIREWATCH_DB", str(tmp_path / "elsewhere.db"))
    missing = runner.invoke(app, ["events"])
    assert missing.exit_code == 2 and "elsewhere.db" in missing.stderr and "W020" in missing.stderr
