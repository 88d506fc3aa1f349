"""The REST API: thin FastAPI routes over the same library functions the CLI uses
(`wirewatch.views`, `wirewatch.pipeline.ingest_record`): a route reads its parameters, calls
one, and answers with what it returns.

Errors are JSON: {"error": {"code": "W042", "message": "..."}} with codes from errors.py; a
library error's code decides its HTTP status (`STATUS_OF_CODE`).
"""

# no `from __future__ import annotations`: FastAPI resolves the route signatures at runtime
import hmac
import logging
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Body, Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from wirewatch import __version__, errors
from wirewatch.aggregate import facets_view, map_view, timeline_view
from wirewatch.api.guards import Guard
from wirewatch.api.review import add_review_routes
from wirewatch.config import Options
from wirewatch.errors import WirewatchError
from wirewatch.evidence import event_evidence, story_page_view
from wirewatch.pipeline import ingest_record
from wirewatch.safe_text import valid_unicode
from wirewatch.store import Store, open_store
from wirewatch.store.event_filter import SORTABLE, EventFilter
from wirewatch.store.events_query import event_stats
from wirewatch.views import (
    DATE_PATTERN,
    MAX_INTEGER,
    article_view,
    event_filter,
    event_page_json,
    event_view,
    story_page,
)
from wirewatch.web import mount_dashboard

# HTTP status of a library error by its code; any other code is a rejected article (422)
STATUS_OF_CODE = {
    errors.BAD_OPTION: 400, errors.NO_SUCH_RECORD: 404, errors.DATABASE_ERROR: 500, errors.DATABASE_BUSY: 503,
    errors.INPUT_TOO_LARGE: 413, errors.REQUEST_TOO_LARGE: 413,
}  # fmt: skip
# the routes that take the event filter answer a bad value of it (a box, sort or review state the
# parameter's type accepts but the filter does not) with its library error, W040, as 400
FILTER_RESPONSES: dict[int | str, dict[str, Any]] = {400: {"description": "a bad filter value (W040)"}}
INGEST_SOURCE = "api:POST /articles"  # names a posted record in problems and in its article
log = logging.getLogger("wirewatch.api")


