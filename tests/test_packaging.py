"""Packaging metadata in the current forms, so `pip install` prints no deprecation warnings."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_licence_is_a_spdx_expression_with_a_backend_that_reads_it():
    data = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert data["project"]["license"] == "Apache-2.0"  # PEP 639: a string, not a {text = ...} table
    (backend,) = [r for r in data["build-system"]["requires"] if r.startswith("setuptools")]
    version = re.search(r">=\s*(\d+)", backend)
    assert version and int(version.group(1)) >= 77  # the first setuptools that reads PEP 639 licences
