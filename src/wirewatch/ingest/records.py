"""JSON and JSONL article records (docs/records.md input format) -> RawDocument.

A record has `text` or `html` (html wins when both are given: the cleaner gets the
page's metadata from it), and optionally url, title, published_at, outlet, id. A .json
file holds one record or a list of them; a .jsonl file one record a line. A bad line or
record is its own problem and the rest of the file goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from wirewatch import errors
from wirewatch.errors import InputProblem
from wirewatch.ingest.decode import decode_bytes
from wirewatch.ingest.documents import over_cap, repair_document
from wirewatch.records import RawDocument

RECORD_FIELDS = {"text", "html", "url", "title", "published_at", "outlet", "id"}
GIVEN_FIELDS = {
    "url": "url",
    "title": "given_title",
    "published_at": "given_published_at",
    "outlet": "given_outlet",
}


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def record_to_document(
    obj: Any, source: str, *, encoding: str = "utf-8", file_mtime: str | None = None
) -> Iterator[RawDocument | InputProblem]:
    """One parsed JSON value -> a RawDocument, or problems saying what is wrong with it."""
    if not isinstance(obj, dict):
        yield InputProblem(
            source, errors.MALFORMED_JSON, f"expected a JSON object (one article), got {_type_name(obj)}"
        )
        return
    content: str | None = None
    kind = "text"
    for name in ("html", "text"):
        value = obj.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            yield InputProblem(
                source, errors.MALFORMED_JSON, f"field '{name}' must be a string, got {_type_name(value)}"
            )
            return
        if value.strip() and content is None:
            content, kind = value, name
    if content is None:
        if any(isinstance(obj.get(n), str) for n in ("html", "text")):
            yield InputProblem(source, errors.INPUT_EMPTY, "record's text/html is empty")
        else:
            keys = ", ".join(sorted(obj)[:6]) or "none"
            yield InputProblem(
                source, errors.RECORD_WITHOUT_TEXT, f"record has neither 'text' nor 'html' (fields: {keys})"
            )
        return
    given: dict[str, str | None] = {}
    for field, target in GIVEN_FIELDS.items():
        value = obj.get(field)
        if value is None or isinstance(value, str):
            given[target] = (value.strip() or None) if isinstance(value, str) else None
        else:
            given[target] = None
            yield InputProblem(
                source, errors.MALFORMED_JSON, f"field '{field}' ignored: not a string", fatal=False
            )
    raw_id = obj.get("id")
    external_id = None if raw_id is None or isinstance(raw_id, dict | list) else str(raw_id)
    doc = RawDocument(
        source=source,
        kind=kind,
        content=content,
        encoding=encoding,
        external_id=external_id,
        file_mtime=file_mtime,
        **given,  # type: ignore[arg-type]
    )
    repaired = repair_document(doc)  # a JSON \udXXX escape decodes to a lone surrogate
    if repaired:
        yield repaired
    yield doc


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"


def read_json_bytes(
    data: bytes, source: str, *, max_bytes: int, file_mtime: str | None = None, other_json_warns: bool = False
) -> Iterator[RawDocument | InputProblem]:
    """A .json input: one record or a list of them. JSONL misnamed .json is read as JSONL.

    `other_json_warns`: a single object with none of the record fields is some other JSON
    file (found in a folder beside the articles); it is skipped with a warning.
    """
    decoded = decode_bytes(data, source)
    if decoded.warning:
        yield decoded.warning
    try:
        value = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects: really JSONL
            yield from read_jsonl_lines(
                (line.encode("utf-8") for line in decoded.text.splitlines(keepends=True)),
                source,
                max_bytes=max_bytes,
                file_mtime=file_mtime,
            )
            return
        yield InputProblem(source, errors.MALFORMED_JSON, _json_error(exc))
        return
    if isinstance(value, list):
        if not value:
            yield InputProblem(source, errors.INPUT_EMPTY, "empty JSON list (no records)")
        for index, item in enumerate(value):
            yield from record_to_document(
                item, f"{source}[{index}]", encoding=decoded.encoding, file_mtime=file_mtime
            )
    elif other_json_warns and isinstance(value, dict) and not RECORD_FIELDS.intersection(value):
        keys = ", ".join(sorted(value)[:6]) or "none"
        yield InputProblem(
            source, errors.RECORD_WITHOUT_TEXT, f"not article records (fields: {keys}); skipped", fatal=False
        )
    else:
        yield from record_to_document(value, source, encoding=decoded.encoding, file_mtime=file_mtime)


def bounded_lines(stream: IO[bytes], max_bytes: int) -> Iterator[bytes | int]:
    """Lines of a binary stream; a line longer than max_bytes is skipped and yields its size instead."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line)
            while True:  # drain the rest of the over-long line without keeping it
                more = stream.readline(1 << 20)
                size += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield size
            continue
        yield line


def read_jsonl_lines(
    lines: Iterable[bytes | int], prefix: str, *, max_bytes: int, file_mtime: str | None = None
) -> Iterator[RawDocument | InputProblem]:
    """JSONL: one record a line; source of each is "prefix:LINE"."""
    any_line = False
    for number, line in enumerate(lines, 1):
        source = f"{prefix}:{number}"
        if isinstance(line, int):
            any_line = True
            yield over_cap(source, line, max_bytes)
            continue
        if not line.strip():
            continue
        any_line = True
        if len(line) > max_bytes:
            yield over_cap(source, len(line), max_bytes)
            continue
        decoded = decode_bytes(line, source)
        if decoded.warning:
            yield decoded.warning
        try:
            value = json.loads(decoded.text)
        except json.JSONDecodeError as exc:
            yield InputProblem(
                source, errors.MALFORMED_JSON, f"malformed JSON ({exc.msg} at column {exc.colno})"
            )
            continue
        yield from record_to_document(value, source, encoding=decoded.encoding, file_mtime=file_mtime)
    if not any_line:
        yield InputProblem(prefix, errors.INPUT_EMPTY, "empty (no JSON lines)")
