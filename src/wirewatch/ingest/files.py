"""Files and folders -> documents, dispatched on the file name (data/formats.json), else sniffed.

Folders are walked recursively in sorted order (the same folder always gives the same
sequence), hidden files and folders are skipped, and files with extensions that are
never articles (README.md, scripts, images) are passed over quietly. A file named
directly is always read, sniffing its content when its extension says nothing.
"""

from __future__ import annotations

import gzip
import os
import stat
import zlib
from collections.abc import Callable, Iterator

from wirewatch import errors
from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem
from wirewatch.ingest.decode import binary_reason, decode_bytes, formats
from wirewatch.ingest.documents import make_document, mtime_iso, over_cap, sniff_kind
from wirewatch.ingest.feeds import read_feed
from wirewatch.ingest.records import bounded_lines, read_json_bytes, read_jsonl_lines
from wirewatch.ingest.warc import read_warc_file
from wirewatch.ingest.web import Fetcher
from wirewatch.records import RawDocument


def kind_of_name(name: str) -> str | None:
    """The reader for a file name ('text', 'html', 'json', 'jsonl', 'warc', 'feed'), None if unknown."""
    lower = name.lower()
    best: tuple[int, str] | None = None
    for extension, kind in formats()["extensions"].items():
        if lower.endswith(extension) and (best is None or len(extension) > best[0]):
            best = (len(extension), kind)
    return best[1] if best else None


def _skipped_in_folders(name: str) -> bool:
    lower = name.lower()
    return any(lower.endswith(ext) for ext in formats()["folder_skip_extensions"])


def os_problem(source: str, exc: OSError) -> InputProblem:
    """An OSError as a one-line problem: missing is W001, everything else W002."""
    reason = exc.strerror or type(exc).__name__
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return InputProblem(source, errors.INPUT_NOT_FOUND, "not found (no such file or folder)")
    if isinstance(exc, PermissionError):
        return InputProblem(source, errors.INPUT_NOT_READABLE, f"not readable (permission denied: {reason})")
    return InputProblem(source, errors.INPUT_NOT_READABLE, f"not readable ({reason})")


def guarded(source: str, items: Iterator[RawDocument | InputProblem]) -> Iterator[RawDocument | InputProblem]:
    """Last safety net: an unexpected error while reading one input ends that input, not the run."""
    try:
        yield from items
    except OSError as exc:
        yield os_problem(source, exc)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the run or print a traceback
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        yield InputProblem(
            source, errors.INTERNAL_ERROR, f"reading failed ({reason}); the rest of this input was skipped"
        )


def read_path(given: str, options: IngestOptions, fetcher: Fetcher) -> Iterator[RawDocument | InputProblem]:
    """A file or a folder named by the user."""
    try:
        info = os.stat(given)
    except OSError as exc:
        yield os_problem(given, exc)
        return
    if stat.S_ISDIR(info.st_mode):
        yield from read_folder(given, options, fetcher)
    elif stat.S_ISREG(info.st_mode):
        yield from read_file(given, given, info, options, fetcher, kind_of_name(given))
    else:
        yield InputProblem(
            given, errors.UNSUPPORTED_INPUT, "not a regular file or folder (device, pipe or socket)"
        )


def folder_files(
    folder: str, skip: Callable[[str], bool] | None = None
) -> Iterator[tuple[str, os.stat_result | OSError]]:
    """The regular files under a folder as `run` reads them, sorted: hidden files and folders left
    out, and names `skip` says (default: of a kind folders skip); each with its stat, or with the
    OSError that reading the folder or the file's stat raised (a broken link, a closed folder)."""
    skip = skip or (lambda name: kind_of_name(name) is None and _skipped_in_folders(name))
    walk_errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=walk_errors.append):
        while walk_errors:
            exc = walk_errors.pop(0)
            yield exc.filename or dirpath, exc
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or skip(name):
                continue
            path = os.path.join(dirpath, name)
            try:
                info = os.stat(path)
            except OSError as exc:
                yield path, exc
                continue
            if stat.S_ISREG(info.st_mode):  # pipes, sockets and devices in folders are not articles
                yield path, info
    while walk_errors:
        exc = walk_errors.pop(0)
        yield exc.filename or folder, exc


