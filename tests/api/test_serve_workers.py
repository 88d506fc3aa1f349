"""`wirewatch serve --workers N`: N processes answer on one port, each with its own database
connections; Ctrl-C (SIGINT to the server) stops them all; a bad count is a one-line error."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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
