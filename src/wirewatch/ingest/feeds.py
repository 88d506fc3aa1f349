"""RSS/Atom feeds (URLs or files) -> the page of each item, fetched through web.py.

The item's link, title and published date travel with the page as url/given_* values.
A feed item whose page fails is its own problem; the other items go on.
"""

from __future__ import annotations

import calendar
import xml.sax
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from wirewatch import errors
from wirewatch.config import IngestOptions
from wirewatch.errors import InputProblem
from wirewatch.ingest.decode import formats
from wirewatch.ingest.documents import looks_like_feed, looks_like_html, make_document
from wirewatch.ingest.web import Fetched, Fetcher, is_url
from wirewatch.records import RawDocument


def is_feed_content_type(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in formats()["feed_content_types"]


def _iso(parsed: Any) -> str | None:
    """feedparser's UTC struct_time -> ISO 8601."""
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat(timespec="seconds")
    except (OverflowError, ValueError, TypeError):
        return None


def _clean(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


@dataclass(slots=True)
class FeedItem:
    link: str | None
    title: str | None
    published_at: str | None  # ISO 8601 UTC


def parse_feed(
    body: bytes, source: str, base_url: str | None = None
) -> tuple[list[FeedItem], InputProblem | None]:
    """The items of a feed, and a problem: fatal W011/W004 when there are none, a warning when the
    XML is broken but feedparser still recovered items."""
    try:
        parsed = feedparser.parse(body, response_headers={"content-location": base_url} if base_url else None)
    except Exception as exc:  # noqa: BLE001 - feedparser is lenient but not total
        return [], InputProblem(
            source, errors.MALFORMED_FEED, f"malformed feed ({type(exc).__name__}: {exc})"
        )
    broken = parsed.get("bozo_exception")
    reason = str(broken).splitlines()[0][:160] if broken is not None else ""
    if not parsed.entries:
        if broken is not None and parsed.get("bozo"):
            return [], InputProblem(source, errors.MALFORMED_FEED, f"malformed feed ({reason})")
        if not parsed.get("version"):
            return [], InputProblem(source, errors.MALFORMED_FEED, "not an RSS or Atom feed")
        return [], InputProblem(source, errors.INPUT_EMPTY, "feed has no items")
    items = [
        FeedItem(
            link=_clean(entry.get("link")),
            title=_clean(entry.get("title")),
            published_at=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
        )
        for entry in parsed.entries
    ]
    warning = None
    if isinstance(broken, xml.sax.SAXException):  # not well-formed XML, yet some items came through
        warning = InputProblem(
            source,
            errors.MALFORMED_FEED,
            f"malformed feed ({reason}); reading the {len(items)} item(s) found",
            fatal=False,
        )
    return items, warning


def read_feed(
    body: bytes, source: str, options: IngestOptions, fetcher: Fetcher, *, base_url: str | None = None
) -> Iterator[RawDocument | InputProblem]:
    """Fetch the page of each item (up to options.feed_item_limit), in feed order, all within the
    feed's deadline (ingest.source_deadline_s): the items left when it passes are W052 problems."""
    items, problem = parse_feed(body, source, base_url)
    if problem:
        yield problem
    with fetcher.source_deadline():
        yield from _fetch_items(items, source, options, fetcher)


def _fetch_items(
    items: list[FeedItem], source: str, options: IngestOptions, fetcher: Fetcher
) -> Iterator[RawDocument | InputProblem]:
    seen: set[str] = set()
    fetched = 0
    for number, item in enumerate(items, 1):
        link = item.link
        if not link or not is_url(link):
            yield InputProblem(
                f"{source} item {number}",
                errors.MALFORMED_FEED,
                f"feed item has no http(s) link ({link or 'none'})",
            )
            continue
        if link in seen:
            continue
        seen.add(link)
        if fetched >= options.feed_item_limit:
            yield InputProblem(
                source,
                errors.MALFORMED_FEED,
                f"only the first {options.feed_item_limit} items read (ingest.feed_item_limit)",
                fatal=False,
            )
            return
        fetched += 1
        if fetcher.past_deadline():
            yield InputProblem(
                link, errors.DEADLINE_PASSED,
                f"not fetched: the deadline of feed {source} passed (ingest.source_deadline_s)",
            )  # fmt: skip
            continue
        result = fetcher.fetch(link)
        if isinstance(result, InputProblem):
            result.message += f" (feed item of {source})"
            yield result
            continue
        yield from read_fetched(
            result,
            link,
            options,
            fetcher,
            given_title=item.title,
            given_published_at=item.published_at,
            follow_feeds=False,
        )


def read_fetched(
    fetched: Fetched,
    source: str,
    options: IngestOptions,
    fetcher: Fetcher,
    *,
    given_title: str | None = None,
    given_published_at: str | None = None,
    follow_feeds: bool = True,
) -> Iterator[RawDocument | InputProblem]:
    """A fetched body: a feed (by content type or content) gives its items' pages, else one document."""
    rules = formats()
    media = (fetched.content_type or "").split(";", 1)[0].strip().lower()
    head = fetched.body[:2048].decode("utf-8", "replace")
    xml_feed_type = is_feed_content_type(fetched.content_type) and not looks_like_html(head)
    if follow_feeds and (looks_like_feed(head) or xml_feed_type):
        yield from read_feed(fetched.body, source, options, fetcher, base_url=fetched.url)
        return
    if media in rules["html_content_types"]:
        kind: str | None = "html"
    elif media in rules["text_content_types"]:
        kind = "text"
    else:
        kind = None  # sniff (binary bodies become W003 there)
    yield from make_document(
        fetched.body,
        source,
        kind,
        content_type=fetched.content_type,
        url=fetched.url,
        fetched_at=fetched.fetched_at,
        given_title=given_title,
        given_published_at=given_published_at,
    )
