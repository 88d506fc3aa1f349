"""`wirewatch watch`: poll sources on a schedule and run the pipeline over what is new.

A source is a file, a folder, a URL (a page or an RSS/Atom feed); a sources file lists them, one a
line, each with its own interval. Each cycle polls the sources that are due and reads only what is
new: a conditional GET (ETag, Last-Modified) for a URL, the feed's items not read before, a
folder's new or changed files. Then the pipeline runs under the database's writer lock and the
cycle is reported in one line. One source's failure is reported and the others go on; a stop
request (SIGINT, SIGTERM) ends the cycle between articles, and what was read is kept: the state
(validators, items read, last poll) is in the database, so a restart resumes where it stopped.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wirewatch import errors
from wirewatch.config import Options
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.ingest.documents import looks_like_feed, looks_like_html
from wirewatch.ingest.feeds import is_feed_content_type, parse_feed, read_fetched
from wirewatch.ingest.files import folder_files, os_problem, read_path
from wirewatch.ingest.web import Fetcher, is_url
from wirewatch.pipeline import ProblemHandler, run_documents
from wirewatch.records import RawDocument
from wirewatch.store import Store
from wirewatch.store import watch_state as ws
from wirewatch.store.db import now_iso
from wirewatch.store.writer_lock import writer_lock

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d)?\s*$", re.IGNORECASE)
_UNIT_S = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
MIN_INTERVAL_S = 1.0
BUSY_RETRY_S = 30.0  # a cycle that found the database held by another writer tries again after this
Document = RawDocument | InputProblem


def parse_interval(text: str, where: str = "--every") -> float:
    """'90s', '15m', '1h', '1d' (a bare number is seconds) -> seconds, or a W040 error."""
    m = _INTERVAL.match(str(text))
    if m is None or float(m.group(1)) * _UNIT_S[(m.group(2) or "s").lower()] < MIN_INTERVAL_S:
        raise WirewatchError(
            errors.BAD_OPTION, f"{where} '{text}': expected an interval like 30s, 15m, 1h or 1d (at least 1s)"
        )
    return float(m.group(1)) * _UNIT_S[(m.group(2) or "s").lower()]


@dataclass(slots=True)
class WatchSource:
    name: str  # a path or a URL, as the user gave it
    every_s: float


def read_sources_file(path: str, default_every_s: float) -> list[WatchSource]:
    """A sources file: one source a line, optionally followed by its interval ('https://x/feed 5m');
    blank lines and '#' comments are skipped. A bad line is a W040 error naming it."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise WirewatchError(errors.BAD_OPTION, f"{path}: cannot read the sources file ({exc})") from None
    out: list[WatchSource] = []
    for number, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split() if not line.lstrip().startswith("#") else []
        if not words:
            continue
        if len(words) > 3 or (len(words) == 3 and words[1].lower() != "every"):
            raise WirewatchError(errors.BAD_OPTION, f"{path}:{number}: expected SOURCE [every] [INTERVAL]")
        every = parse_interval(words[-1], f"{path}:{number}") if len(words) > 1 else default_every_s
        out.append(WatchSource(words[0], every))
    if not out:
        raise WirewatchError(errors.BAD_OPTION, f"{path}: the sources file lists no source")
    return out


@dataclass(slots=True)
class _Poll:
    """One source's poll in a cycle: its new documents (read lazily, as the pipeline pulls them)
    and, once they were all read, what to remember."""

    source: WatchSource
    documents: Iterator[Document] = field(default_factory=lambda: iter(()))
    read: dict[str, str | None] = field(default_factory=dict)  # items read in full: item -> signature
    validators: dict[str, Any] | None = None  # saved only when every new item was read
    complete: bool = False
    unchanged: bool = False
    failure: str | None = None


@dataclass(slots=True)
class CycleReport:
    number: int
    at: str
    polled: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # source -> one-line reason
    articles_new: int = 0
    events_new: int = 0
    events_changed: int = 0
    skipped: int = 0
    stopped: bool = False
    busy: str | None = None  # the database was held by another writer: nothing was done

    def line(self) -> str:
        """The cycle in one line."""
        head = f"{self.at} cycle {self.number}:"
        if self.busy:
            return f"{head} database busy ({self.busy}); trying again next cycle"
        parts = [f"{len(self.polled)} source(s) polled"]
        notes = [f"{len(self.unchanged)} unchanged"] if self.unchanged else []
        notes += [f"{len(self.failed)} failed"] if self.failed else []
        parts[0] += f" ({', '.join(notes)})" if notes else ""
        parts += [f"{self.articles_new} new article(s)", f"{self.events_new} new event(s)",
                  f"{self.events_changed} changed event(s)"]  # fmt: skip
        if self.skipped:
            parts.append(f"{self.skipped} input(s) skipped")
        tail = "; ".join(f"{name}: {why}" for name, why in self.failed.items())
        return (
            f"{head} {', '.join(parts)}"
            + (f"; failed: {tail}" if tail else "")
            + ("; stopped (the rest resumes next time)" if self.stopped else "")
        )


