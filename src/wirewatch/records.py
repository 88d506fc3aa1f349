"""Typed records that flow through the pipeline (field names: docs/records.md).

ingest -> RawDocument -> clean -> Article -> dedup -> Story
Article -> extract/resolve -> EventMention -> fuse -> Event

Records are plain dataclasses: stages read some fields and fill others, and
`to_dict()` gives the JSON shape used by exports, the API and `--format jsonl`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar


def content_id(*parts: str | bytes, length: int = 16) -> str:
    """Stable id from content: the same parts always give the same id."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\x1f")
    return h.hexdigest()[:length]


class Record:
    """Shared helpers for the record dataclasses."""

    # list fields holding nested records: field name -> the record type of its items
    _NESTED: ClassVar[dict[str, type[Record]]] = {}
    # the key order of to_dict() and the stored JSON, where it is not the field order (a record
    # whose fields come partly from a shared base)
    _KEY_ORDER: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        # nested records given as dicts (the JSON shape) become records
        for name, kind in self._NESTED.items():
            items = getattr(self, name)
            if items and any(isinstance(item, dict) for item in items):
                setattr(self, name, [kind.from_dict(i) if isinstance(i, dict) else i for i in items])

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The record's fields in the order of its dict and stored JSON."""
        return cls._KEY_ORDER or tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)  # type: ignore[call-overload]
        return {name: data[name] for name in self._KEY_ORDER} if self._KEY_ORDER else data

    @classmethod
    def from_dict(cls, data: dict[str, Any]):  # type: ignore[no-untyped-def]
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        kwargs = {k: v for k, v in data.items() if k in names}
        for name, kind in cls._NESTED.items():
            if kwargs.get(name) is not None:
                kwargs[name] = [kind.from_dict(i) if isinstance(i, dict) else i for i in kwargs[name]]
        return cls(**kwargs)


class SubRecord(Record):
    """A record that is an item of another record's list (a removed line, a story member, an event
    source). It also reads like the dict of its JSON shape (`m["article_id"]`, `m.get("outlet")`,
    `dict(m)`, equal to that dict), as the code and stored rows written for that shape expect."""

    def keys(self) -> tuple[str, ...]:
        return self.field_names()

    def __getitem__(self, key: str) -> Any:
        if key not in self.field_names():
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self.field_names()

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self.field_names() else default

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self.to_dict() == dict(other)
        if type(other) is type(self):
            return self.to_dict() == other.to_dict()  # type: ignore[attr-defined]
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dict it stands for


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


@dataclass(slots=True, eq=False)
class Removed(SubRecord):
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
    removed: list[Removed] = field(default_factory=list)
    field_sources: dict[str, str] = field(default_factory=dict)  # field -> where it came from
    story_id: str | None = None
    kind: str = "text"  # the raw document's kind
    encoding: str = "utf-8"
    ingested_at: str | None = None

    _NESTED: ClassVar[dict[str, type[Record]]] = {"removed": Removed}


@dataclass(slots=True, eq=False)
class StoryMember(SubRecord):
    """One copy of a story, with what dedup compares and picks the canonical copy by."""

    article_id: str
    outlet: str | None = None
    similarity: float | None = None  # to the story when it joined (1.0: an exact copy)
    chars: int | None = None  # length of its clean text
    prose_words: int | None = None  # words in its prose lines
    published_at: str | None = None
    agency: str | None = None
    title: str | None = None


@dataclass(slots=True)
class Story(Record):
    story_id: str
    canonical_article_id: str
    members: list[StoryMember] = field(default_factory=list)
    agency: str | None = None
    first_seen: str | None = None
    title: str | None = None

    _NESTED: ClassVar[dict[str, type[Record]]] = {"members": StoryMember}


@dataclass(slots=True, kw_only=True)
class EventFields(Record):
    """The fields of an event, shared by a mention (one article's report) and a fused event
    (many articles'): ACLED's names where ACLED has the field (docs/records.md). Keyword-only, so
    a subclass's own required fields (`mention_id`, `event_id`) can come first in its calls."""

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
    modality: str | None = None  # reported|claimed|alleged
    notes: str | None = None
    confidence: float = 0.5


EVENT_FIELDS = tuple(f.name for f in dataclasses.fields(EventFields))
# where the event happened: the fields one resolved place fills
PLACE_FIELDS = EVENT_FIELDS[EVENT_FIELDS.index("iso") : EVENT_FIELDS.index("geo_precision") + 1]


@dataclass(slots=True)
class EventMention(EventFields):
    """One article's report of one event, with the text behind every field."""

    mention_id: str
    article_id: str
    sentence: str
    sentence_start: int = 0  # offset of `sentence` in the article's clean text
    date_expression: str | None = None  # the words the date came from ("on Thursday")
    spans: list[Span] = field(default_factory=list)
    story_id: str | None = None
    event_id: str | None = None

    _NESTED: ClassVar[dict[str, type[Record]]] = {"spans": Span}
    _KEY_ORDER: ClassVar[tuple[str, ...]] = (
        "mention_id", "article_id", "sentence", "sentence_start",
        *EVENT_FIELDS[: EVENT_FIELDS.index("date_high") + 1], "date_expression",
        *EVENT_FIELDS[EVENT_FIELDS.index("date_high") + 1 :],
        "spans", "story_id", "event_id",
    )  # fmt: skip


@dataclass(slots=True, eq=False)
class EventSource(SubRecord):
    """One mention behind an event: its article, the sentence and spans, and what that article
    alone said (`values`, the fields of fuse.fields.SOURCE_VALUE_FIELDS)."""

    article_id: str
    story_id: str | None = None
    outlet: str | None = None
    url: str | None = None
    published_at: str | None = None
    mention_id: str | None = None
    sentence: str | None = None
    spans: list[Span] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)

    _NESTED: ClassVar[dict[str, type[Record]]] = {"spans": Span}


@dataclass(slots=True)
class Event(EventFields):
    """One real-world event, fused from one or more mentions."""

    event_id: str
    source_count: int = 0
    independent_source_count: int = 0
    sources: list[EventSource] = field(default_factory=list)
    first_reported_at: str | None = None
    updated_at: str | None = None
    # review (wirewatch.review): an analyst's verdict, the fields set by hand and what the sources
    # say for each, why the event needs another look, and the fields its sources disagree on
    review_status: str | None = None  # confirmed | rejected
    hand_set: list[str] = field(default_factory=list)
    machine_values: dict[str, Any] = field(default_factory=dict)
    review_flags: list[str] = field(default_factory=list)
    disputed_fields: list[str] = field(default_factory=list)

    _NESTED: ClassVar[dict[str, type[Record]]] = {"sources": EventSource}
    _KEY_ORDER: ClassVar[tuple[str, ...]] = (
        "event_id", *EVENT_FIELDS,
        "source_count", "independent_source_count", "sources", "first_reported_at", "updated_at",
        "review_status", "hand_set", "machine_values", "review_flags", "disputed_fields",
    )  # fmt: skip

    @property
    def needs_review(self) -> bool:
        """Flagged: the sources' view of a corrected field (or of a rejected event) has changed."""
        return bool(self.review_flags)

    @property
    def disputed_count(self) -> int:
        return len(self.disputed_fields)
