"""WARC files (.warc, .warc.gz) -> one RawDocument per HTML response record.

url = WARC-Target-URI, fetched_at = WARC-Date. `resource` records holding HTML and
`conversion` records holding plain text (WET files) are read too; everything else
(requests, images, metadata, redirects, errors) is skipped quietly.

warcio reads a truncated file without complaint (the last record just comes out
short), so each record is checked for completeness, and a .gz file is verified to
its end: damage gives one W007 naming the file, and the records before it are kept.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from typing import IO

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


def _gzip_damage(stream: IO[bytes]) -> str | None:
    """Why a gzip file is damaged (truncated or corrupt), or None when it reads to its end."""
    stream.seek(0)
    try:
        with gzip.GzipFile(fileobj=stream) as gz:
            while gz.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error) as exc:
        return str(exc) or type(exc).__name__
    return None


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


def read_warc_stream(
    stream: IO[bytes], source: str, *, max_bytes: int, compressed: bool
) -> Iterator[RawDocument | InputProblem]:
    from warcio.archiveiterator import ArchiveIterator

    kept = 0
    damage: str | None = None
    try:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            where = f"{source}@{iterator.offset}"
            if record.rec_type not in RECORD_TYPES or not record.rec_headers.get_header("WARC-Record-ID"):
                damage = f"bad record header at byte {iterator.offset}"
                break
            kind, content_type = _document_kind(record)
            if kind == "skip":
                continue
            payload = record.content_stream().read(max_bytes + 1)
            if len(payload) > max_bytes:
                yield over_cap(where, len(payload), max_bytes, at_least=True)
                continue
            remaining = getattr(record.raw_stream, "limit", 0)
            if remaining:
                damage = f"record at byte {iterator.offset} is cut short ({remaining:,} bytes missing)"
                break
            url = record.rec_headers.get_header("WARC-Target-URI")
            for item in make_document(
                payload,
                where,
                kind,
                content_type=content_type,
                url=url,
                fetched_at=record.rec_headers.get_header("WARC-Date"),
            ):
                kept += isinstance(item, RawDocument)
                yield item
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged input
        damage = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    if damage is None and compressed:
        damage = _gzip_damage(stream)
    if damage is not None:
        yield InputProblem(source, "W007", f"malformed WARC ({damage}); {kept} document(s) before it kept")


def read_warc_file(path: str, source: str, *, max_bytes: int) -> Iterator[RawDocument | InputProblem]:
    with open(path, "rb") as stream:
        compressed = stream.read(2) == b"\x1f\x8b"
        stream.seek(0)
        yield from read_warc_stream(stream, source, max_bytes=max_bytes, compressed=compressed)
