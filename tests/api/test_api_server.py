"""The API on a real uvicorn server on 127.0.0.1 (a free port), over real HTTP."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn
from tests.conftest import free_port

from wirewatch.api import create_app
from wirewatch.config import Options
from wirewatch.store import open_store


@pytest.fixture
def server_url(tmp_path, populated):
    store = populated(open_store(str(tmp_path / "served.db")))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(store, Options()), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # wait until it listens (not a timing assertion: a bounded start-up wait)
        if server.started:
            break
        time.sleep(0.05)
    if not server.started:
        pytest.skip("uvicorn did not start on 127.0.0.1")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.network
def test_real_server_answers_filters_and_errors(server_url):
    with httpx.Client(base_url=server_url, timeout=10) as http:
        assert http.get("/health").json()["status"] == "ok"
        body = http.get("/events", params={"country": "Iraq", "min_fatalities": 2}).json()
        assert body["total"] == 1 and body["events"][0]["location"] == "Baghdad"
        missing = http.get("/events/unknown-id")
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/json")
        assert missing.json() == {"error": {"code": "W042", "message": "no event with id 'unknown-id'"}}
        assert http.post("/articles", json={"text": "x"}).status_code == 403  # no token configured
        assert "paths" in http.get("/openapi.json").json()


@pytest.mark.postgres
def test_api_on_postgres(postgres_url, populated):
    from fastapi.testclient import TestClient

    store = populated(open_store(postgres_url))
    try:
        with TestClient(create_app(store, Options())) as client:
            assert client.get("/events", params={"bbox": "44,33,45,34"}).json()["total"] == 1
            assert (
                client.get("/events", params={"actor": "kata'ib", "sort": "-fatalities"}).json()["events"][0][
                    "fatalities"
                ]
                == 3
            )
            assert client.get("/stats").json()["events"] == 4
            assert client.get("/events", params={"q": "CLASHED"}).json()["total"] == 1
    finally:
        store.close()


def test_serve_command_rejects_a_missing_database_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from wirewatch.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "absent.db"), "--port", "0"])
    assert result.exit_code == 2 and "error W020" in result.output and "Traceback" not in result.output


def test_serve_on_a_port_in_use_is_one_line_w023(tmp_path, populated):
    import socket
    import subprocess
    import sys

    populated(open_store(str(tmp_path / "busy.db"))).close()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "wirewatch.cli", "serve", "--db", str(tmp_path / "busy.db"), "--port", str(port)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"error W023: 127.0.0.1:{port}: cannot listen (Address already in use)"]


@pytest.mark.network
def test_served_connections_have_nagle_off():
    """A keep-alive client waited 40 ms for every answer: the listening socket did not name
    IPPROTO_TCP, so asyncio left Nagle on for the connections it accepted (uvicorn writes the
    head and the body of an answer separately, and the body waited for the client's delayed ACK)."""
    import asyncio

    from wirewatch.api.server import listening_socket

    async def nodelay_of_an_accepted_connection() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def accepted(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(accepted, sock=listening_socket("127.0.0.1", 0))
        port = server.sockets[0].getsockname()[1]
        _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(seen, timeout=10)
        finally:
            writer.close()
            server.close()

    assert asyncio.run(nodelay_of_an_accepted_connection()) != 0
