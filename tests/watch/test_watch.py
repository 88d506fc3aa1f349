"""`wirewatch watch` against a real feed server on 127.0.0.1: new items picked up cycle by cycle and
nothing twice, conditional GETs answered 304, a folder's new files, one failing source among good
ones, a stop between articles and a restart that resumes, the CLI's cycle lines and its stop on
SIGTERM. On SQLite and PostgreSQL."""

from __future__ import annotations

import email.utils
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wirewatch.config import Options
from wirewatch.errors import WirewatchError
from wirewatch.store import open_store
from wirewatch.watch import Watcher, WatchSource, parse_interval, read_sources_file

pytestmark = pytest.mark.network

# our own words: short reports a feed might carry
REPORTS = {
    "quetta": ("Blast in Quetta", "A bomb exploded near a police checkpoint in Quetta on Monday, killing two officers, police said."),
    "nyala": ("Strike on Nyala", "An air strike hit a market in Nyala, Sudan, on Tuesday, killing five civilians, volunteers said."),
    "goma": ("Clashes near Goma", "Rebels and soldiers clashed near Goma, Congo, on Wednesday, killing four fighters, officials said."),
    "mombasa": ("Protest in Mombasa", "Hundreds of traders marched peacefully in Mombasa, Kenya, on Thursday against new market fees."),
}  # fmt: skip


def page(key: str) -> str:
    title, body = REPORTS[key]
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"


class Feed:
    """What the server serves: a feed whose items the test adds, with an ETag and Last-Modified that
    change when it does; counts of requests by path and of 304 answers."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.version = 0
        self.modified = time.time() - 3600
        self.hits: dict[str, int] = {}
        self.not_modified = 0
        self.fail = False

    def add(self, key: str) -> None:
        self.items.append(key)
        self.version += 1
        self.modified += 60

    def rss(self, base: str) -> str:
        items = "".join(f"<item><title>{REPORTS[k][0]}</title><link>{base}/news/{k}.html</link></item>" for k in self.items)
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test wire</title><link>{base}/</link>{items}</channel></rss>'


class Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        feed: Feed = self.server.feed  # type: ignore[attr-defined]
        feed.hits[self.path] = feed.hits.get(self.path, 0) + 1
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/feed.xml":
            if feed.fail:
                return self._send(500, "down for maintenance")
            etag = f'"v{feed.version}"'
            modified = email.utils.formatdate(feed.modified, usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                feed.not_modified += 1
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            return self._send(200, feed.rss(base), "application/rss+xml", ETag=etag, **{"Last-Modified": modified})
        key = self.path.removeprefix("/news/").removesuffix(".html")
        if key in REPORTS:
            return self._send(200, page(key))
        self._send(404, "not found")

    def _send(self, status: int, body: str, content_type: str = "text/html; charset=utf-8", **headers: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[tuple[str, Feed]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.feed = Feed()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.feed  # type: ignore[attr-defined]
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "watch.db")
    return request.getfixturevalue("postgres_url")


class Clock:
    """A clock the test moves on, so a cycle's sources are due without waiting."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def watcher(store, sources: list[WatchSource], clock: Clock, **kw) -> Watcher:  # type: ignore[no-untyped-def]
    return Watcher(store, sources, _loopback_options(), clock=clock, sleep=lambda s: None, **kw)


def test_a_feed_over_three_cycles_gives_each_item_once(server, db):
    base, feed = server
    store = open_store(db)
    clock = Clock()
    feed.add("quetta")
    w = watcher(store, [WatchSource(f"{base}/feed.xml", 60)], clock)
    first = w.cycle()
    assert (first.articles_new, first.events_new, first.failed) == (1, 1, {})
    assert w.cycle().polled == []  # not due yet
    clock.now += 61
    feed.add("nyala")
    second = w.cycle()
    assert (second.articles_new, second.events_new) == (1, 1)
    clock.now += 61
    third = w.cycle()
    assert (third.articles_new, third.unchanged) == (0, [f"{base}/feed.xml"])
    assert feed.not_modified == 1  # the third poll was a conditional GET answered 304
    assert feed.hits["/news/quetta.html"] == feed.hits["/news/nyala.html"] == 1
    assert store.count_articles() == 2
    assert "1 new article(s), 1 new event(s)" in second.line()
    store.close()


def test_one_failing_source_does_not_stop_the_others_and_a_folder_gives_its_new_files(server, tmp_path, db):
    base, feed = server
    feed.fail = True
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORTS["goma"][1], encoding="utf-8")
    store = open_store(db)
    clock = Clock()
    sources = [WatchSource(f"{base}/feed.xml", 60), WatchSource(str(folder), 60),
               WatchSource(str(tmp_path / "missing"), 60)]  # fmt: skip
    w = watcher(store, sources, clock)
    first = w.cycle()
    assert first.articles_new == 1
    assert sorted(first.failed) == sorted([f"{base}/feed.xml", str(tmp_path / "missing")])
    assert "HTTP 500" in first.failed[f"{base}/feed.xml"] and "W001" in first.failed[str(tmp_path / "missing")]
    assert "2 failed" in first.line() and "failed: " in first.line()
    clock.now += 61
    feed.fail = False
    feed.add("quetta")
    (folder / "b.txt").write_text(REPORTS["mombasa"][1], encoding="utf-8")
    second = w.cycle()
    assert second.articles_new == 2  # the feed's item and the new file; a.txt is not read again
    assert store.count_articles() == 3
    store.close()


