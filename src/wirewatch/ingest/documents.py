"""Bytes that may be an article -> RawDocument, and content sniffing for inputs without a telling name.

Every reader (files, stdin, web, WARC) ends here, so the binary, encoding and empty
checks are the same whatever the bytes came from.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime

from wirewatch import errors
from wirewatch.errors import InputProblem
from wirewatch.ingest.decode import binary_reason, decode_bytes, formats, is_blank
from wirewatch.records import RawDocument
from wirewatch.safe_text import valid_unicode


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def mtime_iso(mtime: float) -> str:
    """A file's modification time as ISO 8601 UTC."""
    return datetime.fromtimestamp(mtime, UTC).isoformat(timespec="seconds")


def over_cap(source: str, size: int, cap: int, *, at_least: bool = False) -> InputProblem:
    size_text = f"more than {cap:,}" if at_least else f"{size:,}"
    return InputProblem(
        source, errors.INPUT_TOO_LARGE, f"{size_text} bytes, over the size cap of {cap:,} (ingest.max_bytes)"
    )


def repair_document(doc: RawDocument) -> InputProblem | None:
    """Every string of `doc` made valid Unicode in place (lone surrogates, which a JSON escape or
    a file name that is not UTF-8 leaves, and NULs become U+FFFD); a W050 warning counting them.

    Every reader's documents pass here, so nothing later (ids, the database, the API's JSON,
    the terminal) meets a string it cannot encode."""
    total = 0
    for f in dataclasses.fields(doc):
        value = getattr(doc, f.name)
        if isinstance(value, str):
            fixed, count = valid_unicode(value)
            if count:
                setattr(doc, f.name, fixed)
                total += count
    if not total:
        return None
    return InputProblem(
        doc.source,
        errors.TEXT_REPAIRED,
        f"{total} invalid character{'s' if total != 1 else ''} (lone surrogate or NUL) replaced with U+FFFD",
        fatal=False,
    )


def looks_like_html(text: str) -> bool:
    rules = formats()
    head = text[:4096].lower()
    if any(marker in head for marker in rules["html_markers"]):
        return True
    if head.lstrip().startswith("<"):
        closed = sum(1 for tag in rules["html_tag_pairs"] if tag in head)
        return closed >= rules["html_min_tag_pairs"]
    return False


def looks_like_feed(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    if not head.startswith("<"):
        return False
    return any(marker in head for marker in formats()["feed_markers"])


def looks_like_jsonl(text: str) -> bool:
    """True when the first non-blank line is a JSON object (one record a line)."""
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return False
    if "\n" not in stripped and len(stripped) >= 4096 and stripped.startswith('{"'):
        return True  # a first record longer than the sniffed head: parse it line by line anyway
    first = stripped.split("\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def settle_kind(kind: str | None, text: str) -> str:
    """'html' or 'text': sniffed when unknown; a name that plainly lies is overruled.

    A .txt file that starts like a web page is HTML, and an .html file without a single
    tag near its start is plain text (both happen with scraper output).
    """
    if kind is None:
        return "html" if looks_like_html(text) else "text"
    head = text[:4096].lstrip().lower()
    if kind == "text" and head.startswith(("<!doctype html", "<html")):
        return "html"
    if kind == "html" and "<" not in head:
        return "text"
    return kind


def sniff_kind(text: str) -> str:
    """'feed', 'html', 'jsonl', 'json' or 'text' for content whose name says nothing."""
    if looks_like_jsonl(text):  # first: records may hold HTML pages
        return "jsonl"
    if looks_like_feed(text):
        return "feed"
    if looks_like_html(text):
        return "html"
    if text.lstrip().startswith("["):
        try:
            json.loads(text)
            return "json"
        except ValueError:
            pass
    return "text"


def decode_checked(data: bytes, source: str, content_type: str | None = None):  # type: ignore[no-untyped-def]
    """(Decoded, []) or (None, [problem]): binary and empty inputs are problems, not text."""
    if not data:
        return None, [InputProblem(source, errors.INPUT_EMPTY, "empty (0 bytes)")]
    reason = binary_reason(data)
    if reason:
        return None, [
            InputProblem(source, errors.INPUT_BINARY, f"binary content ({reason}), not text or HTML")
        ]
    decoded = decode_bytes(data, source, content_type)
    if is_blank(decoded.text):
        return None, [InputProblem(source, errors.INPUT_EMPTY, "empty (only whitespace)")]
    return decoded, [decoded.warning] if decoded.warning else []


def make_document(
    data: bytes,
    source: str,
    kind: str | None,
    *,
    content_type: str | None = None,
    url: str | None = None,
    file_mtime: str | None = None,
    fetched_at: str | None = None,
    given_title: str | None = None,
    given_published_at: str | None = None,
    given_outlet: str | None = None,
) -> Iterator[RawDocument | InputProblem]:
    """One document from bytes; `kind` None sniffs html vs text. Yields warnings before the document."""
    decoded, problems = decode_checked(data, source, content_type)
    yield from problems
    if decoded is None:
        return
    kind = settle_kind(kind, decoded.text)
    doc = RawDocument(
        source=source,
        kind=kind,
        content=decoded.text,
        encoding=decoded.encoding,
        url=url,
        given_title=given_title,
        given_published_at=given_published_at,
        given_outlet=given_outlet,
        file_mtime=file_mtime,
        fetched_at=fetched_at,
    )
    repaired = repair_document(doc)
    if repaired:
        yield repaired
    yield doc