class Watcher:
    """Polls its sources when due and runs the pipeline over what is new (see the module's note)."""

    def __init__(
        self, store: Store, sources: list[WatchSource], options: Options, *, wait_s: float = 0.0,
        should_stop: Callable[[], bool] = lambda: False, on_problem: ProblemHandler | None = None,
        clock: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep,
    ) -> None:  # fmt: skip
        self.store, self.sources, self.options = store, sources, options
        self.wait_s, self.should_stop, self.on_problem = wait_s, should_stop, on_problem
        self.clock, self.sleep = clock, sleep
        self.fetcher = Fetcher(options.ingest)
        self.cycles = 0

    # -- schedule ---------------------------------------------------------------------------------
    def _last_polls(self) -> dict[str, float]:
        polls: dict[str, float] = {}
        for name, state in ws.source_states(self.store).items():
            try:
                polls[name] = dt.datetime.fromisoformat(state["polled_at"]).timestamp()
            except (TypeError, ValueError):  # never polled through to the end
                continue
        return polls

    def due(self) -> list[WatchSource]:
        """The sources whose interval has passed since their last poll (a restart keeps the times)."""
        last, now = self._last_polls(), self.clock()
        return [src for src in self.sources if now - last.get(src.name, -1e18) >= src.every_s - 0.5]

    def seconds_to_next(self) -> float:
        last, now = self._last_polls(), self.clock()
        return max(0.0, min(last.get(src.name, -1e18) + src.every_s - now for src in self.sources))

    def run(
        self, *, cycles: int | None = None, on_cycle: Callable[[CycleReport], None] = lambda r: None
    ) -> int:
        """Cycle until asked to stop (or `cycles` cycles ran); returns the number of cycles."""
        try:
            while not self.should_stop() and (cycles is None or self.cycles < cycles):
                report = self.cycle()
                on_cycle(report)
                if report.stopped or (cycles is not None and self.cycles >= cycles):
                    break
                self._wait(max(self.seconds_to_next(), BUSY_RETRY_S if report.busy else 0.0))
        finally:
            self.fetcher.close()
        return self.cycles

    def _wait(self, seconds: float) -> None:
        """Sleep until the next source is due, waking each second to see whether to stop."""
        end = self.clock() + seconds
        while not self.should_stop() and self.clock() < end:
            self.sleep(min(1.0, max(0.0, end - self.clock())))

    # -- one cycle --------------------------------------------------------------------------------
    def cycle(self) -> CycleReport:
        """Poll the due sources and run the pipeline over their new documents (and anything a
        stopped cycle left pending), holding the writer lock."""
        self.cycles += 1
        report = CycleReport(number=self.cycles, at=now_iso())
        try:
            with writer_lock(self.store, wait_s=self.wait_s, purpose="watch"):
                polls = [self._poll(src) for src in self.due()]
                summary = run_documents(
                    self._documents(polls), self.store, self.options, inputs=[p.source.name for p in polls],
                    on_problem=self.on_problem, should_stop=self.should_stop,
                )  # fmt: skip
                self._remember(polls)
        except WirewatchError as exc:
            if exc.code != errors.DATABASE_BUSY:
                raise
            report.busy = exc.message
            return report
        report.polled = [p.source.name for p in polls]
        report.unchanged = [p.source.name for p in polls if p.unchanged]
        report.failed = {p.source.name: p.failure for p in polls if p.failure}
        report.articles_new, report.skipped = summary.articles_new, summary.skipped_total
        report.events_new, report.events_changed = summary.events_new, summary.events_changed
        report.stopped = summary.stopped
        return report

    def _documents(self, polls: list[_Poll]) -> Iterator[Document]:
        for poll in polls:
            yield from poll.documents

    def _remember(self, polls: list[_Poll]) -> None:
        """What each poll read in full: its items, and its validators when nothing was left unread.
        A source stopped half-way keeps its last poll time, so the next cycle polls it again."""
        for poll in polls:
            ws.mark_seen(self.store, poll.source.name, poll.read)
            if not poll.complete:
                continue
            polled_at = dt.datetime.fromtimestamp(self.clock(), dt.UTC).isoformat(timespec="seconds")
            state: dict[str, Any] = {"polled_at": polled_at, "status": poll.failure or "ok"}
            if poll.validators is not None:
                state |= poll.validators
            ws.save_source_state(self.store, poll.source.name, **state)

    def _poll(self, source: WatchSource) -> _Poll:
        poll = _Poll(source)
        if is_url(source.name):
            poll.documents = self._url_documents(poll)
        else:
            poll.documents = self._path_documents(poll)
        return poll

    # -- files and folders ------------------------------------------------------------------------
    def _path_documents(self, poll: _Poll) -> Iterator[Document]:
        path = poll.source.name.removeprefix("file://")
        try:
            files = list(_files_of(path))
        except OSError as exc:
            problem = os_problem(path, exc)
            poll.failure, poll.complete = f"{problem.code} {problem.message}", True
            return
        seen = ws.seen_items(self.store, poll.source.name)
        fresh = [(name, sig) for name, sig in files if seen.get(name) != sig]
        if not fresh:
            poll.unchanged = True
        for name, signature in fresh:
            yield from read_path(name, self.options.ingest, self.fetcher)
            poll.read[name] = signature
        poll.complete = True

    # -- URLs: pages and feeds --------------------------------------------------------------------
    def _url_documents(self, poll: _Poll) -> Iterator[Document]:
        name = poll.source.name
        state = ws.source_states(self.store).get(name, {})
        fetched = self.fetcher.fetch(name, etag=state.get("etag"), last_modified=state.get("last_modified"))
        if isinstance(fetched, InputProblem):
            poll.failure = f"{fetched.code} {fetched.message}"
            poll.complete = True  # polled: tried again at its next interval
            return
        validators = {"etag": fetched.etag, "last_modified": fetched.last_modified}
        if fetched.not_modified:
            poll.unchanged, poll.complete = True, True
            return
        head = fetched.body[:2048].decode("utf-8", "replace")
        if looks_like_feed(head) or (
            is_feed_content_type(fetched.content_type) and not looks_like_html(head)
        ):
            yield from self._feed_items(poll, fetched.body, fetched.url, validators)
            return
        yield from read_fetched(fetched, name, self.options.ingest, self.fetcher, follow_feeds=False)
        poll.validators, poll.complete = validators, True

    def _feed_items(
        self, poll: _Poll, body: bytes, base_url: str, validators: dict[str, Any]
    ) -> Iterator[Document]:
        """The feed's items not read before (up to [ingest] feed_item_limit a poll); the feed's
        validators are kept only when every new item was read, so none is lost to a 304."""
        name = poll.source.name
        items, problem = parse_feed(body, name, base_url)
        if problem is not None and problem.fatal and problem.code != errors.INPUT_EMPTY:
            poll.failure, poll.complete = f"{problem.code} {problem.message}", True
            return
        if problem is not None and not problem.fatal:
            yield problem  # broken XML, yet items came through: a warning, and the items are read
        seen = ws.seen_items(self.store, name)
        links = [
            i for i in dict.fromkeys(i.link for i in items if i.link and is_url(i.link)) if i not in seen
        ]
        by_link = {i.link: i for i in reversed(items) if i.link}
        all_read = len(links) <= self.options.ingest.feed_item_limit
        for link in links[: self.options.ingest.feed_item_limit]:
            item = by_link[link]
            page = self.fetcher.fetch(link)
            if isinstance(page, InputProblem):
                page.message += f" (feed item of {name})"
                all_read = False  # tried again next poll
                yield page
                continue
            yield from read_fetched(page, link, self.options.ingest, self.fetcher, given_title=item.title,
                                    given_published_at=item.published_at, follow_feeds=False)  # fmt: skip
            poll.read[link] = None
        if not links:
            poll.unchanged = True
        poll.validators = validators if all_read else {"etag": None, "last_modified": None}
        poll.complete = True


def _files_of(path: str) -> Iterator[tuple[str, str]]:
    """A file, or a folder's files as `run` reads them (hidden and skipped kinds left out), each
    with its signature (size and modification time): a changed file is read again."""
    info = os.stat(path)
    if stat.S_ISREG(info.st_mode):
        yield path, _signature(info)
        return
    if not stat.S_ISDIR(info.st_mode):
        raise OSError(0, "not a regular file or folder", path)
    for full, file_info in folder_files(path):
        if not isinstance(file_info, OSError):  # gone, or a broken link: not this poll's business
            yield full, _signature(file_info)


def _signature(info: os.stat_result) -> str:
    return f"{info.st_size}:{info.st_mtime_ns}"
