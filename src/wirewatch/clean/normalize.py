"""Text normalisation: units (lines or paragraphs) in, clean paragraphs out."""

from __future__ import annotations

import re

from wirewatch.clean.ruleset import ends_like_sentence

# invisible characters that only get in the way of matching; typographic quotes are kept as they are
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUN = re.compile(r"\n\s*\n")
# a hard-wrapped prose line is at least this long; shorter lines are labels, menu items, headings
_WRAPPED_LINE_MIN_CHARS = 50


def normalize_line(line: str) -> str:
    return _SPACES.sub(" ", line.translate(_INVISIBLE)).strip()


def split_units(text: str) -> list[str]:
    """Split text into units: paragraphs, with single lines kept apart unless they are wrapped prose.

    Scraped pages put one menu item, headline or paragraph per line; e-mailed wire copy wraps
    long paragraphs at a fixed width. A line joins the next when it is long and stops mid-sentence.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    units: list[str] = []
    for block in _BLANK_RUN.split(text):
        lines = [normalize_line(x) for x in block.split("\n")]
        lines = [x for x in lines if x]
        current = last = ""
        for line in lines:
            if current and len(last) >= _WRAPPED_LINE_MIN_CHARS and not _stops(last):
                current = f"{current} {line}"
            else:
                if current:
                    units.append(current)
                current = line
            last = line
        if current:
            units.append(current)
    return units


def _stops(line: str) -> bool:
    return ends_like_sentence(line) or line.endswith((":", "…", "...")) or line[-1:] in "\"”’'"


def join_paragraphs(units: list[str]) -> str:
    """Paragraphs separated by exactly one blank line, no trailing spaces."""
    return "\n\n".join(u.strip() for u in units if u.strip())
