"""What stands between an HTTP client and the API's routes, as one ASGI middleware: checks made
before a request body is read, a rate limit, and the security headers of every answer.

- A body larger than `[api] max_body_bytes` is refused from its Content-Length before a byte of
  it is read, and a body without one is counted as it streams in and cut off past the cap (413,
  W043): a 200 MB POST costs the server nothing.
- `POST /articles` is refused before its body is read when ingest is off, the token is missing
  or wrong (401/403, W041): anyone can send a body, only the token holder makes us read it.
- With `[api] read_token`, every other route but `/health` needs it (or the ingest or review token); the
  dashboard's pages and files hold no data and load without it (the page then asks for it).
- With `[api] rate_limit_per_minute`, each client address has a bucket of that many requests,
  refilled evenly over the minute; an empty bucket answers 429 (W044) with Retry-After.
- Every answer gets the headers browsers use to keep a page from being framed, sniffed or
  leaking where it came from; a header a route (or a dashboard page) set itself is kept.
"""

from __future__ import annotations

import hmac
import json
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from wirewatch import errors
from wirewatch.config import ApiOptions
from wirewatch.web import is_dashboard_path

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

INGEST_ROUTE = ("POST", "/articles")
OPEN_PATHS = frozenset({"/health"})  # answered without the read token (liveness checks)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
# for answers that are data, not pages: nothing in them may load or run anything
DATA_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")


class BodyTooLarge(HTTPException):
    """A body past the cap, found while it streamed in (no Content-Length said so before):
    an HTTP error, so the route's body parsing passes it on as a 413, not a parse error."""

    def __init__(self, cap: int):
        super().__init__(413, f"request too large: the body is over [api] max_body_bytes ({cap:,})")


class RateLimiter:
    """Token buckets per client address: `per_minute` requests at once, refilled evenly."""

    MAX_CLIENTS = 10_000  # buckets kept; full ones are dropped first when there are more

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, when)
        self.lock = threading.Lock()

    def wait_for(self, client: str) -> float:
        """0 when the request may go ahead (it is counted), else seconds until it may."""
        now = self.clock()
        with self.lock:
            tokens, when = self.buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - when) * self.rate)
            if tokens >= 1.0:
                self.buckets[client] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self.buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        if len(self.buckets) <= self.MAX_CLIENTS:
            return
        full = [c for c, (t, w) in self.buckets.items() if t + (now - w) * self.rate >= self.capacity]
        for client in full or list(self.buckets)[: len(self.buckets) // 2]:
            self.buckets.pop(client, None)


def token_matches(header: str | None, *tokens: str | None) -> bool:
    """Is `header` "Bearer T" for one of the tokens given (compared in constant time)?"""
    if not header or not header.lower().startswith("bearer "):
        return False
    given = header[7:].strip().encode()
    return any(token and hmac.compare_digest(given, token.encode()) for token in tokens)


def ingest_refusal(expected: str | None, header: str | None) -> tuple[int, str] | None:
    """(status, message) when a POST /articles must be refused for its token, else None."""
    if not expected:
        return 403, "ingest is disabled: set [api] ingest_token in the configuration"
    if not header or not header.lower().startswith("bearer "):
        return 401, "missing bearer token (Authorization: Bearer TOKEN)"
    if not token_matches(header, expected):
        return 403, "token rejected"
    return None


class Guard:
    """The ASGI middleware (see the module doc)."""

    def __init__(self, app: ASGIApp, options: ApiOptions):
        self.app = app
        self.options = options
        per_minute = options.rate_limit_per_minute
        self.limiter = RateLimiter(per_minute) if per_minute and per_minute > 0 else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        refusal = self._refusal(scope)
        if refusal is not None:
            status, code, message, extra = refusal
            await _answer(send, status, code, message, extra)
            return
        if scope["method"] in BODY_METHODS:
            receive = _capped(receive, self.options.max_body_bytes)
        try:
            await self.app(scope, receive, send)
        except BodyTooLarge as exc:  # a route that let it through: answer it here if we still can
            if not send.started():  # type: ignore[attr-defined]
                await _answer(send, 413, errors.REQUEST_TOO_LARGE, exc.detail)

    def _refusal(self, scope: Scope) -> tuple[int, str, str, list[tuple[bytes, bytes]]] | None:
        """Why to answer without running the route: rate, size, tokens; None to go ahead."""
        headers = _headers(scope)
        method, path = scope["method"], scope["path"]
        if self.limiter is not None:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.limiter.wait_for(client)
            if wait > 0:
                message = f"too many requests: at most {self.options.rate_limit_per_minute} a minute from one client"
                return (
                    429,
                    errors.TOO_MANY_REQUESTS,
                    message,
                    [(b"retry-after", str(math.ceil(wait)).encode())],
                )
        declared = headers.get("content-length", "")
        if (
            method in BODY_METHODS
            and declared.strip().isdigit()
            and int(declared) > self.options.max_body_bytes
        ):
            return 413, errors.REQUEST_TOO_LARGE, self._too_large(int(declared)), []
        authorization = headers.get("authorization")
        if (method, path.rstrip("/") or "/") == INGEST_ROUTE:
            refused = ingest_refusal(self.options.ingest_token, authorization)
            if refused:
                return refused[0], errors.NOT_AUTHORISED, refused[1], _challenge(refused[0])
            return None
        if self.options.read_token and path not in OPEN_PATHS and not is_dashboard_path(path):
            tokens = (self.options.read_token, self.options.ingest_token, self.options.review_token)
            if not token_matches(authorization, *tokens):
                message = "this server needs a read token (Authorization: Bearer TOKEN)"
                return 401, errors.NOT_AUTHORISED, message, _challenge(401)
        return None

    def _too_large(self, size: int | None = None) -> str:
        what = f"{size:,} bytes" if size is not None else "the body"
        return f"request too large: {what}, over [api] max_body_bytes ({self.options.max_body_bytes:,})"


def _challenge(status: int) -> list[tuple[bytes, bytes]]:
    return [(b"www-authenticate", b"Bearer")] if status == 401 else []


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _capped(receive: Receive, cap: int) -> Receive:
    """`receive` that counts the body as it arrives and stops it past `cap` bytes."""
    seen = 0

    async def receive_capped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise BodyTooLarge(cap)
        return message

    return receive_capped


def _with_headers(send: Send) -> Send:
    """`send` that adds the security headers a response has not set itself."""
    started = False

    async def send_with_headers(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
            headers = list(message.get("headers", []))
            have = {k.lower() for k, _ in headers}
            content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            wanted = list(SECURITY_HEADERS)
            if not content_type.startswith(b"text/html"):
                wanted.append(DATA_CSP)
            headers.extend((k, v) for k, v in wanted if k not in have)
            message["headers"] = headers
        await send(message)

    send_with_headers.started = lambda: started  # type: ignore[attr-defined]
    return send_with_headers


async def _answer(
    send: Send, status: int, code: str, message: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += extra or []
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