class SafeJSONResponse(JSONResponse):
    """JSON as UTF-8 whatever a stored record holds (a lone surrogate from before text was
    repaired on the way in becomes U+FFFD instead of a failed answer)."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            import json

            text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            return valid_unicode(text)[0].encode("utf-8")


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _error(status: int, code: str, message: str) -> JSONResponse:
    return SafeJSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def create_app(db: str | Store, options: Options | None = None) -> FastAPI:
    options = options or Options()
    api_options = options.api
    store = db if isinstance(db, Store) else open_store(db, create=False)
    ingest_lock = threading.Lock()  # one pipeline run at a time: fusion revises shared events

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # the routes run in threads: at most [api] threads at once (more contended for Python's
        # lock: 1M events, 8 clients on 2 processes, a country's page 4.6 -> 2.7 ms of CPU)
        anyio.to_thread.current_default_thread_limiter().total_tokens = max(1, api_options.threads)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="wirewatch",
        version=__version__,
        description="Conflict events fused from news articles, with every source behind them.",
        # FastAPI's /docs and /redoc pages load their scripts from a CDN: wirewatch stays offline
        docs_url=None,
        redoc_url=None,
        default_response_class=SafeJSONResponse,
    )
    app.state.store = store

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message)

    @app.exception_handler(WirewatchError)
    async def _user_error(_request: Request, exc: WirewatchError) -> JSONResponse:
        return _error(STATUS_OF_CODE.get(exc.code, 422), exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
            parts.append(f"{where or 'request'}: {err.get('msg')}")
        return _error(422, errors.BAD_OPTION, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:  # a bug: still a JSON answer
        # the details (SQL, paths, a traceback) go to the server's log, never to the client
        reference = uuid.uuid4().hex[:12]
        log.error("internal error %s on %s %s", reference, request.method, request.url.path, exc_info=exc)
        message = f"internal error (a bug: please report it with reference {reference})"
        return _error(500, errors.INTERNAL_ERROR, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: errors.NO_SUCH_RECORD, 401: errors.NOT_AUTHORISED, 403: errors.NOT_AUTHORISED,
            413: errors.REQUEST_TOO_LARGE, 405: errors.BAD_OPTION,
        }.get(exc.status_code, f"HTTP{exc.status_code}")  # fmt: skip
        return _error(exc.status_code, code, str(exc.detail))

    def query_filter(
        since: Annotated[
            str | None,
            Query(
                description="event_date on or after this day (YYYY-MM-DD or ISO 8601 date and time)",
                pattern=DATE_PATTERN,
            ),
        ] = None,
        until: Annotated[
            str | None,
            Query(
                description="event_date on or before this day (YYYY-MM-DD or ISO 8601 date and time)",
                pattern=DATE_PATTERN,
            ),
        ] = None,
        country: Annotated[str | None, Query(description="country name or ISO alpha-3")] = None,
        admin1: Annotated[str | None, Query(description="first-level region")] = None,
        type: Annotated[str | None, Query(description="ACLED event type")] = None,  # noqa: A002
        sub_type: Annotated[str | None, Query(description="ACLED sub-event type")] = None,
        actor: Annotated[str | None, Query(description="part of actor1 or actor2")] = None,
        bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
        min_fatalities: Annotated[
            int | None, Query(ge=0, le=MAX_INTEGER, description="at least this many killed")
        ] = None,
        q: Annotated[str | None, Query(description="text in notes, location or actors")] = None,
        min_sources: Annotated[
            int | None,
            Query(ge=0, le=MAX_INTEGER, description="at least this many independent sources (stories)"),
        ] = None,
        review: Annotated[
            str | None,
            Query(
                description="review state: all, unreviewed, confirmed, rejected, flagged (default: all but rejected)"
            ),
        ] = None,
    ) -> EventFilter:
        return event_filter(
            since=since, until=until, country=country, admin1=admin1, event_type=type, sub_event_type=sub_type,
            actor=actor, bbox=bbox, min_fatalities=min_fatalities, q=q, min_sources=min_sources, review=review,
        )  # fmt: skip

    FilterDep = Annotated[EventFilter, Depends(query_filter)]
    Limit = Annotated[
        int | None,
        Query(ge=1, le=api_options.max_page_size, description="page size (default: [api] page_size)"),
    ]
    Offset = Annotated[int, Query(ge=0, le=MAX_INTEGER, description="rows to skip, for the next page")]

    @app.get("/health", tags=["service"])
    def health() -> dict[str, Any]:
        """Liveness: the version and the database's schema version."""
        return {"status": "ok", "version": __version__, "schema_version": store.schema_version()}

    @app.get("/events", tags=["events"], responses=FILTER_RESPONSES)
    def list_events(
        flt: FilterDep, limit: Limit = None, offset: Offset = 0,
        sort: Annotated[str, Query(description=f"field, '-' for descending: {', '.join(sorted(SORTABLE))}")] = "-event_date",
        exact_total: Annotated[bool, Query(description="count every match (else up to [api] total_cap, then total_exact is false)")] = False,
    ) -> JSONResponse:  # fmt: skip
        """Events matching every filter given, one page at a time, without their sources:
        `{"total", "total_exact", "limit", "offset", "events"}`. Past `[api] total_cap` matches
        (1,000) the total says "at least" (`total_exact` false) unless `exact_total=true`."""
        cap = None if exact_total else max(api_options.total_cap, 1)
        page = event_page_json(
            store, flt, sort=sort, limit=limit or api_options.page_size, offset=offset, total_cap=cap
        )
        return Response(page, media_type="application/json")

    @app.get("/events/{event_id}", tags=["events"], responses={404: {"description": "no such event (W042)"}})
    def get_event(event_id: str) -> dict[str, Any]:
        """One event with its sources (each with its article, sentence, spans and own values) and
        its revision history."""
        return event_view(store, event_id)

    @app.get("/stats", tags=["events"], responses=FILTER_RESPONSES)
    def stats(flt: FilterDep) -> dict[str, Any]:
        """Counts and fatalities of the matching events, in all and by day, type and country."""
        return event_stats(store, flt)

    @app.get("/stories", tags=["articles"])
    def list_stories(limit: Limit = None, offset: Offset = 0) -> dict[str, Any]:
        """Stories (copies of one wire text) with their canonical copy and members."""
        return story_page(store, limit=limit or api_options.page_size, offset=offset)

    @app.get(
        "/articles/{article_id}",
        tags=["articles"],
        responses={404: {"description": "no such article (W042)"}},
    )
    def get_article(article_id: str) -> dict[str, Any]:
        """One clean article (a unique prefix of its id will do) with its story, the story's other
        copies and its event mentions: the view `wirewatch show --json` prints."""
        return article_view(store, article_id)

    # -- what the dashboard reads (any client may): aggregates, evidence, one story ---------------
    @app.get("/map", tags=["dashboard"], responses=FILTER_RESPONSES)
    def event_map(
        flt: FilterDep,
        zoom: Annotated[int, Query(ge=0, le=20, description="map zoom level: sets the grid cell size")] = 2,
        view: Annotated[str | None, Query(description="the map's box: minlon,minlat,maxlon,maxlat")] = None,
    ) -> JSONResponse:
        """Matching events on a grid for a map at `zoom`: a cell with one event is that event (with a
        one-line summary), a cell with more is a cluster (count, fatalities, counts by type, box);
        `unplaced` counts matching events without coordinates."""
        return JSONResponse(map_view(store, flt, zoom=zoom, view=view))

    @app.get("/timeline", tags=["dashboard"], responses=FILTER_RESPONSES)
    def event_timeline(flt: FilterDep) -> JSONResponse:
        """Matching events per day by event type (every day from the first to the last) and
        fatalities per day."""
        return JSONResponse(timeline_view(store, flt))

    @app.get("/facets", tags=["dashboard"])
    def event_facets() -> dict[str, Any]:
        """The values the filters can take, with their number of events: countries, admin1 regions by
        country, event types with sub-types, and the first and last event dates."""
        return facets_view(store)

    @app.get(
        "/events/{event_id}/evidence",
        tags=["events"],
        responses={404: {"description": "no such event (W042)"}},
    )
    def get_event_evidence(event_id: str) -> dict[str, Any]:
        """One event as `/events/{id}` gives it, plus each field's evidence (per source: the
        sentence, the highlighted words, that source's own value), each source's fatalities, the
        sources grouped by story and the articles cited."""
        return event_evidence(store, event_id)

    @app.get(
        "/stories/{story_id}", tags=["articles"], responses={404: {"description": "no such story (W042)"}}
    )
    def get_story(story_id: str) -> dict[str, Any]:
        """One story: its canonical copy and every member with outlet, title, similarity and
        publication time."""
        return story_page_view(store, story_id)

    @app.post(
        "/articles",
        status_code=201,
        tags=["articles"],
        responses={
            401: {"description": "no token (W041)"},
            403: {"description": "ingest off or token rejected (W041)"},
        },
    )
    def post_article(
        record: Annotated[dict[str, Any], Body(description="one article in the records.md input format")],
        authorization: Annotated[str | None, Header(description="Bearer TOKEN ([api] ingest_token)")] = None,
    ) -> dict[str, Any]:
        """Run one article through the whole pipeline; returns its id, story, mention count and
        event ids. Needs the ingest token."""
        _check_token(api_options.ingest_token, authorization)  # checked before the body too (Guard)
        with ingest_lock:
            return ingest_record(store, options, record, source=INGEST_SOURCE)

    add_review_routes(app, store, options, FilterDep, Limit, _check_token)
    mount_dashboard(app, options.web)
    # added last, so outermost: sizes, tokens and the rate limit are checked before a route (or the
    # dashboard's files) reads anything, and the dashboard's own CSP is set before Guard's headers
    app.add_middleware(Guard, options=api_options)
    return app


def _check_token(expected: str | None, header: str | None, what: str = "ingest") -> None:
    if not expected:
        setting = "ingest_token" if what == "ingest" else "review_token"
        raise ApiError(
            403, errors.NOT_AUTHORISED, f"{what} is disabled: set [api] {setting} in the configuration"
        )
    if not header or not header.lower().startswith("bearer "):
        raise ApiError(401, errors.NOT_AUTHORISED, "missing bearer token (Authorization: Bearer TOKEN)")
    if not hmac.compare_digest(header[7:].strip().encode(), expected.encode()):
        raise ApiError(403, errors.NOT_AUTHORISED, "token rejected")
