"""HTTP(S) fetching: the only network code in wirewatch.

Polite and bounded: a clear User-Agent, robots.txt respected (cached per host), a
timeout per request, a size cap enforced while streaming, and retries with
exponential backoff on connection errors, 5xx and 429. Redirects are followed by
hand so every hop is checked against robots.txt and the scheme stays http(s).
"""

from __future__ import annotations

import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from wirewatch import errors
from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem
from wirewatch.ingest.documents import now_iso, over_cap

if TYPE_CHECKING:
    import httpx

    from wirewatch.ingest.netguard import AddressPolicy

# httpx and the address guard (httpcore, trio...) are imported where a fetch happens: a run
# over local files never pays their ~0.2 CPU-s of imports

MAX_REDIRECTS = 5
WHOLE_BODY_TIMEOUTS = 4  # a whole body must arrive within this many timeout_s
MAX_CRAWL_DELAY_S = 30.0  # a longer Crawl-delay is honoured only up to this
MAX_RETRY_AFTER_S = 60.0  # a server asking us to wait longer than this is treated as failing
RETRY_STATUSES = {429, 500, 502, 503, 504}
ROBOTS_MAX_BYTES = 500_000


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


@dataclass(slots=True)
class Fetched:
    url: str  # final URL after redirects
    status: int
    content_type: str | None
    body: bytes
    fetched_at: str
    # the validators a conditional GET sends back next time (If-None-Match, If-Modified-Since)
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """A conditional GET answered 304: nothing new since the validators were given."""
        return self.status == 304


