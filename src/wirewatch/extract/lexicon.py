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


def bounded(pattern: str, *, not_after: str = r"[\w-]") -> str:
    """`pattern` as whole words: no word character or hyphen just after it, and none of
    `not_after` (a word character or hyphen unless told) just before it."""
    return rf"(?<!{not_after})(?:{pattern})(?![\w-])"
