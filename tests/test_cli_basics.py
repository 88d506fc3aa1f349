"""The command line: help everywhere, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from wirewatch.cli import app

runner = CliRunner()
COMMANDS = sorted(typer.main.get_command(app).commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_version_and_config():
    assert runner.invoke(app, ["--version"]).output.startswith("wirewatch ")
    result = runner.invoke(app, ["config"])
    assert result.exit_code == 0 and "[ingest]" in result.output


@pytest.mark.parametrize("command", ["articles", "events", "mentions"])
def test_missing_database_is_one_line_exit_2(tmp_path, command):
    result = subprocess.run(
        [sys.executable, "-m", "wirewatch.cli", command, "--db", str(tmp_path / "none.db")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "W020" in result.stderr and "Traceback" not in result.stderr


def test_bad_config_file_is_one_line_exit_2(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[nope]\nx = 1\n")
    result = subprocess.run(
        [sys.executable, "-m", "wirewatch.cli", "run", str(tmp_path), "--db", str(tmp_path / "w.db"), "--config", str(cfg)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 2 and "W021" in result.stderr and "Traceback" not in result.stderr
