"""URLs and feeds against a real HTTP server on 127.0.0.1 (never any other address)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem
from wirewatch.ingest import read_inputs
from wirewatch.ingest.web import Fetcher
from wirewatch.records import RawDocument

pytestmark = pytest.mark.network

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = (FIXTURES / "page.html").read_text(encoding="utf-8")
AGENT = "wirewatch-test/1.0 (+https://example.org/wirewatch-tests)"


def article(title: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav>Home | World</nav><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


FLOODS = article("Floods cut road links", "Flash floods washed away a bridge on Monday, officials said.")
STRIKE = article("Dock workers strike", "Dock workers stayed off the job for a second day on Tuesday.")
CURFEW = article("Curfew lifted", "The district curfew was lifted on Thursday morning, police said.")
ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: badbot\nDisallow: /\n"


def rss(base: str) -> str:
    items = [
        ("Floods cut road links", "/news/floods.html", "Mon, 04 Mar 2024 09:30:00 +0530"),
        ("Dock workers strike", "/news/strike.html", "Tue, 05 Mar 2024 12:40:00 GMT"),
        ("Gone story", "/missing.html", "Wed, 06 Mar 2024 08:00:00 GMT"),
        ("Members only", "/private/memo.html", "Wed, 06 Mar 2024 09:00:00 GMT"),
    ]
    body = "".join(
        f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate><description>{t}.</description></item>"
        for t, p, d in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Example Wire - Latest</title>'
        f"<link>{base}/</link><description>Latest stories</description>{body}</channel></rss>"
    )


def atom(base: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Courier world desk</title><id>{base}/atom</id><updated>2024-03-07T10:00:00Z</updated>"
        f'<entry><title>Curfew lifted</title><link href="{base}/news/curfew.html"/><id>{base}/news/curfew</id>'
        "<published>2024-03-07T06:15:00+02:00</published><updated>2024-03-07T06:15:00+02:00</updated></entry>"
        f'<entry><title>Floods cut road links</title><link href="{base}/news/floods.html"/><id>{base}/news/floods</id>'
        "<updated>2024-03-04T04:00:00Z</updated></entry></feed>"
    )


class Handler(BaseHTTPRequestHandler):
    server: LocalServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def send(
        self, status: int, body: bytes | str, content_type: str = "text/html; charset=utf-8", **headers: str
    ):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: C901 - one route table
        srv = self.server
        srv.requests.append((self.path, self.headers.get("User-Agent", "")))
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        path = self.path
        if path == "/robots.txt":
            if srv.robots_status != 200:
                return self.send(srv.robots_status, "unavailable", "text/plain")
            return self.send(200, ROBOTS + srv.robots_extra, "text/plain")
        routes = {
            "/news/floods.html": FLOODS,
            "/news/strike.html": STRIKE,
            "/news/curfew.html": CURFEW,
            "/private/memo.html": article("Memo", "Internal."),
            "/page.html": PAGE,
        }
        if path in routes:
            return self.send(200, routes[path])
        if path == "/feed.rss":
            return self.send(200, rss(base), "application/rss+xml; charset=utf-8")
        if path == "/feed-as-html":  # a feed served with a wrong content type: found by its content
            return self.send(200, rss(base), "text/html")
        if path == "/atom":
            return self.send(200, atom(base), "application/atom+xml")
        if path == "/broken-feed.xml":
            return self.send(
                200,
                "<?xml version='1.0'?><rss version='2.0'><channel><item><title>Cut",
                "application/rss+xml",
            )
        if path == "/flaky.html":
            srv.flaky_calls += 1
            if srv.flaky_calls <= 2:
                return self.send(503, "busy, try later")
            return self.send(200, STRIKE)
        if path == "/down.html":
            return self.send(500, "server error")
        if path == "/slow.html":
            time.sleep(1.5)
            return self.send(200, FLOODS)
        if path == "/big.html":
            return self.send(200, "<p>" + "A long page of filler text. " * 5000 + "</p>")
        if path == "/big-stream.html":  # no Content-Length: the cap must hold while streaming
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(200):
                self.wfile.write(b"<p>Another paragraph of a page that never seems to end.</p>\n" * 20)
            return None
        if path == "/drip.html":  # each byte in time for the read timeout, the whole page far too late
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"<p>drip</p>\n")
                self.wfile.flush()
                time.sleep(0.1)
            return None
        if path == "/moved":
            return self.send(302, "", Location="/news/curfew.html")
        if path == "/moved-private":
            return self.send(302, "", Location="/private/memo.html")
        if path == "/notes.txt":
            return self.send(200, "Reporter's notes: the council meets again on Friday.\n", "text/plain")
        if path == "/legacy.html":
            text = "<html><body><p>\u201cWe are safe,\u201d said the caf\u00e9 owner.</p></body></html>"
            return self.send(200, text.encode("cp1252"), "text/html; charset=windows-1252")
        if path == "/photo.jpg":
            return self.send(200, b"\xff\xd8\xff\xe0" + b"\x00" * 200, "image/jpeg")
        return self.send(404, "not found")


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        pass  # a client that stops reading a capped page is expected here

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, str]] = []
        self.flaky_calls = 0
        self.robots_status = 200
        self.robots_extra = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


LOOPBACK = ["127.0.0.0/8"]  # the test server's; every other internal address stays refused


def read(inputs: list[str], **overrides):  # type: ignore[no-untyped-def]
    settings = {"user_agent": AGENT, "backoff_s": 0.01, "timeout_s": 5.0, "allow_networks": LOOPBACK} | overrides
    items = list(read_inputs(inputs, IngestOptions(**settings)))
    docs = [i for i in items if isinstance(i, RawDocument)]
    problems = [i for i in items if isinstance(i, InputProblem)]
    for problem in problems:
        assert "\n" not in problem.line()
    return docs, problems


def test_page_is_fetched_with_our_user_agent(server: LocalServer):
    url = server.base + "/page.html"
    docs, problems = read([url])
    assert problems == []
    [doc] = docs
    assert doc.kind == "html" and doc.url == url and doc.source == url
    assert doc.content == PAGE and doc.fetched_at
    assert server.requests[0] == ("/robots.txt", AGENT)
    assert server.requests[1] == ("/page.html", AGENT)


def test_robots_txt_is_fetched_once_per_host_and_obeyed(server: LocalServer):
    docs, problems = read(
        [
            server.base + "/news/floods.html",
            server.base + "/private/memo.html",
            server.base + "/news/strike.html",
        ]
    )
    assert len(docs) == 2
    assert [(p.code, p.source) for p in problems] == [("W010", server.base + "/private/memo.html")]
    assert "robots.txt" in problems[0].message
    assert [path for path, _ in server.requests].count("/robots.txt") == 1
    assert "/private/memo.html" not in [path for path, _ in server.requests]


def test_robots_can_be_switched_off(server: LocalServer):
    docs, problems = read([server.base + "/private/memo.html"], respect_robots=False)
    assert problems == [] and len(docs) == 1


def test_missing_robots_allows_and_broken_robots_blocks(server: LocalServer):
    server.robots_status = 404
    docs, problems = read([server.base + "/private/memo.html"])
    assert problems == [] and len(docs) == 1
    server.robots_status = 503
    docs, problems = read([server.base + "/news/floods.html"], retries=0)
    assert docs == [] and [p.code for p in problems] == ["W010"]


def test_redirects_are_followed_and_checked_against_robots(server: LocalServer):
    docs, problems = read([server.base + "/moved", server.base + "/moved-private"])
    assert [d.url for d in docs] == [server.base + "/news/curfew.html"]
    assert docs[0].source == server.base + "/moved"
    assert [p.code for p in problems] == ["W010"]


def test_retry_with_backoff_then_success(server: LocalServer):
    sleeps: list[float] = []
    options = IngestOptions(user_agent=AGENT, retries=2, backoff_s=0.01, allow_networks=LOOPBACK)
    fetcher = Fetcher(options, sleep=sleeps.append)
    items = list(read_inputs([server.base + "/flaky.html"], options, fetcher=fetcher))
    fetcher.close()
    assert [type(i) for i in items] == [RawDocument]
    assert server.flaky_calls == 3
    assert sleeps == [0.01, 0.02]  # exponential backoff


def test_retries_give_up_with_one_problem(server: LocalServer):
    docs, problems = read([server.base + "/down.html"], retries=2)
    assert docs == [] and [p.code for p in problems] == ["W009"]
    assert "HTTP 500" in problems[0].message and "3 attempts" in problems[0].message
    assert [path for path, _ in server.requests].count("/down.html") == 3


def test_not_found_is_not_retried(server: LocalServer):
    docs, problems = read([server.base + "/gone.html"], retries=3)
    assert docs == [] and [p.code for p in problems] == ["W009"]
    assert "HTTP 404" in problems[0].message
    assert [path for path, _ in server.requests].count("/gone.html") == 1


def test_slow_page_times_out(server: LocalServer):
    docs, problems = read(
        [server.base + "/slow.html", server.base + "/news/floods.html"], timeout_s=0.2, retries=0
    )
    assert len(docs) == 1
    assert [p.code for p in problems] == ["W009"] and "timed out" in problems[0].message


def test_dripping_page_times_out_as_a_whole(server: LocalServer):
    docs, problems = read([server.base + "/drip.html"], timeout_s=0.25, retries=0)
    assert docs == [] and [p.code for p in problems] == ["W009"] and "timed out" in problems[0].message


def test_oversized_pages_are_capped(server: LocalServer):
    docs, problems = read([server.base + "/big.html", server.base + "/big-stream.html"], max_bytes=20_000)
    assert docs == [] and [p.code for p in problems] == ["W005", "W005"]
    assert "20,000" in problems[1].message


def test_text_legacy_and_binary_responses(server: LocalServer):
    docs, problems = read(
        [server.base + "/notes.txt", server.base + "/legacy.html", server.base + "/photo.jpg"]
    )
    assert [d.kind for d in docs] == ["text", "html"]
    assert "\u201cWe are safe,\u201d said the caf\u00e9 owner." in docs[1].content
    assert docs[1].encoding == "cp1252"
    assert [p.code for p in problems] == ["W003"]


def test_unreachable_host_is_a_problem():
    import socket

    with socket.socket() as sock:  # a port on 127.0.0.1 that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    docs, problems = read([f"http://127.0.0.1:{port}/x.html"], retries=1)
    assert docs == [] and [p.code for p in problems] == ["W009"]
    assert "connection failed" in problems[0].message and "2 attempts" in problems[0].message
    docs, problems = read([f"http://127.0.0.1:{port}/x.html"], retries=0, respect_robots=False)
    assert [p.code for p in problems] == ["W009"] and "connection failed" in problems[0].message


def test_bad_urls():
    docs, problems = read(["http://", "https://[bad/x", "ftp://127.0.0.1/file.txt"])
    assert docs == [] and [p.code for p in problems] == ["W009", "W009", "W012"]


def test_rss_feed_items_are_fetched_with_given_values(server: LocalServer):
    feed = server.base + "/feed.rss"
    docs, problems = read([feed])
    assert [d.url for d in docs] == [server.base + "/news/floods.html", server.base + "/news/strike.html"]
    assert [d.given_title for d in docs] == ["Floods cut road links", "Dock workers strike"]
    assert [d.given_published_at for d in docs] == ["2024-03-04T04:00:00+00:00", "2024-03-05T12:40:00+00:00"]
    assert docs[0].content == FLOODS
    # the 404 item and the robots-blocked item are their own problems; the rest went on
    assert [(p.code, p.source) for p in problems] == [
        ("W009", server.base + "/missing.html"),
        ("W010", server.base + "/private/memo.html"),
    ]
    assert feed in problems[0].message


def test_atom_feed(server: LocalServer):
    docs, problems = read([server.base + "/atom"])
    assert problems == []
    assert [d.given_title for d in docs] == ["Curfew lifted", "Floods cut road links"]
    assert [d.given_published_at for d in docs] == ["2024-03-07T04:15:00+00:00", "2024-03-04T04:00:00+00:00"]


def test_feed_found_by_content_and_item_limit(server: LocalServer):
    docs, problems = read([server.base + "/feed-as-html"], feed_item_limit=1)
    assert [d.given_title for d in docs] == ["Floods cut road links"]
    assert [(p.code, p.fatal) for p in problems] == [("W011", False)]


def test_broken_feed(server: LocalServer):
    docs, problems = read([server.base + "/broken-feed.xml"])
    assert docs == [] and {p.code for p in problems} == {"W011"}
    assert "malformed feed" in problems[0].message


def test_feed_file_on_disk_links_to_local_pages(server: LocalServer, tmp_path: Path):
    path = tmp_path / "latest.rss"
    path.write_text(rss(server.base), encoding="utf-8")
    docs, problems = read([str(path)])
    assert [d.given_title for d in docs] == ["Floods cut road links", "Dock workers strike"]
    assert [p.code for p in problems] == ["W009", "W010"]


def test_crawl_delay_is_kept_between_pages_of_one_host(server: LocalServer):
    server.robots_extra = "\nUser-agent: wirewatch-test\nCrawl-delay: 2\n"
    sleeps: list[float] = []
    now = [100.0]  # a fake clock: only our sleeps move it, so fetches themselves take no time

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    options = IngestOptions(user_agent=AGENT, backoff_s=0.01, allow_networks=LOOPBACK)
    fetcher = Fetcher(options, sleep=sleep, clock=lambda: now[0])
    items = list(read_inputs([server.base + "/atom"], options, fetcher=fetcher))
    fetcher.close()
    assert [type(i) for i in items] == [RawDocument, RawDocument]
    assert sleeps == [2.0, 2.0]  # before the first item page and before the second
