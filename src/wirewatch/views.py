"""What the faces show, built once: an article with its story and mentions, an event with its
sources and history, pages of events and stories, and the event filter made from what a user
typed. The CLI and the API call these and only format the answer, so both show the same thing
and report the same problem with the same code.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from wirewatch import errors
from wirewatch.dedup import story_of
from wirewatch.errors import WirewatchError
from wirewatch.safe_text import valid_unicode
from wirewatch.store import Store
from wirewatch.store.event_filter import REVIEW_STATES, EventFilter
from wirewatch.store.events_query import (
    count_and_find_event_ids,
    event_history,
    event_records,
    event_records_json,
)

# An ISO 8601 calendar date, alone or with a time (and a zone): the shapes a filter date may take.
# The API declares it for its date parameters; `filter_date` checks the calendar as well.
DATE_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)


# -- one record -------------------------------------------------------------------------------------
def article_view(store: Store, article_id: str) -> dict[str, Any]:
    """An article (a unique prefix of its id will do) with its story, the story's other copies and
    its event mentions: what `wirewatch show --json` prints and `GET /articles/{id}` returns.

    The article's fields sit at the top level (as the API has always answered) and under
    "article" (as `show --json` has always printed them)."""
    article = store.get_article(article_id) if plausible_id(article_id) else None
    if article is None:
        raise WirewatchError(errors.NO_SUCH_RECORD, f"no article with id '{quoted_value(article_id)}'")
    record = article.to_dict()
    mentions = [m.to_dict() for m in store.iter_mentions(article_id=article.article_id)]
    skipped = {"extraction_skipped": store.extraction_skipped(article.article_id)}
    return (
        record
        | {"article": record}
        | story_view(store, article.article_id)
        | {"mentions": mentions}
        | skipped
    )


def story_view(store: Store, article_id: str) -> dict[str, Any]:
    """The story an article belongs to and its other copies, each marked canonical or not
    (`story` is None for an article dedup has not reached yet)."""
    story, siblings = story_of(store, article_id)
    return {"story": story.to_dict() if story else None, "siblings": siblings}


def event_view(store: Store, event_id: str) -> dict[str, Any]:
    """An event with its sources (article, sentence, spans and own values of each) and its
    revision history."""
    event = store.get_event(event_id) if plausible_id(event_id) else None
    if event is None:
        raise WirewatchError(errors.NO_SUCH_RECORD, f"no event with id '{quoted_value(event_id)}'")
    return event.to_dict() | {"history": event_history(store, event.event_id)}


MAX_ID_CHARS = 64


def plausible_id(text: str) -> bool:
    """Could this be a record id (or a prefix of one)? Ids are short hex strings, and a value
    with control characters (a NUL, which PostgreSQL cannot even compare) is no id at all."""
    return 0 < len(text) <= MAX_ID_CHARS and text.isprintable()


def quoted_value(value: str) -> str:
    """A user's value inside a message: printable, and not a page long."""
    shown = value.encode("unicode_escape", "backslashreplace").decode("ascii")
    return shown if len(shown) <= 80 else shown[:77] + "..."


# -- pages ------------------------------------------------------------------------------------------
def event_page(
    store: Store, flt: EventFilter, *, sort: str, limit: int, offset: int, total_cap: int | None = None
) -> dict[str, Any]:
    """One page of the matching events, without their sources (the event view has them), and
    how many match: exactly, or with `total_cap`, exactly up to that many and past it
    `total` = total_cap with `total_exact` false (at least that many; a page past it still
    lists what is there)."""
    ids, counted = _page_ids(store, flt, sort=sort, limit=limit, offset=offset, total_cap=total_cap)
    events = [_without_sources(record) for record in event_records(store, ids)]
    return {
        **_page_total(counted, total_cap, offset, len(events)),
        "limit": limit,
        "offset": offset,
        "events": events,
    }


def event_page_json(
    store: Store, flt: EventFilter, *, sort: str, limit: int, offset: int, total_cap: int | None = None
) -> bytes:
    """`event_page` as UTF-8 JSON, the records as the database gives them without their sources
    (not decoded and encoded again: the API's answer)."""
    ids, counted = _page_ids(store, flt, sort=sort, limit=limit, offset=offset, total_cap=total_cap)
    records = event_records_json(store, ids, without="sources")
    head = {**_page_total(counted, total_cap, offset, len(records)), "limit": limit, "offset": offset}
    text = json.dumps(head, separators=(",", ":"))[:-1] + ',"events":[' + ",".join(records) + "]}"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from before text was repaired on the way in
        return valid_unicode(text)[0].encode("utf-8")


def _page_ids(
    store: Store, flt: EventFilter, *, sort: str, limit: int, offset: int, total_cap: int | None
) -> tuple[list[str], int]:
    """A page's event ids and the count of matches (up to total_cap + 1)."""
    check_page(limit=limit, offset=offset)
    counted, ids = count_and_find_event_ids(store, flt, sort=sort, limit=limit, offset=offset, cap=total_cap)
    return ids, counted


