"""The Spark job's inputs: files and folders -> units of work, each read by the ingest package.

The driver lists the inputs (`plan_inputs`) without reading articles; executors read one unit
each (`read_unit`) with the same readers `wirewatch run` uses, so sources, caps, decoding and
problems are the same. A unit is a whole file, one row group of a Parquet file, or a range of
lines of a large JSONL file (split at line ends, numbered as in the whole file).

Inputs are local paths (on a cluster: a file system every executor mounts) or URIs of a file
system pyarrow opens (`hdfs://`, `s3://`, `gs://`, `file://`); an executor copies a remote file
to its local disk before reading it. Feeds and URLs are not read: the job does no network I/O.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

from wirewatch import errors
from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem
from wirewatch.ingest.decode import formats
from wirewatch.ingest.files import folder_files, guarded, kind_of_name, os_problem, read_file
from wirewatch.ingest.records import bounded_lines, read_jsonl_lines, record_to_document
from wirewatch.ingest.web import Fetched, Fetcher, is_url
from wirewatch.records import RawDocument

SPLIT_BYTES = 64 << 20  # a plain JSONL file larger than this is read in ranges of about this size
_SCAN_BYTES = 16 << 20
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
PARQUET = "parquet"


@dataclass(slots=True, frozen=True)
class InputUnit:
    """One piece of input an executor reads on its own."""

    path: str  # a local path or a file system URI
    kind: str | None  # the reader (ingest's kinds, or "parquet"); None: sniffed
    size: int = 0
    part: int = 0  # Parquet: the row group
    first_row: int = 0  # Parquet: the file's row number of the group's first row
    start: int = 0  # JSONL range: byte offsets and the number of its first line
    end: int = -1
    first_line: int = 1

    @property
    def source(self) -> str:
        return self.path


@dataclass(slots=True)
class InputPlan:
    units: list[InputUnit]
    problems: list[InputProblem]


def is_uri(given: str) -> bool:
    return bool(_URI.match(given)) and not is_url(given)


def plan_inputs(inputs: list[str], options: IngestOptions) -> InputPlan:
    """Every unit of every input, in input order (folders walked in sorted order, as
    `wirewatch run` walks them); problems for inputs that cannot be read at all."""
    plan = InputPlan([], [])
    for given in inputs:
        if given == "-" or is_url(given):
            plan.problems.append(InputProblem(
                given, errors.UNSUPPORTED_INPUT,
                "the Spark job reads files and folders only (no stdin, URLs or feeds): "
                "fetch them with `wirewatch run` or save them to files first",
            ))  # fmt: skip
        elif is_uri(given):
            _plan_uri(given, options, plan)
        else:
            _plan_local(given, options, plan)
    return plan


def _kind(name: str) -> str | None:
    return PARQUET if name.lower().endswith(".parquet") else kind_of_name(name)


def _skipped_in_folders(name: str) -> bool:
    lower = name.lower()
    return not lower.endswith(".parquet") and any(
        lower.endswith(e) for e in formats()["folder_skip_extensions"]
    )


def _plan_local(given: str, options: IngestOptions, plan: InputPlan) -> None:
    try:
        info = os.stat(given)
    except OSError as exc:
        plan.problems.append(os_problem(given, exc))
        return
    if stat.S_ISREG(info.st_mode):
        _plan_file(given, info.st_size, options, plan)
        return
    if not stat.S_ISDIR(info.st_mode):
        plan.problems.append(InputProblem(given, errors.UNSUPPORTED_INPUT, "not a regular file or folder"))
        return
    found = False
    for path, info in folder_files(
        given, skip=lambda name: _kind(name) is None and _skipped_in_folders(name)
    ):
        if isinstance(info, OSError):
            plan.problems.append(os_problem(path, info))
            continue
        found = True
        _plan_file(path, info.st_size, options, plan)
    if not found:
        plan.problems.append(
            InputProblem(given, errors.INPUT_EMPTY, "folder holds no files to read", fatal=False)
        )


def _plan_uri(given: str, options: IngestOptions, plan: InputPlan) -> None:
    from pyarrow import fs

    try:
        filesystem, path = fs.FileSystem.from_uri(given)
        info = filesystem.get_file_info(path)
        if info.type == fs.FileType.NotFound:
            plan.problems.append(
                InputProblem(given, errors.INPUT_NOT_FOUND, "not found (no such file or folder)")
            )
            return
        if info.type == fs.FileType.File:
            _plan_file(given, info.size, options, plan)
            return
        entries = filesystem.get_file_info(fs.FileSelector(path, recursive=True))
    except (OSError, ValueError) as exc:
        plan.problems.append(InputProblem(given, errors.INPUT_NOT_READABLE, f"cannot list ({exc})"))
        return
    files = sorted((e for e in entries if e.type == fs.FileType.File), key=lambda e: e.path)
    kept = [e for e in files if not any(part.startswith(".") for part in e.path[len(path) :].split("/"))]
    kept = [e for e in kept if _kind(e.base_name) is not None or not _skipped_in_folders(e.base_name)]
    for entry in kept:
        _plan_file(_join_uri(given, path, entry.path), entry.size, options, plan)
    if not kept:
        plan.problems.append(
            InputProblem(given, errors.INPUT_EMPTY, "folder holds no files to read", fatal=False)
        )


def _join_uri(given: str, root: str, found: str) -> str:
    """The URI of a file found under the folder URI `given` (whose path is `root`)."""
    return given.rstrip("/") + "/" + found[len(root) :].lstrip("/")


def _plan_file(path: str, size: int, options: IngestOptions, plan: InputPlan) -> None:
    kind = _kind(path)
    if kind == "feed":
        plan.problems.append(InputProblem(
            path, errors.UNSUPPORTED_INPUT,
            "a feed lists pages to fetch; the Spark job does no network I/O (run `wirewatch run` on it)",
        ))  # fmt: skip
        return
    if kind == PARQUET:
        try:
            plan.units.extend(_parquet_units(path, size))
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds on a damaged file
            plan.problems.append(_parquet_problem(path, exc))
        return
    if kind == "jsonl" and size > SPLIT_BYTES and not path.lower().endswith(".gz") and not is_uri(path):
        plan.units.extend(_jsonl_ranges(path, size))
        return
    plan.units.extend(_file_units(path, size, kind))


def _file_units(path: str, size: int, kind: str | None) -> list[InputUnit]:
    kind = kind or _kind(path)
    if kind == PARQUET:
        return _parquet_units(path, size)
    return [InputUnit(path=path, kind=kind, size=size)]


def _parquet_file(path: str) -> Any:
    import pyarrow.parquet as pq

    if is_uri(path):
        from pyarrow import fs

        filesystem, inner = fs.FileSystem.from_uri(path)
        return pq.ParquetFile(filesystem.open_input_file(inner))
    return pq.ParquetFile(path)


def _parquet_problem(path: str, exc: Exception) -> InputProblem:
    reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    return InputProblem(path, errors.INPUT_NOT_READABLE, f"not a readable Parquet file ({reason})")


def _parquet_units(path: str, size: int) -> list[InputUnit]:
    meta = _parquet_file(path).metadata
    units, row = [], 0
    for group in range(meta.num_row_groups):
        rows = meta.row_group(group).num_rows
        units.append(InputUnit(path=path, kind=PARQUET, size=size * rows // max(meta.num_rows, 1),
                               part=group, first_row=row))  # fmt: skip
        row += rows
    return units


def _jsonl_ranges(path: str, size: int) -> list[InputUnit]:
    """Ranges of about SPLIT_BYTES that end at a line end, with the number of each first line."""
    units: list[InputUnit] = []
    start, first_line, lines_seen, position = 0, 1, 0, 0
    with open(path, "rb") as f:
        while True:
            block = f.read(_SCAN_BYTES)
            if not block:
                break
            offset = 0
            # cut after the first line end past each SPLIT_BYTES boundary within this block
            while True:
                boundary = start + SPLIT_BYTES
                if boundary >= position + len(block):
                    break
                cut = block.find(b"\n", max(boundary - position, offset))
                if cut < 0:
                    break
                end = position + cut + 1
                lines_seen += block.count(b"\n", offset, cut + 1)
                units.append(InputUnit(path=path, kind="jsonl", size=end - start, start=start, end=end,
                                       first_line=first_line))  # fmt: skip
                start, first_line, offset = end, lines_seen + 1, cut + 1
            lines_seen += block.count(b"\n", offset)
            position += len(block)
    if start < size:
        units.append(InputUnit(path=path, kind="jsonl", size=size - start, start=start, end=size,
                               first_line=first_line))  # fmt: skip
    return units


class _NoNetwork(Fetcher):
    """The Spark job reads no network: a page a sniffed feed lists becomes a problem."""

    def fetch(self, url: str, source: str | None = None) -> Fetched | InputProblem:
        return InputProblem(source or url, errors.UNSUPPORTED_INPUT,
                            "not fetched: the Spark job does no network I/O (run `wirewatch run` on the feed)")  # fmt: skip


def read_unit(unit: InputUnit, options: IngestOptions) -> Iterator[RawDocument | InputProblem]:
    """The documents and problems of one unit, in order (never raises for bad input)."""
    if unit.kind == PARQUET:
        yield from guarded(unit.path, _read_parquet_group(unit, options))
    elif is_uri(unit.path):
        yield from guarded(unit.path, _read_remote(unit, options))
    elif unit.kind == "jsonl" and unit.end >= 0:
        yield from guarded(unit.path, _read_jsonl_range(unit, options))
    else:
        yield from _read_local(unit.path, unit.path, unit.kind, options)


def _read_local(
    path: str, source: str, kind: str | None, options: IngestOptions
) -> Iterator[RawDocument | InputProblem]:
    try:
        info = os.stat(path)
    except OSError as exc:
        yield os_problem(source, exc)
        return
    yield from guarded(source, read_file(path, source, info, options, _NoNetwork(options), kind))


def _read_remote(unit: InputUnit, options: IngestOptions) -> Iterator[RawDocument | InputProblem]:
    """A file of another file system: copied to local disk, then read as a local file."""
    from pyarrow import fs

    filesystem, path = fs.FileSystem.from_uri(unit.path)
    suffix = "".join(os.path.basename(path).partition(".")[1:])
    with tempfile.TemporaryDirectory(prefix="wirewatch-") as tmp:
        local = os.path.join(tmp, "input" + ("." + suffix if suffix else ""))
        with filesystem.open_input_stream(path) as src, open(local, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        yield from _read_local(local, unit.path, unit.kind, options)


def _read_jsonl_range(unit: InputUnit, options: IngestOptions) -> Iterator[RawDocument | InputProblem]:
    cap = options.max_bytes
    with open(unit.path, "rb") as f:
        f.seek(unit.start)
        lines = bounded_lines(_Limited(f, unit.end - unit.start), cap)
        # blank lines count in read_jsonl_lines' numbering and are passed over: these give the
        # range's lines their numbers in the whole file
        numbered = chain(repeat(b"", unit.first_line - 1), lines)
        mtime = dt.datetime.fromtimestamp(os.stat(unit.path).st_mtime, dt.UTC).isoformat(timespec="seconds")
        for item in read_jsonl_lines(numbered, unit.path, max_bytes=cap, file_mtime=mtime):
            if isinstance(item, InputProblem) and item.code == errors.INPUT_EMPTY and unit.start:
                continue  # a range of blank lines is not an empty file
            yield item


class _Limited:
    """The next `limit` bytes of a binary file, read line by line."""

    def __init__(self, f: Any, limit: int):
        self.f, self.left = f, limit

    def readline(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        want = self.left if size < 0 else min(size, self.left)
        line = self.f.readline(want)
        self.left -= len(line)
        return line


def _read_parquet_group(unit: InputUnit, options: IngestOptions) -> Iterator[RawDocument | InputProblem]:
    """Rows of one row group as input records (records.md's fields; other columns are ignored).
    Source of each: "path[ROW]", the row's number in the file."""
    try:
        table = _parquet_file(unit.path).read_row_group(unit.part)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds on a damaged file
        yield _parquet_problem(unit.path, exc)
        return
    for offset, row in enumerate(table.to_pylist()):
        record = {k: _text(v) for k, v in row.items()}
        source = f"{unit.path}[{unit.first_row + offset}]"
        size = sum(len(v) for v in record.values() if isinstance(v, str))
        if size > options.max_bytes:
            yield InputProblem(source, errors.INPUT_TOO_LARGE,
                               f"{size:,} characters, over the size cap of {options.max_bytes:,} (ingest.max_bytes)")  # fmt: skip
            continue
        yield from record_to_document(record, source)


def _text(value: Any) -> Any:
    """Parquet dates and timestamps as the ISO 8601 text input records carry."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value
