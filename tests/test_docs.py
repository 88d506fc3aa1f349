"""The CLI reference and the error-code table are kept in step with the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_cli_reference", ROOT / "scripts" / "gen_cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_matches_help():
    gen = _generator()
    assert (ROOT / "docs" / "cli.md").read_text() == gen.render(), (
        "docs/cli.md is out of date: run `python scripts/gen_cli_reference.py`"
    )


def test_error_codes_documented():
    gen = _generator()
    assert (ROOT / "docs" / "errors.md").read_text() == gen.render_errors(), (
        "docs/errors.md is out of date: run `python scripts/gen_cli_reference.py`"
    )


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "\nmake test\n" in (ROOT / ".ci" / "run").read_text()


def test_api_reference_matches_openapi():
    spec = importlib.util.spec_from_file_location("gen_api_reference", ROOT / "scripts" / "gen_api_reference.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (ROOT / "docs" / "api.md").read_text() == gen.render(), (
        "docs/api.md is out of date: run `python scripts/gen_api_reference.py`"
    )
