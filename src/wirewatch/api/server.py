"""`wirewatch serve`: the API and the dashboard on uvicorn."""

from __future__ import annotations

import socket
import threading
import webbrowser
from collections.abc import Callable

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
    open_browser: bool = False, announce: Callable[[str], None] | None = None,
) -> None:  # fmt: skip
    """Serve the API and the dashboard for `db` until interrupted (host/port default to the [api]
    settings); `open_browser` opens the dashboard once the server is up."""
    import uvicorn

    from wirewatch.api.app import create_app

    app = create_app(db, options)
    url = dashboard_url(options, host=host, port=port)
    config = uvicorn.Config(app, host=host or options.api.host, port=port if port is not None else options.api.port,
                            log_level="warning")  # fmt: skip
    server = uvicorn.Server(config)
    sock = listening_socket(config.host, config.port)  # a port in use is a one-line W023 here
    if announce:
        announce(f"dashboard: {url}  (API: {url}openapi.json; Ctrl-C stops the server)")
    if open_browser:
        threading.Thread(target=_open_when_up, args=(server, url), daemon=True).start()
    server.run(sockets=[sock])


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port for the server, or a W023 error saying why it cannot be."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except (OSError, OverflowError) as exc:
        sock.close()
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise WirewatchError(errors.CANNOT_LISTEN, f"{host}:{port}: cannot listen ({why})") from None
    return sock


def _open_when_up(server: object, url: str) -> None:
    import time

    for _ in range(200):  # up to ~10 s for the socket to listen
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        time.sleep(0.05)
