"""Loads the extract lexicons (data files in extract/lexicons/) once per process."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed JSON lexicon `lexicons/<name>.json`."""
    path = resources.files("wirewatch.extract").joinpath("lexicons", f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def alternation(patterns: list[str]) -> str:
    """One regex alternation, longest patterns first so the most specific phrase wins."""
    return "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))
