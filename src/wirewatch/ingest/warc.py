"""WARC files (.warc, .warc.gz) -> one RawDocument per HTML response record.

url = WARC-Target-URI, fetched_at = WARC-Date. `resource` records holding HTML and
`conversion` records holding plain text (WET files) are read too; everything else
(requests, images, metadata, redirects, errors) is skipped quietly.

warcio reads a truncated file without complaint (the last record just comes out
short), so each record is checked for completeness, and a .gz file is verified to
its end: damage gives one W007 naming the file, and the records before it are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from wirewatch import errors
from wirewatch.errors import InputProblem
from wirewatch.ingest.decode import formats
from wirewatch.ingest.documents import make_document, over_cap
from wirewatch.records import RawDocument

RECORD_TYPES = {
    "warcinfo",
    "response",
    "resource",
    "request",
    "metadata",
    "revisit",
    "conversion",
    "continuation",
}


def _tail_damage(stream: IO[bytes], end: int) -> str | None:
    """Bytes after the last whole record that are not blank: a record cut off in its headers."""
    size = stream.seek(0, 2)
    if size <= end:
        return None
    stream.seek(end)
    tail = stream.read(256)
    if not tail.strip():
        return None
    return f"{size - end:,} bytes after the last whole record at byte {end:,} do not form a record"


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _document_kind(record) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
    """('html'|'text'|None to sniff, content type) for records that hold a page; ('skip', None) otherwise."""
    rules = formats()
    if record.rec_type == "response":
        http = record.http_headers
        if http is None:
            return "skip", None
        status = http.get_statuscode() or ""
        if not status.startswith("2"):
            return "skip", None
        content_type = http.get_header("Content-Type")
    elif record.rec_type in ("resource", "conversion"):
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return "skip", None
    media = _media_type(content_type)
    if media in rules["html_content_types"]:
        return "html", content_type
    if media in rules["text_content_types"]:
        return "text", content_type
    if not media:
        return None, content_type
    return "skip", None


def _record_documents(
    record, where: str, max_bytes: int
) -> tuple[list[RawDocument | InputProblem], str | None]:  # type: ignore[no-untyped-def]
    """(documents or problems, damage) for one record."""
    if record.rec_type not in RECORD_TYPES or not record.rec_headers.get_header("WARC-Record-ID"):
        return [], "a record with a bad header"
    kind, content_type = _document_kind(record)
    if kind == "skip":
        return [], None
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        return [over_cap(where, len(payload), max_bytes, at_least=True)], None
    remaining = getattr(record.raw_stream, "limit", 0)
    if remaining:
        return [], f"a record cut short ({remaining:,} bytes missing)"
    items = list(
        make_document(
            payload,
            where,
            kind,
            content_type=content_type,
            url=record.rec_headers.get_header("WARC-Target-URI"),
            fetched_at=record.rec_headers.get_header("WARC-Date"),
        )
    )
    return items, None


def read_warc_stream(
    stream: IO[bytes], source: str, *, max_bytes: int
) -> Iterator[RawDocument | InputProblem]:
    """Documents from a seekable WARC stream; damage ends the file with one W007."""
    from warcio.archiveiterator import ArchiveIterator

    kept = 0
    damage: str | None = None
    end = 0  # byte offset where the last whole record ended
    try:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            offset = iterator.offset
            items, damage = _record_documents(record, f"{source}@{offset}", max_bytes)
            if damage:
                damage = f"{damage} at byte {offset:,}"
                break
            end = iterator.get_record_offset() + iterator.get_record_length()
            for item in items:
                kept += isinstance(item, RawDocument)
                yield item
        if damage is None:
            damage = _tail_damage(stream, end)
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged input
        damage = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    if damage is not None:
        yield InputProblem(
            source, errors.MALFORMED_WARC, f"malformed WARC ({damage}); {kept} document(s) before it kept"
        )


def read_warc_file(path: str, source: str, *, max_bytes: int) -> Iterator[RawDocument | InputProblem]:
    with open(path, "rb") as stream:
        yield from read_warc_stream(stream, source, max_bytes=max_bytes)