@dataclass
class Fetcher:
    """One HTTP client for a run: shared connections and robots.txt cache."""

    options: IngestOptions
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _client: httpx.Client | None = None
    _robots: dict[str, urllib.robotparser.RobotFileParser | InputProblem] = field(default_factory=dict)
    _last_fetch: dict[str, float] = field(default_factory=dict)  # host -> monotonic time of last page fetch

    deadline: float | None = None  # clock time after which no request starts (a source's deadline)
    _policy: AddressPolicy | None = None
    _item_end: float | None = None  # the item being fetched must be done by then

    @property
    def policy(self) -> AddressPolicy:
        if self._policy is None:
            from wirewatch.ingest.netguard import AddressPolicy

            self._policy = AddressPolicy(self.options.allow_networks)
        return self._policy

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            import httpx

            from wirewatch.ingest.netguard import guarded_transport

            self._client = httpx.Client(
                timeout=httpx.Timeout(self.options.timeout_s),
                headers={"User-Agent": self.options.user_agent, "Accept-Encoding": "gzip, deflate"},
                follow_redirects=False,
                transport=guarded_transport(self.policy),  # every connection's address checked
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- one request with retries --------------------------------------------------------
    def _request(
        self, url: str, source: str, cap: int, end: float | None = None, headers: dict[str, str] | None = None
    ) -> tuple[httpx.Response, bytes] | InputProblem:
        """GET with retries; the body is read up to `cap` bytes (W005 beyond). Nothing starts
        (and no body goes on arriving) past `end`, a clock time (W052)."""
        import httpx

        from wirewatch.ingest.netguard import AddressNotAllowed

        attempts = self.options.retries + 1
        delay = self.options.backoff_s
        problem: InputProblem | None = None
        for attempt in range(attempts):
            if attempt:
                if end is not None and self.clock() + delay >= end:
                    return self._past_deadline(source, end, problem)
                self.sleep(delay)
                delay *= 2
            left = None if end is None else end - self.clock()
            if left is not None and left <= 0:
                return self._past_deadline(source, end, problem)
            timeout = self.options.timeout_s if left is None else max(min(self.options.timeout_s, left), 0.05)
            try:
                with self.client.stream("GET", url, timeout=timeout, headers=headers) as response:
                    if response.status_code in RETRY_STATUSES:
                        problem = InputProblem(
                            source,
                            errors.FETCH_FAILED,
                            f"HTTP {response.status_code} {response.reason_phrase}",
                        )
                        wait = _retry_after(response)
                        if wait is not None:
                            if wait > MAX_RETRY_AFTER_S:
                                return problem
                            delay = max(delay, wait)
                        continue
                    declared = response.headers.get("Content-Length", "")
                    if declared.isdigit() and int(declared) > cap:
                        return over_cap(source, int(declared), cap)
                    body = bytearray()
                    deadline = time.monotonic() + self.options.timeout_s * WHOLE_BODY_TIMEOUTS
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > cap:
                            return over_cap(source, len(body), cap, at_least=True)
                        if end is not None and self.clock() > end:
                            return self._past_deadline(source, end, None)
                        if (
                            time.monotonic() > deadline
                        ):  # a server dripping bytes never trips the read timeout
                            raise httpx.ReadTimeout("body took too long", request=response.request)
                    return response, bytes(body)
            except AddressNotAllowed as exc:  # a connection to an address we do not fetch from
                return InputProblem(source, errors.ADDRESS_NOT_ALLOWED, str(exc))
            except httpx.TimeoutException as exc:
                if end is not None and self.clock() >= end - 0.05:  # cut short by the deadline
                    return self._past_deadline(source, end, None)
                problem = InputProblem(
                    source,
                    errors.FETCH_FAILED,
                    f"timed out after {self.options.timeout_s:g}s ({type(exc).__name__})",
                )
            except httpx.TransportError as exc:
                problem = InputProblem(source, errors.FETCH_FAILED, f"connection failed ({_short(exc)})")
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:  # not worth retrying
                return InputProblem(source, errors.FETCH_FAILED, f"fetch failed ({_short(exc)})")
        assert problem is not None
        if attempts > 1:
            problem.message += f" after {attempts} attempts"
        return problem

    def _past_deadline(self, source: str, end: float, last: InputProblem | None) -> InputProblem:
        which = "the source's" if self.deadline is not None and end >= self.deadline else "its"
        settings = "ingest.item_deadline_s, ingest.source_deadline_s"
        before = f" (last try: {last.message})" if last else ""
        return InputProblem(
            source, errors.DEADLINE_PASSED, f"not fetched: {which} deadline passed ({settings}){before}"
        )

    # --- robots.txt ----------------------------------------------------------------------
    def _robots_for(self, url: str) -> urllib.robotparser.RobotFileParser | InputProblem:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in self._robots:
            self._robots[key] = self._load_robots(key)
        return self._robots[key]

    def _load_robots(self, site: str) -> urllib.robotparser.RobotFileParser | InputProblem:
        robots_url = site + "/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        result = self._request(robots_url, robots_url, ROBOTS_MAX_BYTES, self._item_end)
        if isinstance(result, InputProblem):
            if result.code in (errors.ADDRESS_NOT_ALLOWED, errors.DEADLINE_PASSED):
                return InputProblem(site, result.code, result.message)
            if result.code == errors.INPUT_TOO_LARGE:
                parser.parse([])  # an absurd robots.txt is ignored, as crawlers do
                return parser
            if not result.message.startswith("HTTP "):  # the host itself is unreachable
                return InputProblem(site, errors.FETCH_FAILED, result.message)
            # RFC 9309: a robots.txt that errors (5xx) means assume everything is disallowed
            return InputProblem(
                site,
                errors.ROBOTS_DISALLOWED,
                f"robots.txt could not be read ({result.message}), so not fetching",
            )
        response, body = result
        if 400 <= response.status_code < 500 or 300 <= response.status_code < 400:
            parser.parse([])  # RFC 9309: unavailable robots.txt (4xx) allows everything
        else:
            parser.parse(body.decode("utf-8", "replace").splitlines())
        return parser

    def _end_of_item(self) -> float | None:
        """When the item about to be fetched must be done by: its own deadline or its source's."""
        ends = [self.deadline] if self.deadline is not None else []
        if self.options.item_deadline_s and self.options.item_deadline_s > 0:
            ends.append(self.clock() + self.options.item_deadline_s)
        return min(ends) if ends else None

    def _refused(self, url: str, source: str) -> InputProblem | None:
        """W051 when the URL's host resolves to an address the policy refuses."""
        from wirewatch.ingest.netguard import AddressNotAllowed

        parts = urlsplit(url)
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            self.policy.resolve(parts.hostname or "", port)
        except AddressNotAllowed as exc:
            return InputProblem(source, errors.ADDRESS_NOT_ALLOWED, str(exc))
        except (OSError, ValueError, UnicodeError):
            return None  # unresolvable or odd: the request reports it
        return None

    def source_deadline(self, seconds: float | None = None) -> _SourceDeadline:
        """A block within which fetches end by the source's deadline (nested: the earlier wins)."""
        seconds = self.options.source_deadline_s if seconds is None else seconds
        return _SourceDeadline(self, seconds)

    def past_deadline(self) -> bool:
        return self.deadline is not None and self.clock() >= self.deadline

    def _wait_for_crawl_delay(self, url: str, end: float | None = None) -> None:
        """Keep robots.txt's Crawl-delay between page fetches from one host (feeds fetch many)."""
        robots = self._robots_for(url) if self.options.respect_robots else None
        delay = None
        if isinstance(robots, urllib.robotparser.RobotFileParser):
            delay = robots.crawl_delay(self.options.user_agent)
        host = urlsplit(url).netloc
        now = self.clock()
        if delay and host in self._last_fetch:
            wait = min(float(delay), MAX_CRAWL_DELAY_S) - (now - self._last_fetch[host])
            if end is not None:
                wait = min(wait, end - now)  # the deadline check after says what happened
            if wait > 0:
                self.sleep(wait)
                now += wait
        self._last_fetch[host] = now

    def allowed(self, url: str) -> InputProblem | None:
        if not self.options.respect_robots:
            return None
        robots = self._robots_for(url)
        if isinstance(robots, InputProblem):
            return InputProblem(url, robots.code, robots.message)
        if not robots.can_fetch(self.options.user_agent, url):
            return InputProblem(url, errors.ROBOTS_DISALLOWED, "disallowed by the site's robots.txt")
        return None

    # --- the public call -----------------------------------------------------------------
    def fetch(
        self,
        url: str,
        source: str | None = None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Fetched | InputProblem:
        """Fetch one page (following redirects), or say why not. Never raises.

        With `etag` or `last_modified` (from an earlier Fetched) the GET is conditional: a server
        with nothing new answers 304, a Fetched with `not_modified` and no body."""
        conditional = {"If-None-Match": etag} if etag else {}
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        source = source or url
        current = url
        end = self._end_of_item()
        self._item_end = end
        for _ in range(MAX_REDIRECTS + 1):
            if not is_url(current):
                return InputProblem(
                    source, errors.FETCH_FAILED, f"redirected to a non-http(s) address: {current}"
                )
            try:
                host = urlsplit(current).hostname
            except ValueError as exc:
                return InputProblem(source, errors.FETCH_FAILED, f"bad URL ({exc})")
            if not host:
                return InputProblem(source, errors.FETCH_FAILED, "bad URL (no host name)")
            refused = self._refused(current, source)  # before robots.txt: say why plainly
            if refused:
                return refused
            if end is not None and self.clock() >= end:
                return self._past_deadline(source, end, None)
            try:
                blocked = self.allowed(current)
            except ValueError as exc:
                return InputProblem(source, errors.FETCH_FAILED, f"bad URL ({exc})")
            if blocked:
                return InputProblem(source, blocked.code, blocked.message)
            self._wait_for_crawl_delay(current, end)
            try:
                result = self._request(current, source, self.options.max_bytes, end, conditional or None)
            except ValueError as exc:  # httpx.InvalidURL and friends
                return InputProblem(source, errors.FETCH_FAILED, f"bad URL ({exc})")
            if isinstance(result, InputProblem):
                return result
            response, body = result
            if response.is_redirect and response.headers.get("Location"):
                current = urljoin(current, response.headers["Location"])
                continue
            if not 200 <= response.status_code < 300 and not (conditional and response.status_code == 304):
                return InputProblem(
                    source, errors.FETCH_FAILED, f"HTTP {response.status_code} {response.reason_phrase}"
                )
            return Fetched(
                url=str(response.url),
                status=response.status_code,
                content_type=response.headers.get("Content-Type"),
                body=body,
                fetched_at=now_iso(),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )
        return InputProblem(source, errors.FETCH_FAILED, f"more than {MAX_REDIRECTS} redirects")


class _SourceDeadline:
    def __init__(self, fetcher: Fetcher, seconds: float):
        self.fetcher, self.seconds = fetcher, seconds

    def __enter__(self) -> Fetcher:
        self.saved = self.fetcher.deadline
        if self.seconds and self.seconds > 0:
            end = self.fetcher.clock() + self.seconds
            self.fetcher.deadline = end if self.saved is None else min(end, self.saved)
        return self.fetcher

    def __exit__(self, *_exc: object) -> None:
        self.fetcher.deadline = self.saved


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
