"""An event's evidence, field by field, and a story's copies: what the dashboard's event and story
pages show. Every field of the event comes with the sentences (and their sources) that support it,
the supporting words located in the sentence; fatalities come with each source's own figure; the
sources are grouped by story, so copies of one wire text count as one independent source.
"""

from __future__ import annotations

import re
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.records import EVENT_FIELDS, EventSource, Span
from wirewatch.store import Store
from wirewatch.store.dashboard_queries import article_titles
from wirewatch.views import event_view

# the kind of span (extract's field names) that supports each event field; fields filled from the
# same words (a place's country and coordinates, a toll's low and high) share it
SPAN_OF_FIELD = {
    **dict.fromkeys(("event_date", "date_low", "date_high", "time_precision"), "date"),
    **dict.fromkeys(("disorder_type", "event_type", "sub_event_type", "civilian_targeting"), "trigger"),
    **dict.fromkeys(("actor1", "assoc_actor_1", "inter1"), "actor1"),
    **dict.fromkeys(("actor2", "assoc_actor_2", "inter2"), "actor2"),
    **dict.fromkeys(
        (
            "iso",
            "iso3",
            "country",
            "admin1",
            "admin2",
            "location",
            "latitude",
            "longitude",
            "geonameid",
            "geo_precision",
        ),
        "location",
    ),  # fmt: skip
    **dict.fromkeys(("fatalities", "fatalities_low", "fatalities_high"), "fatalities"),
    "injuries": "injuries",
}
CONTEXT_CHARS = 320  # a supporting sentence longer than this is cut around its highlighted words
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+|\n+")


def event_evidence(store: Store, event_id: str) -> dict[str, Any]:
    """The event view (fields, sources, history) with `fields`: each field's value and its
    evidence (per source: the sentence, the highlighted words, what that source alone said),
    `fatalities` (best, low, high and each source's figures), `stories` (the sources grouped by
    story: one independent source each, with every outlet that ran the copy) and `articles`."""
    view = event_view(store, event_id)
    sources = [EventSource.from_dict(s) for s in view["sources"]]
    ids = list(dict.fromkeys(s.article_id for s in sources))
    titles = article_titles(store, ids)
    texts = store.article_texts(ids)
    evidence = {kind: _evidence_of(kind, sources, texts, titles) for kind in set(SPAN_OF_FIELD.values())}
    fields = [
        {"field": name, "value": view.get(name), "support": SPAN_OF_FIELD.get(name),
         "evidence": evidence.get(SPAN_OF_FIELD.get(name, ""), [])}
        for name in EVENT_FIELDS
    ]  # fmt: skip
    return view | {
        "fields": fields, "fatalities_by_source": _tolls(view, sources, titles),
        "stories": story_groups(store, sources), "articles": [titles.get(i, {"article_id": i}) for i in ids],
    }  # fmt: skip


