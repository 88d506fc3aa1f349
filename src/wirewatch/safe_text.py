"""Text made safe for where it goes: the database (valid Unicode), a spreadsheet (no formulas) and
a terminal (no control sequences).

wirewatch reads untrusted text from the open web and shows it to people, so three things are
neutralised at the edges:
- a lone UTF-16 surrogate (a JSON `\\udc80` escape, a file name that is not UTF-8) cannot be
  encoded as UTF-8, and a NUL cannot be stored in PostgreSQL: both become U+FFFD, counted;
- a CSV cell that starts with = + - @ tab or carriage return is a formula to a spreadsheet
  (OWASP's CSV injection rule): it is written with a leading apostrophe;
- ANSI escape sequences and other control characters in text shown on a terminal can move the
  cursor, rewrite earlier lines or set the window title: they are removed.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
# a UTF-16 surrogate (never valid alone in a str meant for UTF-8) or a NUL
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def needs_repair(text: str) -> bool:
    """True when `text` holds a lone surrogate or a NUL (one C-level scan)."""
    return _UNSTORABLE.search(text) is not None


def valid_unicode(text: str) -> tuple[str, int]:
    """`text` with every lone surrogate and NUL replaced by U+FFFD, and how many were replaced.

    A high surrogate followed by a low one (two halves of one character, as a JSON decoder
    can leave them) becomes that character, not two replacements."""
    if not _UNSTORABLE.search(text):  # the common case: one C-level scan
        return text, 0
    repaired = text
    if _SURROGATES.search(text):
        joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        repaired = joined
    repaired = repaired.replace("\x00", REPLACEMENT)
    fixed = _repairs(text, repaired)
    return repaired, fixed


def _repairs(before: str, after: str) -> int:
    """How many characters a repair replaced: U+FFFD added, counting a joined pair once."""
    return max(after.count(REPLACEMENT) - before.count(REPLACEMENT), 0) + (len(before) - len(after))


def valid_value(value: Any) -> tuple[Any, int]:
    """A JSON-like value (str, list, dict, nested) with every string and key made valid; the count
    of characters replaced. Values with nothing to repair come back as they were (not copied)."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            new_key, n_key = valid_value(key)
            new_item, n_item = valid_value(item)
            out[new_key] = new_item
            total += n_key + n_item
        return (out, total) if total else (value, 0)
    if isinstance(value, list | tuple):
        items = [valid_value(item) for item in value]
        total = sum(n for _, n in items)
        if not total:
            return value, 0
        fixed = [item for item, _ in items]
        return (fixed if isinstance(value, list) else tuple(fixed)), total
    return value, 0


def storable(text: str | None) -> str | None:
    """`text` made valid for the database (lone surrogates and NULs replaced); None stays None."""
    return None if text is None else valid_unicode(text)[0]


# -- spreadsheets ------------------------------------------------------------------------------------
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet will show as text, never run: a leading apostrophe before a cell
    that starts like a formula (OWASP: = + - @ tab, carriage return; after leading spaces too,
    which some spreadsheets skip). A plain number ("-3",
    "+1.5") is left alone: it is a value, and spreadsheets read it as one."""
    if text and text.lstrip(" \n").startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "+nan", "-nan", "inf", "+inf", "-inf")


# -- terminals ---------------------------------------------------------------------------------------
# CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \), other two-byte escapes, then any C0/C1
# control character left (tab and newline are kept where the caller keeps them)
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window title, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]?"  # other escapes (and a lone ESC)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # CSI as one C1 character
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_AND_NEWLINES = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: str, *, keep_newlines: bool = True) -> str:
    """`text` safe to print on a terminal: escape sequences and control characters removed
    (bidirectional overrides too, which can make a line read differently from what it holds).
    Tabs and newlines stay unless `keep_newlines` is False (one table cell: they become spaces)."""
    if text.isascii() and text.isprintable():
        return text
    text = _ANSI.sub("", text)
    if keep_newlines:
        return _CONTROL.sub("", text)
    return _CONTROL_AND_NEWLINES.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)
