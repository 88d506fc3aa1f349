"""read_inputs: every input the user names -> RawDocuments and InputProblems, in order.

An input is "-" (stdin), an http(s) URL (a page or a feed), or a file or folder path.
Nothing here raises for bad input: each problem is yielded and the run goes on.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from wirewatch import errors
from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem
from wirewatch.ingest.decode import binary_reason, decode_bytes
from wirewatch.ingest.documents import over_cap, sniff_kind
from wirewatch.ingest.feeds import read_fetched
from wirewatch.ingest.files import guarded, read_bytes, read_path
from wirewatch.ingest.records import bounded_lines, read_jsonl_lines
from wirewatch.ingest.web import Fetcher, is_url
from wirewatch.records import RawDocument

STDIN = "-"
STDIN_SOURCE = "<stdin>"
SNIFF_BYTES = 65536
_OTHER_SCHEME = re.compile(r"^(?!file://)[A-Za-z][A-Za-z0-9+.-]*://")


def read_inputs(
    inputs: Iterable[str],
    options: IngestOptions | None = None,
    *,
    stdin: IO[bytes] | None = None,
    fetcher: Fetcher | None = None,
) -> Iterator[RawDocument | InputProblem]:
    """Read each input in turn; yields documents and problems (problems never stop the run)."""
    options = options or IngestOptions()
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(options)
    try:
        with fetcher.source_deadline(options.run_deadline_s):  # the whole run's, when one is set
            for given in inputs:
                if fetcher.past_deadline():
                    yield InputProblem(
                        given,
                        errors.DEADLINE_PASSED,
                        "not read: the run's deadline passed (ingest.run_deadline_s)",
                    )
                    continue
                yield from guarded(given, _read_one(given, options, fetcher, stdin))
    finally:
        if own_fetcher:
            fetcher.close()


def _read_one(
    given: str, options: IngestOptions, fetcher: Fetcher, stdin: IO[bytes] | None
) -> Iterator[RawDocument | InputProblem]:
    if given == STDIN:
        yield from read_stdin(stdin if stdin is not None else sys.stdin.buffer, options, fetcher)
    elif is_url(given):
        yield from read_url(given, options, fetcher)
    elif _OTHER_SCHEME.match(given):
        yield InputProblem(
            given, errors.UNSUPPORTED_INPUT, "unsupported address (only http:// and https:// are fetched)"
        )
    else:
        yield from read_path(given.removeprefix("file://"), options, fetcher)


def read_url(url: str, options: IngestOptions, fetcher: Fetcher) -> Iterator[RawDocument | InputProblem]:
    """A page, or a feed and its items' pages, all within the source's deadline."""
    with fetcher.source_deadline():
        result = fetcher.fetch(url)
        if isinstance(result, InputProblem):
            yield result
            return
        yield from read_fetched(result, url, options, fetcher)


def read_stdin(
    stream: IO[bytes], options: IngestOptions, fetcher: Fetcher
) -> Iterator[RawDocument | InputProblem]:
    """stdin: JSON lines are streamed (the cap is per line); anything else is one document."""
    cap = options.max_bytes
    head = stream.read(SNIFF_BYTES)
    kind = None
    if head and not binary_reason(head):
        kind = sniff_kind(decode_bytes(head, STDIN_SOURCE).text)
    if kind == "jsonl":
        rest = io.BufferedReader(_Chained(head, stream))  # type: ignore[arg-type]
        yield from read_jsonl_lines(bounded_lines(rest, cap), STDIN_SOURCE, max_bytes=cap)
        return
    data = head + stream.read(max(cap + 1 - len(head), 0))
    if len(data) > cap:
        yield over_cap(STDIN_SOURCE, len(data), cap, at_least=True)
        return
    if kind == "text":
        kind = None
    yield from read_bytes(data, STDIN_SOURCE, options, fetcher, kind)


class _Chained(io.RawIOBase):
    """The bytes already read for sniffing, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]):
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = getattr(self._rest, "read1", self._rest.read)(len(buffer))  # what is there: stream, not wait
        buffer[: len(data)] = data
        return len(data)
