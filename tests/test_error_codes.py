"""Error codes are named constants: code refers to a problem by name, so a typo fails on import."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from wirewatch import errors

SRC = Path(__file__).resolve().parents[1] / "src" / "wirewatch"
CODE = re.compile(r"[\"']W\d{3}[\"']")


def _named_codes() -> dict[str, str]:
    return {name: value for name, value in vars(errors).items() if name.isupper() and name != "CODES"}


def _code_literals(path: Path) -> list[str]:
    """String literals that are a bare code, in code (docstrings mention codes in prose)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [t.string[1:-1] for t in tokens if t.type == tokenize.STRING and CODE.fullmatch(t.string)]


def test_every_code_has_one_name_and_a_meaning():
    named = _named_codes()
    assert sorted(named.values()) == sorted(errors.CODES)
    assert len(set(named.values())) == len(named)


def test_code_outside_errors_py_uses_the_names():
    literal_uses = {
        str(path.relative_to(SRC)): found
        for path in SRC.rglob("*.py")
        if path.name != "errors.py" and (found := _code_literals(path))
    }
    assert not literal_uses
