"""`wirewatch serve --workers N`: N processes answer on one port, each with its own database
connections; Ctrl-C (SIGINT to the server) stops them all; a bad count is a one-line error."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.conftest import free_port

from wirewatch.api.server import health_answers
from wirewatch.store import open_store

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="workers are forked processes")


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                out.append(int(entry.name))
    return out


def _serve(db: str, port: int, *extra: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "wirewatch.cli", "serve", "--db", db, "--port", str(port), *extra]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_workers_answer_and_stop_together(tmp_path, populated):
    db = str(tmp_path / "w.db")
    populated(open_store(db)).close()
    port = free_port()
    server = _serve(db, port, "--workers", "2")
    try:
        url = f"http://127.0.0.1:{port}"
        health_answers(url, tries=300)
        workers = _children(server.pid)
        assert len(workers) == 2
        with httpx.Client(base_url=url, timeout=10) as http:
            for _ in range(20):  # new connections each time: both workers take some
                body = httpx.get(url + "/events", params={"country": "irq"}, timeout=10).json()
                assert body["total"] == 2
            assert http.get("/events/nope").status_code == 404
        server.send_signal(signal.SIGINT)
        out, _err = server.communicate(timeout=30)
        assert server.returncode == 0
        assert "2 worker processes" in out
        assert not any(Path(f"/proc/{w}").exists() and "zombie" not in Path(f"/proc/{w}/status").read_text()
                       for w in workers)  # fmt: skip
    finally:
        if server.poll() is None:
            server.kill()


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _listening(port: int) -> int:
    """How many sockets listen on `port` (a worker's listens once its server has started)."""
    rows = (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
    return sum(int(f[1].split(":")[1], 16) == port and f[3] == "0A" for f in rows)


def _accepted_by(port: int, client_port: int) -> int:
    """The inode of the server's side of the loopback connection from `client_port` to `port`."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1].split(":"), fields[2].split(":")
        if int(local[1], 16) == port and int(remote[1], 16) == client_port:
            return int(fields[9])
    raise AssertionError(f"no connection from port {client_port}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel spreads connections on Linux")
def test_keep_alive_connections_opened_together_are_spread_over_the_workers(tmp_path, populated):
    # on one shared socket the first worker to wake accepted every waiting connection: 8 clients
    # opened at once were all served by one of two workers in most runs, the other idle
    db = str(tmp_path / "w.db")
    populated(open_store(db)).close()
    port = free_port()
    server = _serve(db, port, "--workers", "2")
    clients = []
    try:
        assert health_answers(f"http://127.0.0.1:{port}", tries=300)
        workers = _children(server.pid)
        for _ in range(300):  # each worker listens on a socket of its own; one may still be starting
            if _listening(port) == 2:
                break
            time.sleep(0.1)
        assert _listening(port) == 2
        clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(32)]
        for client in clients:  # an answer on each: every connection has been accepted
            client.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
        held = {w: _socket_inodes(w) for w in workers}
        taken = [sum(_accepted_by(port, c.getsockname()[1]) in held[w] for c in clients) for w in workers]
        assert sum(taken) == 32 and min(taken) > 0, taken  # all to one: 1 in 2 billion if spread
    finally:
        for client in clients:
            client.close()
        server.send_signal(signal.SIGINT)
        try:
            server.communicate(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()


def test_a_bad_worker_count_is_one_line(tmp_path, populated):
    db = str(tmp_path / "w.db")
    populated(open_store(db)).close()
    result = subprocess.run(
        [sys.executable, "-m", "wirewatch.cli", "serve", "--db", db, "--port", "0", "--workers", "0"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error W040: --workers 0: expected 1 to 64"]


def test_a_bad_thread_count_is_one_line(tmp_path, populated):
    db = str(tmp_path / "w.db")
    populated(open_store(db)).close()
    config = tmp_path / "c.toml"
    config.write_text("[api]\nthreads = 0\n")
    result = subprocess.run(
        [sys.executable, "-m", "wirewatch.cli", "serve", "--config", str(config), "--db", db, "--port", "0"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["error W040: [api] threads 0: expected 1 to 64"]


@pytest.mark.parametrize("threads", [1, 3])
def test_a_served_app_runs_at_most_its_threads_at_once(tmp_path, populated, threads):
    # more threads than that only contended for Python's lock (1M events, 8 clients: a country's
    # page 4.6 -> 2.7 ms of server CPU)
    import anyio.to_thread
    from fastapi.testclient import TestClient

    from wirewatch.api import create_app
    from wirewatch.config import Options

    options = Options()
    options.api.threads = threads
    store = populated(open_store(str(tmp_path / "t.db")))

    async def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    with TestClient(create_app(store, options)) as client:
        assert client.get("/health").status_code == 200
        assert client.portal.call(tokens) == threads
