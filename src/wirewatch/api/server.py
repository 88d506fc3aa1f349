"""`wirewatch serve`: the API and the dashboard on uvicorn."""

from __future__ import annotations

import os
import signal
import socket
import sys
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
    socks = listening_sockets(host, port, workers)  # a port in use is a one-line W023 here
    if announce:
        many = f", {workers} worker processes" if workers > 1 else ""
        announce(f"dashboard: {url}  (API: {url}openapi.json{many}; Ctrl-C stops the server)")
    if workers == 1:
        server = _server(db, options, host, port)
        if open_browser:
            threading.Thread(target=_open_when_up, args=(server, url), daemon=True).start()
        server.run(sockets=socks)
        return
    if open_browser:
        threading.Thread(target=_open_when_listening, args=(url,), daemon=True).start()
    _serve_workers(db, options, host, port, socks)


MAX_WORKERS = 64
MAX_THREADS = 64


def _server(db: str, options: Options, host: str, port: int) -> Any:
    import uvicorn

    from wirewatch.api.app import create_app

    return uvicorn.Server(uvicorn.Config(create_app(db, options), host=host, port=port, log_level="warning"))


def _serve_workers(db: str, options: Options, host: str, port: int, socks: list[socket.socket]) -> None:
    """A forked process for each of `socks` (`listening_sockets`), with its own app and database
    connections, accepting on that socket or on the one they share; Ctrl-C or SIGTERM stops them
    all."""
    children: list[int] = []
    for own in socks:
        pid = os.fork()
        if pid == 0:  # a worker: its own store, opened after the fork
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                for other in socks:
                    if other is not own:
                        other.close()  # else its connections would wait on a worker that is gone
                _server(db, options, host, port).run(sockets=[own])
            except BaseException:  # noqa: BLE001 - a worker ends here whatever happened
                code = 1
            finally:
                os._exit(code)
        children.append(pid)
    for sock in socks:
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


def listening_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """A socket for each of `workers` processes, bound to host:port, or a W023 error saying why
    they cannot be. Where the kernel spreads connections over sockets bound to one port (Linux's
    SO_REUSEPORT), each worker has its own: on one shared socket, the first worker to wake took
    every connection waiting (asyncio accepts up to a hundred at a wake-up), and 8 keep-alive
    clients were all served by one of two workers in most runs while the other idled. Elsewhere
    the workers share one socket."""
    if workers == 1 or not _SPREADS_BY_PORT:
        return [listening_socket(host, port)] * workers
    first = listening_socket(host, port, reuse_port=True)
    bound = first.getsockname()[1]  # port 0: the one the system chose, for all of them
    socks = [first]
    try:
        socks += [listening_socket(host, bound, reuse_port=True) for _ in range(workers - 1)]
    except WirewatchError:
        for sock in socks:
            sock.close()
        raise
    return socks


# the kernel hashes each connection to one of the listening sockets sharing a port (Linux 3.9+);
# BSD and macOS accept SO_REUSEPORT but give the connections to one socket
_SPREADS_BY_PORT = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A socket bound to host:port for the server, or a W023 error saying why it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio turns Nagle off (TCP_NODELAY) only on connections whose socket
    # says so, and with Nagle on a keep-alive client waited 40 ms (a delayed ACK) for each answer
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
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
