"""Typed records that flow through the pipeline (field names: docs/records.md).

ingest -> RawDocument -> clean -> Article -> dedup -> Story
Article -> extract/resolve -> EventMention -> fuse -> Event

Records are plain dataclasses: stages read some fields and fill others, and
`to_dict()` gives the JSON shape used by exports, the API and `--format jsonl`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any


def content_id(*parts: str | bytes, length: int = 16) -> str:
    """Stable id from content: the same parts always give the same id."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\x1f")
    return h.hexdigest()[:length]


class Record:
    """Shared helpers for the record dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]):  # type: ignore[no-untyped-def]
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        kwargs = {k: v for k, v in data.items() if k in names}
        if "spans" in kwargs and kwargs["spans"] is not None:
            kwargs["spans"] = [s if isinstance(s, Span) else Span(**s) for s in kwargs["spans"]]
        return cls(**kwargs)


@dataclass(slots=True)
class Span(Record):
    """A character span into an article's clean `text`, backing one field."""

    field: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class RawDocument(Record):
    """What ingest hands to clean: one document's bytes plus what the input said about it.

    `kind` is `html` or `text`. Values given by an input record (JSONL fields, feed
    items) are carried in the `given_*` fields and win over guesses only where the
    cleaner says so (see clean/).
    """

    source: str  # file path, URL, "<stdin>", or "path.jsonl:LINE"
    kind: str  # "html" | "text"
    content: str  # decoded text or HTML
    encoding: str = "utf-8"  # encoding the bytes were decoded with
    url: str | None = None
    given_title: str | None = None
    given_published_at: str | None = None
    given_outlet: str | None = None
    external_id: str | None = None
    file_mtime: str | None = None  # ISO 8601, for published_at_source="file"
    fetched_at: str | None = None  # ISO 8601, when read from the network

    @property
    def raw_id(self) -> str:
        """Content-derived article id: the same content read twice gets the same id."""
        return content_id(self.kind, self.content)


@dataclass(slots=True)
class Removed(Record):
    """A line or block the cleaner dropped, and why (the rule's name)."""

    text: str
    reason: str


@dataclass(slots=True)
class Article(Record):
    article_id: str
    source: str
    text: str = ""
    external_id: str | None = None
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published_at: str | None = None  # ISO 8601 date or datetime
    published_at_source: str = "none"  # html-meta|header-line|date-field|dateline|input|file|story|none
    agency: str | None = None
    dateline_place: str | None = None
    language: str | None = None  # ISO 639-1
    removed: list[dict[str, str]] = field(default_factory=list)  # [{text, reason}]
    field_sources: dict[str, str] = field(default_factory=dict)  # field -> where it came from
    story_id: str | None = None
    kind: str = "text"  # the raw document's kind
    encoding: str = "utf-8"
    ingested_at: str | None = None


@dataclass(slots=True)
class StoryMember(Record):
    article_id: str
    outlet: str | None
    similarity: float


@dataclass(slots=True)
class Story(Record):
    story_id: str
    canonical_article_id: str
    members: list[dict[str, Any]] = field(default_factory=list)  # StoryMember dicts
    agency: str | None = None
    first_seen: str | None = None
    title: str | None = None


# Event fields shared by a mention (one article) and a fused event (many articles).
EVENT_FIELDS = (
    "event_date", "date_low", "date_high", "time_precision", "disorder_type",
    "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting",
    "iso", "iso3", "country", "admin1", "admin2", "location",
    "latitude", "longitude", "geonameid", "geo_precision",
    "fatalities", "fatalities_low", "fatalities_high", "injuries",
    "modality", "notes", "confidence",
)  # fmt: skip


@dataclass(slots=True)
class EventMention(Record):
    """One article's report of one event, with the text behind every field."""

    mention_id: str
    article_id: str
    sentence: str
    sentence_start: int = 0  # offset of `sentence` in the article's clean text
    event_date: str | None = None
    date_low: str | None = None
    date_high: str | None = None
    date_expression: str | None = None  # the words the date came from ("on Thursday")
    time_precision: int | None = None
    disorder_type: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor1: str | None = None
    assoc_actor_1: str | None = None
    inter1: int | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: str | None = None
    iso: int | None = None
    iso3: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int | None = None
    geo_precision: int | None = None
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    injuries: int | None = None
    modality: str | None = None  # reported|claimed|alleged
    notes: str | None = None
    confidence: float = 0.5
    spans: list[Span] = field(default_factory=list)
    story_id: str | None = None
    event_id: str | None = None


@dataclass(slots=True)
class Event(Record):
    """One real-world event, fused from one or more mentions."""

    event_id: str
    event_date: str | None = None
    date_low: str | None = None
    date_high: str | None = None
    time_precision: int | None = None
    disorder_type: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor1: str | None = None
    assoc_actor_1: str | None = None
    inter1: int | None = None
    actor2: str | None = None
    assoc_actor_2: str | None = None
    inter2: int | None = None
    interaction: int | None = None
    civilian_targeting: str | None = None
    iso: int | None = None
    iso3: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int | None = None
    geo_precision: int | None = None
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    injuries: int | None = None
    modality: str | None = None
    notes: str | None = None
    confidence: float = 0.5
    source_count: int = 0
    independent_source_count: int = 0
    sources: list[dict[str, Any]] = field(default_factory=list)
    # [{article_id, story_id, outlet, url, published_at, mention_id, spans, values}]
    first_reported_at: str | None = None
    updated_at: str | None = None
