"""The API against a hostile client (issue 14, item 6): every bad parameter is a 4xx with a coded
message, no 500 shows SQL or a traceback, bodies are checked before they are read, an optional
read token, a rate limit and security headers. SQLite and PostgreSQL where the database matters."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient
from tests.conftest import free_port

from wirewatch import errors
from wirewatch.api import create_app
from wirewatch.api.guards import Guard, RateLimiter
from wirewatch.config import ApiOptions, Options
from wirewatch.store import open_store

TOKEN, READ = "ingest-token", "read-token"


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path, populated):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "api.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    st = populated(open_store(db))
    yield st
    st.close()


def _client(store, **api) -> TestClient:  # type: ignore[no-untyped-def]
    options = Options()
    options.api.ingest_token = TOKEN
    for key, value in api.items():
        setattr(options.api, key, value)
    return TestClient(create_app(store, options), raise_server_exceptions=False)


def _coded(answer, status: int, code: str) -> str:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    message = error["message"]
    assert "SELECT" not in message and "Traceback" not in message and "\n" not in message
    return message


BAD_PARAMETERS = [
    ("offset=9223372036854775808", 422),
    ("offset=99999999999999999999999999", 422),
    ("min_fatalities=9223372036854775808", 422),
    ("min_fatalities=-1", 422),
    ("limit=100000000000000000000", 422),
    ("sort=" + ",".join(["event_date"] * 5000), 400),
    ("sort=" + ",".join(["-fatalities", "fatalities"]), 400),
    ("sort=%00", 400),
    ("q=%00", 400),
    ("actor=%1b%5b2J", 400),
    ("country=" + "x" * 5000, 400),
    ("since=2025-13-45", 400),
    ("until=2024-02-30", 400),
    ("since=yesterday", 422),
    ("bbox=nan,nan,nan,nan", 400),
]


def test_bad_parameters_are_coded_4xx(store):  # type: ignore[no-untyped-def]
    with _client(store) as client:
        for query, status in BAD_PARAMETERS:
            for route in ("/events", "/stats"):
                if route == "/stats" and query.split("=")[0] in ("offset", "limit", "sort"):
                    continue
                _coded(client.get(f"{route}?{query}"), status, errors.BAD_OPTION)


def test_like_wildcards_in_an_article_prefix_match_nothing(store):  # type: ignore[no-untyped-def]
    from wirewatch.records import Article

    store.add_articles([Article(article_id="ab12cd34ef56ab78", source="x.txt", text="Only one article here.")])
    with _client(store) as client:
        assert client.get("/articles/ab12").status_code == 200  # a real prefix still works
        for prefix in ("ab%25%25", "a%25%25%25", "ab__", "____", "%25%25%25%25", "a\\%25%25"):
            _coded(client.get(f"/articles/{prefix}"), 404, errors.NO_SUCH_RECORD)
        _coded(client.get("/articles/%00%00%00%00"), 404, errors.NO_SUCH_RECORD)
        _coded(client.get("/events/%00"), 404, errors.NO_SUCH_RECORD)


def test_no_500_shows_sql_or_a_traceback(store, monkeypatch, caplog):  # type: ignore[no-untyped-def]
    import wirewatch.api.app as api_app

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("(sqlite3.OperationalError) no such table\n[SQL: SELECT secret FROM hidden]")

    monkeypatch.setattr(api_app, "event_stats", broken)
    with _client(store) as client:
        answer = client.get("/stats")
    message = _coded(answer, 500, errors.INTERNAL_ERROR)
    assert "secret" not in message and "RuntimeError" not in message and "reference" in message
    assert "SELECT secret" in caplog.text  # the details are in the server's log


def test_over_size_article_is_refused(store):  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with _client(store) as client:
        big = {"text": "Gunmen attacked a village. " * 200_000}  # 5.4 MB, over ingest.max_bytes
        _coded(client.post("/articles", json=big, headers=auth), 413, errors.INPUT_TOO_LARGE)
        assert store.count("articles") == 5  # nothing stored


def test_body_over_the_cap_is_refused_while_it_streams(tmp_path, populated):  # type: ignore[no-untyped-def]
    st = populated(open_store(str(tmp_path / "cap.db")))
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"text": "'
        for _ in range(40):
            yield b"x" * 100_000
        yield b'"}'

    with _client(st, max_body_bytes=1_000_000) as client:
        _coded(client.post("/articles", content=chunks(), headers=auth), 413, errors.REQUEST_TOO_LARGE)
        declared = {**auth, "Content-Length": "200000000"}
        _coded(client.post("/articles", content=b"{}", headers=declared), 413, errors.REQUEST_TOO_LARGE)


@pytest.fixture
def real_server(tmp_path, populated):  # type: ignore[no-untyped-def]
    """A real uvicorn server on 127.0.0.1, ingest off."""
    st = populated(open_store(str(tmp_path / "served.db")))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(st, Options()), host="127.0.0.1", port=port,
                                           log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # a bounded start-up wait, not a timing assertion
        if server.started:
            break
        time.sleep(0.05)
    if not server.started:
        pytest.skip("uvicorn did not start on 127.0.0.1")
    yield port
    server.should_exit = True
    thread.join(timeout=10)


def _raw(port: int, request: bytes) -> bytes:
    """Send the head of a request (its body never comes) and read what the server answers."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        while not answer.endswith(b"}"):  # the head, then the JSON body (a bounded read: 10 s timeout)
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    return answer


