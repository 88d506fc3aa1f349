"""`wirewatch serve`: the API and the dashboard on uvicorn."""

from __future__ import annotations

import os
import signal
import socket
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

from wirewatch import errors
from wirewatch.config import Options
from wirewatch.errors import WirewatchError


def dashboard_url(options: Options, *, host: str | None = None, port: int | None = None) -> str:
    """The address the dashboard is served at (a wildcard host is reached through 127.0.0.1)."""
    host = host or options.api.host
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port if port is not None else options.api.port}/"


def serve(
    db: str, options: Options, *, host: str | None = None, port: int | None = None,
    open_browser: bool = False, announce: Callable[[str], None] | None = None, workers: int | None = None,
) -> None:  # fmt: skip
    """Serve the API and the dashboard for `db` until interrupted (host/port/workers default to
    the [api] settings); `open_browser` opens the dashboard once the server is up. With more
    than one worker, that many processes answer on one listening socket."""
    workers = workers if workers is not None else options.api.workers
    if workers < 1 or workers > MAX_WORKERS:
        raise WirewatchError(errors.BAD_OPTION, f"--workers {workers}: expected 1 to {MAX_WORKERS}")
    threads = options.api.threads
    if not isinstance(threads, int) or isinstance(threads, bool) or not 1 <= threads <= MAX_THREADS:
        raise WirewatchError(errors.BAD_OPTION, f"[api] threads {threads!r}: expected 1 to {MAX_THREADS}")
    if workers > 1 and not hasattr(os, "fork"):
        raise WirewatchError(errors.BAD_OPTION, f"--workers {workers}: this system cannot fork; use 1")
    host = host or options.api.host
    port = port if port is not None else options.api.port
    url = dashboard_url(options, host=host, port=port)
    sock = listening_socket(host, port)  # a port in use is a one-line W023 here
    if announce:
        many = f", {workers} worker processes" if workers > 1 else ""
        announce(f"dashboard: {url}  (API: {url}openapi.json{many}; Ctrl-C stops the server)")
    if workers == 1:
        server = _server(db, options, host, port)
        if open_browser:
            threading.Thread(target=_open_when_up, args=(server, url), daemon=True).start()
        server.run(sockets=[sock])
        return
    if open_browser:
        threading.Thread(target=_open_when_listening, args=(url,), daemon=True).start()
    _serve_workers(db, options, host, port, sock, workers)


MAX_WORKERS = 64
MAX_THREADS = 64


def _server(db: str, options: Options, host: str, port: int) -> Any:
    import uvicorn

    from wirewatch.api.app import create_app

    return uvicorn.Server(uvicorn.Config(create_app(db, options), host=host, port=port, log_level="warning"))


def _serve_workers(
    db: str, options: Options, host: str, port: int, sock: socket.socket, workers: int
) -> None:
    """`workers` forked processes, each with its own app and database connections, accept on the
    one socket (the kernel spreads the connections); Ctrl-C or SIGTERM stops them all."""
    children: list[int] = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker: its own store, opened after the fork
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                _server(db, options, host, port).run(sockets=[sock])
            except BaseException:  # noqa: BLE001 - a worker ends here whatever happened
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    sock.close()

    def stop(_signum: int, _frame: object) -> None:
        for child in children:
            try:
                os.kill(child, signal.SIGTERM)  # uvicorn finishes its requests and exits
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for child in children:
        while True:
            try:
                os.waitpid(child, 0)
                break
            except ChildProcessError:
                break
            except InterruptedError:
                continue


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port for the server, or a W023 error saying why it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio turns Nagle off (TCP_NODELAY) only on connections whose socket
    # says so, and with Nagle on a keep-alive client waited 40 ms (a delayed ACK) for each answer
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except (OSError, OverflowError) as exc:
        sock.close()
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise WirewatchError(errors.CANNOT_LISTEN, f"{host}:{port}: cannot listen ({why})") from None
    return sock


def _open_when_listening(url: str) -> None:
    if health_answers(url, tries=200, pause=0.05, timeout=0.5):  # up to ~10 s for a worker to answer
        webbrowser.open(url)


def health_answers(base: str, *, tries: int, pause: float = 0.1, timeout: float = 1.0) -> bool:
    """Whether the server at `base` answers GET /health within `tries` attempts, `pause` seconds
    apart (the browser opener here; the tests and benches that start a server)."""
    import http.client
    import time
    import urllib.request

    url = base.rstrip("/") + "/health"
    for _ in range(tries):
        try:
            with urllib.request.urlopen(url, timeout=timeout):  # noqa: S310 - a server on loopback
                return True
        except (OSError, http.client.HTTPException):
            time.sleep(pause)
    return False


def _open_when_up(server: object, url: str) -> None:
    import time

    for _ in range(200):  # up to ~10 s for the socket to listen
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        time.sleep(0.05)