def _page_total(counted: int, total_cap: int | None, offset: int, shown: int) -> dict[str, Any]:
    exact = total_cap is None or counted <= total_cap
    return {"total": counted if exact else max(total_cap, offset + shown), "total_exact": exact}


# the largest integer every database here stores (PostgreSQL's and SQLite's 64-bit, and more than
# any real offset or toll): a larger one is a W040 error, not a database overflow
MAX_INTEGER = 2**62


def check_page(*, limit: int | None, offset: int) -> None:
    """A page's limit and offset, or a W040 error naming the one out of range."""
    for name, value in (("limit", limit), ("offset", offset)):
        if value is not None and not 0 <= value <= MAX_INTEGER:
            raise WirewatchError(errors.BAD_OPTION, f"{name} {value}: expected 0 to {MAX_INTEGER}")


def _without_sources(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k != "sources"}


def story_page(store: Store, *, limit: int, offset: int) -> dict[str, Any]:
    """One page of stories (copies of one wire text) with their canonical copy and members."""
    check_page(limit=limit, offset=offset)
    stories = [s.to_dict() for s in store.iter_stories(limit=limit, offset=offset)]
    return {"total": store.count("stories"), "limit": limit, "offset": offset, "stories": stories}


# -- the event filter -------------------------------------------------------------------------------
def event_filter(
    *, since: str | None = None, until: str | None = None, country: str | None = None,
    admin1: str | None = None, event_type: str | None = None, sub_event_type: str | None = None,
    actor: str | None = None, bbox: str | None = None, min_fatalities: int | None = None,
    q: str | None = None, min_sources: int | None = None, review: str | None = None,
) -> EventFilter:  # fmt: skip
    """The filter for what a user typed, checked: a bad value is a W040 error naming it.
    An empty value filters nothing, as if it were not given (and rejected events stay out)."""
    for name, value in (("min_fatalities", min_fatalities), ("min_sources", min_sources)):
        if value is not None and not 0 <= value <= MAX_INTEGER:
            raise WirewatchError(errors.BAD_OPTION, f"{name} {value}: expected 0 to {MAX_INTEGER}")
    state = (_given(review) or "").strip().lower() or None
    if state is not None and state not in REVIEW_STATES:
        raise WirewatchError(
            errors.BAD_OPTION,
            f"review '{quoted_value(review or '')}': expected one of {', '.join(REVIEW_STATES)}",
        )
    texts = {"country": country, "admin1": admin1, "type": event_type, "sub_type": sub_event_type,
             "actor": actor, "bbox": bbox, "q": q}  # fmt: skip
    for name, value in texts.items():
        filter_text(value, name)
    return EventFilter(
        since=filter_date(since, "since"), until=filter_date(until, "until"), country=_given(country),
        admin1=_given(admin1), event_type=_given(event_type), sub_event_type=_given(sub_event_type),
        actor=_given(actor), bbox=parse_bbox(bbox) if _given(bbox) else None,
        min_fatalities=min_fatalities, q=_given(q), min_sources=min_sources, review=state,
    )  # fmt: skip


MAX_FILTER_CHARS = 500


def filter_text(value: str | None, name: str) -> None:
    """A W040 error for a text filter no search means: control characters (a NUL ends the
    pattern in SQLite, so `q=%00` matched everything; PostgreSQL refuses it), or pages of it."""
    if value is None:
        return
    if not value.isprintable():
        raise WirewatchError(
            errors.BAD_OPTION, f"{name} '{quoted_value(value)}': contains control characters"
        )
    if len(value) > MAX_FILTER_CHARS:
        raise WirewatchError(
            errors.BAD_OPTION,
            f"{name}: {len(value):,} characters, more than {MAX_FILTER_CHARS} to search for",
        )


def _given(value: str | None) -> str | None:
    return value if value and value.strip() else None


def filter_date(value: str | None, name: str) -> str | None:
    """An ISO 8601 date (YYYY-MM-DD) or date and time -> its day as YYYY-MM-DD, or a W040 error.

    Events are dated by the day, so a time only names its day: `since 2024-02-05T18:00` keeps
    the events of 5 February. The day is the one written, whatever the zone."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text) if re.fullmatch(DATE_PATTERN, text) else None
    except ValueError:  # the shape of a date, but no such day (2024-02-30)
        when = None
    if when is None:
        raise WirewatchError(
            errors.BAD_OPTION,
            f"{name} '{quoted_value(value or '')}': expected a date (YYYY-MM-DD) or an ISO 8601 date and time",
        )
    return when.date().isoformat()


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """'minlon,minlat,maxlon,maxlat' -> four degrees, or a W040 error."""
    try:
        parts = tuple(float(p) for p in text.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4 or not _valid_box(*parts):
        raise WirewatchError(
            errors.BAD_OPTION,
            f"bbox '{quoted_value(text)}': expected minlon,minlat,maxlon,maxlat in degrees (longitude -180..180, "
            "latitude -90..90) with min <= max",
        )
    return parts  # type: ignore[return-value]


def _valid_box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> bool:
    finite = all(math.isfinite(x) for x in (min_lon, min_lat, max_lon, max_lat))
    return finite and -180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90