def read_folder(
    folder: str, options: IngestOptions, fetcher: Fetcher
) -> Iterator[RawDocument | InputProblem]:
    read_any = False
    for source, info in folder_files(folder):
        if isinstance(info, OSError):
            yield os_problem(source, info)
            continue
        read_any = True
        kind = kind_of_name(source)
        yield from guarded(source, read_file(source, source, info, options, fetcher, kind, in_folder=True))
    if not read_any:
        known = ", ".join(sorted(formats()["extensions"]))
        yield InputProblem(
            folder, errors.INPUT_EMPTY, f"folder holds no files to read (looked for {known})", fatal=False
        )


def read_file(
    path: str,
    source: str,
    info: os.stat_result,
    options: IngestOptions,
    fetcher: Fetcher,
    kind: str | None,
    *,
    in_folder: bool = False,
) -> Iterator[RawDocument | InputProblem]:
    """One regular file; OSErrors while reading become W002 problems.

    `in_folder`: found by walking a folder rather than named by the user, so a .json file
    that is plainly not article records (a gold file, a config) is a warning, not an error.
    """
    mtime = mtime_iso(info.st_mtime)
    cap = options.max_bytes
    try:
        if kind == "jsonl":  # streamed: the cap applies to each line (one article)
            yield from _read_jsonl_file(path, source, cap, mtime)
            return
        if kind == "warc":  # streamed: the cap applies to each record
            if info.st_size == 0:
                yield InputProblem(source, errors.INPUT_EMPTY, "empty (0 bytes)")
                return
            yield from read_warc_file(path, source, max_bytes=cap)
            return
        if info.st_size > cap:
            yield over_cap(source, info.st_size, cap)
            return
        with open(path, "rb") as stream:
            data = stream.read(cap + 1)
    except OSError as exc:
        yield os_problem(source, exc)
        return
    if len(data) > cap:  # the file grew, or stat did not know its size
        yield over_cap(source, len(data), cap, at_least=True)
        return
    yield from read_bytes(data, source, options, fetcher, kind, file_mtime=mtime, in_folder=in_folder)


def _read_jsonl_file(path: str, source: str, cap: int, mtime: str) -> Iterator[RawDocument | InputProblem]:
    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as stream:
            if binary_reason(stream.read(4096)):
                yield InputProblem(source, errors.INPUT_BINARY, "binary content, not JSON lines")
                return
            stream.seek(0)
            yield from read_jsonl_lines(bounded_lines(stream, cap), source, max_bytes=cap, file_mtime=mtime)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        yield InputProblem(
            source, errors.INPUT_NOT_READABLE, f"damaged gzip data ({exc}); any lines before it were read"
        )


def read_bytes(
    data: bytes,
    source: str,
    options: IngestOptions,
    fetcher: Fetcher,
    kind: str | None,
    *,
    file_mtime: str | None = None,
    in_folder: bool = False,
) -> Iterator[RawDocument | InputProblem]:
    """Bytes of a whole input whose kind is known, or None to sniff it."""
    if kind is None and data and not binary_reason(data):
        kind = sniff_kind(decode_bytes(data, source).text)
        if kind == "text":
            kind = None  # make_document sniffs again and records the decoding warning once
    if kind == "json":
        yield from read_json_bytes(
            data, source, max_bytes=options.max_bytes, file_mtime=file_mtime, other_json_warns=in_folder
        )
    elif kind == "jsonl":
        lines = data.splitlines(keepends=True)
        yield from read_jsonl_lines(lines, source, max_bytes=options.max_bytes, file_mtime=file_mtime)
    elif kind == "feed":
        yield from read_feed(data, source, options, fetcher)
    else:
        yield from make_document(data, source, kind, file_mtime=file_mtime)
