"""Text normalisation: units (lines or paragraphs) in, clean paragraphs out."""

from __future__ import annotations

import re

from wirewatch.clean.ruleset import ends_like_sentence

# invisible characters that only get in the way of matching; typographic quotes are kept as they are
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_RUN = re.compile(r"\n\s*\n")
# hard-wrapped copy (e-mailed wires, plain-text feeds) wraps at 50-110 characters, and every line
# but the last of a paragraph fills most of that width
_WRAP_MIN_WIDTH = 50
_WRAP_MAX_WIDTH = 110
_WRAP_FILL = 0.6
_PARAGRAPH_END_FILL = 0.8


# wide gaps inside a short line separate the columns of a scraped menu ("MENU   World   Opinion")
_COLUMN_GAP = re.compile(r"(?<=\S)(?:[ \u00a0]{3,}|\t+)(?=\S)")
_COLUMN_LINE_MAX_CHARS = 200


def normalize_line(line: str) -> str:
    line = line.translate(_INVISIBLE)
    if len(line) <= _COLUMN_LINE_MAX_CHARS:
        line = _COLUMN_GAP.sub(" | ", line)
    return _SPACES.sub(" ", line).strip()


def split_units(text: str) -> list[str]:
    """Split text into units: one per line, except hard-wrapped prose, which is joined into paragraphs.

    Scraped pages put one menu item, headline or paragraph per line; e-mailed wire copy wraps
    long paragraphs at a fixed width. A block of lines is wrapped prose when its lines are of
    similar length near a wrap width and its last line ends a sentence (link lists do not).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    units: list[str] = []
    for block in _BLANK_RUN.split(text):
        lines = [normalize_line(x) for x in block.split("\n")]
        lines = [x for x in lines if x]
        if _hard_wrapped(lines):
            units.extend(_join_wrapped(lines))
        else:
            units.extend(lines)
    return units


def _hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2 or not _stops(lines[-1]):
        return False
    width = max(len(x) for x in lines)
    if not _WRAP_MIN_WIDTH <= width <= _WRAP_MAX_WIDTH:
        return False
    # a line may end short where its paragraph ends; at least one line must really wrap
    full = [len(x) >= _WRAP_FILL * width for x in lines[:-1]]
    ends = [_stops(x) for x in lines[:-1]]
    return all(f or e for f, e in zip(full, ends, strict=True)) and any(
        f and not e for f, e in zip(full, ends, strict=True)
    )


def _join_wrapped(lines: list[str]) -> list[str]:
    """Join wrapped lines; a line that ends a sentence well short of the width ends a paragraph."""
    width = max(len(x) for x in lines)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if _stops(line) and len(line) < _PARAGRAPH_END_FILL * width:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _stops(line: str) -> bool:
    return ends_like_sentence(line) or line.endswith((":", "…", "...")) or line[-1:] in "\"”’'"


def join_paragraphs(units: list[str]) -> str:
    """Paragraphs separated by exactly one blank line, no trailing spaces."""
    return "\n\n".join(u.strip() for u in units if u.strip())