def _evidence_of(
    kind: str, sources: list[EventSource], texts: dict[str, str], titles: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Per source, the first sentence holding words of this kind, with every such span in it."""
    out = []
    for source in sources:
        spans = [sp for sp in source.spans if sp.field == kind]
        if not spans:
            continue
        text = texts.get(source.article_id) or source.sentence or ""
        context = supporting_sentence(text, spans)
        if context is None:
            continue
        meta = titles.get(source.article_id, {})
        out.append({
            "article_id": source.article_id, "story_id": source.story_id, "mention_id": source.mention_id,
            "outlet": source.outlet or meta.get("outlet"), "title": meta.get("title"),
            "published_at": source.published_at, "url": source.url,
            "values": {k: v for k, v in source.values.items() if SPAN_OF_FIELD.get(k) == kind},
            **context,
        })  # fmt: skip
    return out


def supporting_sentence(text: str, spans: list[Span]) -> dict[str, Any] | None:
    """The sentence of `text` around the first span that is found in it, and the spans inside that
    sentence as offsets into it: {"text", "offset", "highlights": [{"start", "end", "text"}]}."""
    placed = [p for p in (_locate(text, sp) for sp in spans) if p is not None]
    if not placed:
        return None
    start, end = placed[0]
    lo, hi = _sentence_bounds(text, start, end)
    if hi - lo > CONTEXT_CHARS:  # a run-on "sentence" (a list, a table): keep the words' surroundings
        lo = max(lo, start - CONTEXT_CHARS // 2)
        hi = min(hi, max(end, lo + CONTEXT_CHARS))
    highlights = [
        {"start": a - lo, "end": b - lo, "text": text[a:b]}
        for a, b in sorted(set(placed))
        if lo <= a and b <= hi
    ]
    return {"text": text[lo:hi], "offset": lo, "highlights": highlights}


def _locate(text: str, span: Span) -> tuple[int, int] | None:
    """Where a span's words are in the text: at its offsets, or (a text cleaned again since) the
    first place they occur."""
    if 0 <= span.start < span.end <= len(text) and text[span.start : span.end] == span.text:
        return span.start, span.end
    found = text.find(span.text) if span.text else -1
    return (found, found + len(span.text)) if found >= 0 else None


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    m = _SENTENCE_END.search(text, end)
    hi = len(text) if m is None else (m.start() + 1 if text[m.start()] in ".!?" else m.start())
    return lo, hi


def _tolls(
    view: dict[str, Any], sources: list[EventSource], titles: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    by_source = [
        {"article_id": s.article_id, "outlet": s.outlet or titles.get(s.article_id, {}).get("outlet"),
         "story_id": s.story_id, **{k: s.values.get(k) for k in ("fatalities", "fatalities_low", "fatalities_high")}}
        for s in sources
    ]  # fmt: skip
    return {
        "best": view.get("fatalities"), "low": view.get("fatalities_low"), "high": view.get("fatalities_high"),
        "by_source": by_source,
    }  # fmt: skip


def story_groups(store: Store, sources: list[EventSource]) -> list[dict[str, Any]]:
    """The sources grouped by story, in the order first reported: each group is one independent
    source; `copies` lists every stored copy of the story and whether this event cites it."""
    groups: dict[str, list[EventSource]] = {}
    for source in sources:
        groups.setdefault(source.story_id or f"article:{source.article_id}", []).append(source)
    stories = store.stories_by_id([key for key in groups if not key.startswith("article:")])
    out = []
    for key, members in groups.items():
        cited = {s.article_id for s in members}
        story = stories.get(key)
        copies = (
            [m.to_dict() | {"cited": m.article_id in cited, "canonical": m.article_id == story.canonical_article_id}
             for m in story.members]
            if story else [{"article_id": s.article_id, "outlet": s.outlet, "published_at": s.published_at,
                            "cited": True, "canonical": True} for s in members]
        )  # fmt: skip
        out.append({
            "story_id": story.story_id if story else None, "agency": story.agency if story else None,
            "title": story.title if story else None, "cited": sorted(cited), "copies": copies,
        })  # fmt: skip
    return out


def story_page_view(store: Store, story_id: str) -> dict[str, Any]:
    """A story: its canonical copy, and every member with outlet, title, similarity and
    publication time (earliest first)."""
    story = store.get_story(story_id)
    if story is None:
        raise WirewatchError(errors.NO_SUCH_RECORD, f"no story with id '{story_id}'")
    titles = article_titles(store, [m.article_id for m in story.members])
    members = [
        m.to_dict() | {"canonical": m.article_id == story.canonical_article_id,
                       "title": m.title or titles.get(m.article_id, {}).get("title"),
                       "url": titles.get(m.article_id, {}).get("url")}
        for m in story.members
    ]  # fmt: skip
    members.sort(key=lambda m: (m["published_at"] is None, m["published_at"] or "", m["article_id"]))
    return story.to_dict() | {"members": members, "canonical": titles.get(story.canonical_article_id)}