def test_a_stop_between_articles_keeps_what_was_read_and_a_restart_resumes(server, db):
    base, feed = server
    for key in ("quetta", "nyala", "goma"):
        feed.add(key)
    store = open_store(db)
    clock = Clock()
    asked = {"n": 0}

    def stop_after_two_documents() -> bool:
        asked["n"] += 1
        return asked["n"] > 2

    first = watcher(store, [WatchSource(f"{base}/feed.xml", 60)], clock, should_stop=stop_after_two_documents).cycle()
    assert first.stopped and "stopped" in first.line()
    assert 1 <= store.count_articles() < 3
    restarted = watcher(store, [WatchSource(f"{base}/feed.xml", 60)], clock)  # a new process, same database
    again = restarted.cycle()  # due at once: the stopped poll did not count as a poll
    assert not again.stopped
    assert store.count_articles() == 3
    assert all(feed.hits[f"/news/{k}.html"] <= 2 for k in ("quetta", "nyala", "goma"))
    assert len(list(store.iter_events())) == 3
    assert store.count_pending_mentions() == 0
    store.close()


def test_sources_file_and_intervals(tmp_path):
    listed = tmp_path / "sources.txt"
    listed.write_text("# feeds I follow\nhttps://example.org/feed.xml 5m\n\n/data/inbox every 1h  # the drop folder\n"
                      "/data/one.txt\n", encoding="utf-8")  # fmt: skip
    assert read_sources_file(str(listed), 900) == [
        WatchSource("https://example.org/feed.xml", 300), WatchSource("/data/inbox", 3600),
        WatchSource("/data/one.txt", 900),
    ]  # fmt: skip
    assert parse_interval("90s") == 90 and parse_interval("2d") == 172800 and parse_interval("15") == 15
    listed.write_text("https://example.org/feed.xml soon\n", encoding="utf-8")
    with pytest.raises(WirewatchError, match=r"sources.txt:1: 'soon'|sources.txt:1"):
        read_sources_file(str(listed), 900)


def _loopback_options() -> Options:
    """Options that fetch from this machine's test server (internal addresses are refused otherwise)."""
    options = Options()
    options.ingest.allow_networks = ["127.0.0.0/8"]
    return options


def _cli(*args: str) -> list[str]:
    cmd = [sys.executable, "-m", "wirewatch.cli", *args]
    return [*cmd, "--allow-network", "127.0.0.0/8"] if args[0] == "watch" else cmd


def test_cli_prints_one_line_per_cycle_and_stops_on_sigterm(server, tmp_path):
    base, feed = server
    feed.add("quetta")
    db = str(tmp_path / "cli.db")
    listed = tmp_path / "sources.txt"
    listed.write_text(f"{base}/feed.xml 1h\n", encoding="utf-8")
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(_cli("watch", "--sources", str(listed), "--db", db), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert "cycle 1: 1 source(s) polled, 1 new article(s), 1 new event(s), 0 changed event(s)" in line
    proc.send_signal(signal.SIGTERM)  # while it waits for the next cycle
    assert proc.wait(timeout=30) == 0
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]
    again = subprocess.run(_cli("watch", f"{base}/feed.xml", "--db", db, "--once", "--every", "1s"),
                           capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "0 new article(s)" in again.stdout and "(1 unchanged)" in again.stdout


def test_cli_bad_interval_is_one_line(tmp_path):
    result = subprocess.run(_cli("watch", str(tmp_path), "--every", "often", "--db", str(tmp_path / "x.db")),
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error W040: --every 'often': expected an interval like 30s, 15m, 1h or 1d (at least 1s)"
    ]


def test_a_cycle_finding_another_writer_says_so_and_waits_before_trying_again(tmp_path):
    from wirewatch.store.writer_lock import writer_lock

    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORTS["goma"][1], encoding="utf-8")
    store, other = open_store(str(tmp_path / "busy.db")), open_store(str(tmp_path / "busy.db"))
    slept: list[float] = []
    clock = Clock()

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    w = Watcher(store, [WatchSource(str(folder), 60)], Options(), clock=clock, sleep=sleep)
    lines: list[str] = []
    with writer_lock(other, purpose="run"):
        w.run(cycles=2, on_cycle=lambda report: lines.append(report.line()))
    assert all("database busy" in line and "trying again next cycle" in line for line in lines)
    assert sum(slept) >= 30  # not a tight loop against the lock
    assert w.cycle().articles_new == 1  # the lock is free again
    store.close()
    other.close()