@pytest.mark.network
def test_auth_and_size_are_checked_before_the_body_is_read(real_server):  # type: ignore[no-untyped-def]
    # The body is announced and never sent: a server that read it first would wait until our
    # socket timed out; the guard answers from the head alone.
    huge = b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200000000\r\n\r\n"
    assert _raw(real_server, huge).startswith(b"HTTP/1.1 413")
    off = b"POST /articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    answer = _raw(real_server, off)
    assert answer.startswith(b"HTTP/1.1 403") and errors.NOT_AUTHORISED.encode() in answer


def test_read_token(store):  # type: ignore[no-untyped-def]
    with _client(store, read_token=READ) as client:
        assert client.get("/health").status_code == 200  # liveness stays open
        _coded(client.get("/events"), 401, errors.NOT_AUTHORISED)
        _coded(client.get("/events", headers={"Authorization": "Bearer wrong"}), 401, errors.NOT_AUTHORISED)
        assert client.get("/events", headers={"Authorization": f"Bearer {READ}"}).status_code == 200
        assert client.get("/stats", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert client.get("/openapi.json").status_code == 401


def test_rate_limit(store):  # type: ignore[no-untyped-def]
    with _client(store, rate_limit_per_minute=5) as client:
        answers = [client.get("/health") for _ in range(7)]
    assert [a.status_code for a in answers[:5]] == [200] * 5
    _coded(answers[5], 429, errors.TOO_MANY_REQUESTS)
    assert int(answers[5].headers["retry-after"]) >= 1


def test_rate_limiter_refills_over_the_minute():
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])
    assert all(limiter.wait_for("a") == 0 for _ in range(60))
    assert limiter.wait_for("a") > 0 and limiter.wait_for("b") == 0  # per client
    now[0] += 1.0  # one more a second
    assert limiter.wait_for("a") == 0 and limiter.wait_for("a") > 0


def test_security_headers(store):  # type: ignore[no-untyped-def]
    with _client(store) as client:
        for answer in (client.get("/events"), client.get("/events/none"), client.get("/health")):
            h = answer.headers
            assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
            assert h["referrer-policy"] == "no-referrer"
            assert h["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_headers_a_page_sets_itself_are_kept():
    """A dashboard page under / sets its own policy: the guard adds only what is missing."""

    async def page(scope, receive, send):  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-security-policy", b"default-src 'self'"),
            (b"x-frame-options", b"SAMEORIGIN")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b"<p>hi</p>"})

    h = TestClient(Guard(page, ApiOptions())).get("/").headers  # no lifespan: a bare page
    assert h["content-security-policy"] == "default-src 'self'" and h["x-frame-options"] == "SAMEORIGIN"
    assert h["x-content-type-options"] == "nosniff"
