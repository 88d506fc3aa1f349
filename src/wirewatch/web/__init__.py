"""The dashboard: static pages (one HTML file, a few ES modules, one stylesheet and the front-end
packages `scripts/build_web.py` copies into static/vendor/) served by `wirewatch serve` at `/`,
reading the same JSON API as everyone else.

Its pages are `/` (map, timeline, filters and the event table; the query string holds the view),
`/event/ID`, `/article/ID` and `/story/ID`. They and their files are sent with a
Content-Security-Policy that allows scripts, styles, data and images from this server only (and a
tile server's images when one is configured), so no inline script and no outside origin runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wirewatch.config import WebOptions

STATIC = Path(__file__).parent / "static"
VENDOR = STATIC / "vendor"
PAGE_PREFIXES = ("/event/", "/article/", "/story/", "/static/")
# the files the pages load from vendor/ (built by scripts/build_web.py from package-lock.json)
VENDOR_FILES = ("leaflet/leaflet.js", "leaflet/leaflet.css", "uplot/uPlot.iife.min.js", "uplot/uPlot.min.css",
                "topojson-client/topojson-client.min.js", "world-atlas/countries-50m.json")  # fmt: skip


def content_security_policy(web: WebOptions) -> str:
    """Only this server's own files; a configured tile server may add its images."""
    images = "'self' data:"
    if web.tile_url:
        parts = urlsplit(web.tile_url.replace("{s}", "*"))  # {s}: the server's subdomains
        if parts.scheme in ("http", "https") and parts.netloc:
            images += f" {parts.scheme}://{parts.netloc}"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; font-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
    )


class DashboardHeaders:
    """ASGI middleware: the dashboard's pages and files get the CSP and a few safe defaults (a
    header another layer already set is left as it is); API answers pass untouched."""

    def __init__(self, app: ASGIApp, csp: str):
        self.app = app
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_dashboard_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def is_dashboard_path(path: str) -> bool:
    return path == "/" or path.startswith(PAGE_PREFIXES)


def vendor_missing() -> list[str]:
    """The front-end package files the pages need that are not built (run `make install`)."""
    return [name for name in VENDOR_FILES if not (VENDOR / name).is_file()]


def mount_dashboard(app: FastAPI, web: WebOptions) -> None:
    """Add the dashboard's pages, its files under /static and its settings to `app`."""
    index = STATIC / "index.html"

    def page() -> FileResponse:
        return FileResponse(
            index, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"}
        )

    for path in ("/", "/event/{record_id}", "/article/{record_id}", "/story/{record_id}"):
        app.add_api_route(path, page, methods=["GET"], include_in_schema=False, response_class=FileResponse)

    @app.get("/dashboard/settings", tags=["dashboard"])
    def dashboard_settings() -> dict[str, Any]:
        """What the dashboard needs besides the data: an optional tile layer and whether its
        front-end files are built (`missing` lists any that are not)."""
        return {
            "tile_url": web.tile_url,
            "tile_attribution": web.tile_attribution,
            "missing": vendor_missing(),
        }

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(DashboardHeaders, csp=content_security_policy(web))
