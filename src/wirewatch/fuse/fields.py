"""The fused fields of one event from its mentions: conservative tolls, the most precise place
and date, every actor, every source with its own values so disagreements stay visible."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from wirewatch.fuse.compat import date_window, fusion_rules, named
from wirewatch.fuse.notes import generate_note
from wirewatch.records import EVENT_FIELDS, PLACE_FIELDS, Event, EventMention, EventSource

# per-source values kept in `sources[].values` (what that article alone said), a choice of the
# event fields in the order stored rows have them
SOURCE_VALUE_FIELDS = (
    "event_date", "date_low", "date_high", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "location", "country", "geo_precision", "fatalities", "fatalities_low",
    "fatalities_high", "injuries", "modality", "confidence",
)  # fmt: skip
# fields whose change is written to event_history
TRACKED_FIELDS = (*EVENT_FIELDS, "source_count", "independent_source_count", "first_reported_at")


def instant(text: str | None) -> dt.datetime | None:
    """An ISO date or datetime as an aware UTC datetime (a bare date is midnight UTC)."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


_FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)


def mention_order_key(m: EventMention, meta: dict[str, dict[str, Any]]) -> tuple[Any, ...]:
    """Earliest reported first (publication time, then ingestion), then ids: a stable order."""
    info = meta.get(m.article_id, {})
    return (
        instant(info.get("published_at")) or _FAR_FUTURE,
        info.get("ingested_at") or "",
        m.article_id,
        m.mention_id,
    )


def _first_by(mentions: Sequence[EventMention], key: Callable[[EventMention], Any]) -> EventMention:
    """The mention with the smallest key; the earliest mention wins ties (mentions come ordered)."""
    return min(enumerate(mentions), key=lambda im: (key(im[1]), im[0]))[1]


def _majority(values: Sequence[Any], voters: Sequence[str] | None = None) -> Any:
    """The non-empty value most voters give (each voter, a story, counted once however many
    copies of it carry the value); the first seen wins ties."""
    voters = voters if voters is not None else [str(i) for i in range(len(values))]
    present = [(v, who) for v, who in zip(values, voters, strict=True) if v not in (None, "")]
    if not present:
        return None
    counts = Counter(v for v, _who in dict.fromkeys(present))
    top = max(counts.values())
    return next(v for v, _who in present if counts[v] == top)


def _join(names: Sequence[str | None], exclude: str | None) -> str | None:
    seen: list[str] = []
    for value in names:
        for name in (value or "").split(";"):
            name = name.strip()
            if name and name != exclude and name not in seen:
                seen.append(name)
    return "; ".join(seen) or None


def interaction_code(inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's interaction: the two inter codes, lower first (17), or 10 x inter1 alone (10, 60)."""
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _independent_key(m: EventMention, meta: dict[str, dict[str, Any]]) -> str:
    return meta.get(m.article_id, {}).get("story_id") or m.story_id or f"article:{m.article_id}"


def fuse_fields(event_id: str, mentions: Sequence[EventMention], meta: dict[str, dict[str, Any]]) -> Event:
    """One Event from mentions already ordered by `mention_order_key`."""
    ev = Event(event_id=event_id)
    stories = [_independent_key(m, meta) for m in mentions]  # copies of one story: one vote
    _fuse_type(ev, mentions, stories)
    _fuse_place(ev, mentions, stories)
    _fuse_date(ev, mentions)
    _fuse_actors(ev, mentions, stories)
    _fuse_tolls(ev, mentions)
    order = fusion_rules()["modality_order"]
    modalities = [m.modality for m in mentions if m.modality in order]
    ev.modality = min(modalities, key=order.index) if modalities else None
    _fuse_sources(ev, mentions, meta)
    published = [(instant(meta.get(m.article_id, {}).get("published_at")), m.article_id) for m in mentions]
    published = [(t, a) for t, a in published if t is not None]
    if published:
        first = min(published)
        ev.first_reported_at = meta[first[1]]["published_at"]
    ev.notes = generate_note(ev)
    return ev


def _fuse_type(ev: Event, mentions: Sequence[EventMention], stories: Sequence[str]) -> None:
    """The sub-type most independent sources give."""
    sub = _majority([m.sub_event_type for m in mentions], stories)
    typed = next((m for m in mentions if m.sub_event_type == sub), None) if sub else None
    ev.sub_event_type = sub
    ev.event_type = typed.event_type if typed else _majority([m.event_type for m in mentions])
    ev.disorder_type = (typed.disorder_type if typed else None) or _majority(
        [m.disorder_type for m in mentions]
    )


def _fuse_place(ev: Event, mentions: Sequence[EventMention], stories: Sequence[str]) -> None:
    """The most precise place (lowest geo_precision), the most reported among equals."""
    story_of = {id(m): who for m, who in zip(mentions, stories, strict=True)}
    placed = [m for m in mentions if m.location or m.country]
    if placed:
        best_precision = min(m.geo_precision or 9 for m in placed)
        precise = [m for m in placed if (m.geo_precision or 9) == best_precision]
        loc = _majority([m.location for m in precise], [story_of[id(m)] for m in precise])
        chosen = next((m for m in precise if m.location == loc), precise[0])
        for name in PLACE_FIELDS:
            setattr(ev, name, getattr(chosen, name))


def _fuse_date(ev: Event, mentions: Sequence[EventMention]) -> None:
    """The most precise date (lowest time_precision, then narrowest window); the window is what
    all sources allow (the best one's when they disagree)."""
    dated = [(m, date_window(m)) for m in mentions]
    dated = [(m, w) for m, w in dated if w is not None]
    if not dated:
        return
    m_best, w_best = min(
        dated,
        key=lambda mw: (mw[0].time_precision or 9, (mw[1][1] - mw[1][0]).days, mentions.index(mw[0])),
    )
    low = max(w[0] for _, w in dated)
    high = min(w[1] for _, w in dated)
    if low > high or not (
        low <= (dt.date.fromisoformat(m_best.event_date) if m_best.event_date else low) <= high
    ):
        low, high = w_best
    ev.event_date = m_best.event_date or low.isoformat()
    ev.date_low, ev.date_high = low.isoformat(), high.isoformat()
    ev.time_precision = m_best.time_precision or (1 if low == high else 2)


def _fuse_actors(ev: Event, mentions: Sequence[EventMention], stories: Sequence[str]) -> None:
    """The actor most independent sources give on each side; every other name goes to the
    associated actors."""
    ev.actor1 = _majority([named(m.actor1) for m in mentions], stories) or _majority(
        [m.actor1 for m in mentions], stories
    )  # a source that names the actor beats the unidentified one of ACLED's convention
    ev.actor2 = _majority([named(m.actor2) for m in mentions], stories) or _majority(
        [m.actor2 for m in mentions], stories
    )
    ev.assoc_actor_1 = _join([m.actor1 for m in mentions] + [m.assoc_actor_1 for m in mentions], ev.actor1)
    ev.assoc_actor_2 = _join([m.actor2 for m in mentions] + [m.assoc_actor_2 for m in mentions], ev.actor2)
    if ev.assoc_actor_2 and ev.actor1:
        ev.assoc_actor_2 = _join([ev.assoc_actor_2], ev.actor1)
    ev.inter1 = next((m.inter1 for m in mentions if m.actor1 == ev.actor1 and m.inter1 is not None), None)
    ev.inter2 = next((m.inter2 for m in mentions if m.actor2 == ev.actor2 and m.inter2 is not None), None)
    ev.interaction = interaction_code(ev.inter1, ev.inter2)
    ev.civilian_targeting = _majority([m.civilian_targeting for m in mentions], stories)


def _fuse_tolls(ev: Event, mentions: Sequence[EventMention]) -> None:
    """ACLED's conservative rule: the lowest figure when sources disagree; the range stays visible."""
    tolls = [m.fatalities for m in mentions if m.fatalities is not None]
    if tolls:
        ev.fatalities = min(tolls)
        ev.fatalities_low = min(m.fatalities_low if m.fatalities_low is not None else m.fatalities for m in mentions
                                if m.fatalities is not None or m.fatalities_low is not None)  # fmt: skip
        ev.fatalities_high = max(m.fatalities_high if m.fatalities_high is not None else m.fatalities for m in mentions
                                 if m.fatalities is not None or m.fatalities_high is not None)  # fmt: skip
        ev.fatalities_low = min(ev.fatalities_low, ev.fatalities)  # type: ignore[type-var]
        ev.fatalities_high = max(ev.fatalities_high, ev.fatalities)  # type: ignore[type-var]
    hurt = [m.injuries for m in mentions if m.injuries is not None]
    ev.injuries = min(hurt) if hurt else None


def _fuse_sources(ev: Event, mentions: Sequence[EventMention], meta: dict[str, dict[str, Any]]) -> None:
    """One source per mention, with what that article alone said; the counts of articles and of
    independent stories; confidence rising with independent corroboration."""
    ev.sources = []
    stories: dict[str, float] = {}
    for m in mentions:
        info = meta.get(m.article_id, {})
        story = _independent_key(m, meta)
        stories[story] = max(stories.get(story, 0.0), float(m.confidence or 0.0))
        ev.sources.append(EventSource(
            article_id=m.article_id, story_id=info.get("story_id") or m.story_id,
            outlet=info.get("outlet"), url=info.get("url"), published_at=info.get("published_at"),
            mention_id=m.mention_id, sentence=m.sentence, spans=list(m.spans),
            values={name: getattr(m, name) for name in SOURCE_VALUE_FIELDS},
        ))  # fmt: skip
    ev.source_count = len({m.article_id for m in mentions})
    ev.independent_source_count = len(stories)
    # 1 - prod(1 - c) over stories, capped
    doubt = 1.0
    for c in stories.values():
        doubt *= 1.0 - min(max(c, 0.0), 1.0)
    ev.confidence = round(min(1.0 - doubt, fusion_rules()["confidence_cap"]), 4)


def changed_fields(old: Event | None, new: Event) -> dict[str, list[Any]]:
    """{field: [old, new]} for tracked fields, plus the mention ids added or dropped."""
    changes: dict[str, list[Any]] = {}
    for name in TRACKED_FIELDS:
        before = getattr(old, name) if old else None
        after = getattr(new, name)
        if before != after:
            changes[name] = [before, after]
    old_ids = sorted(s.mention_id for s in old.sources) if old else []
    new_ids = sorted(s.mention_id for s in new.sources)
    if old_ids != new_ids:
        changes["mention_ids"] = [old_ids, new_ids]
    if (
        old
        and [s.values for s in old.sources] != [s.values for s in new.sources]
        and "mention_ids" not in changes
    ):
        changes["source_values"] = [len(old.sources), len(new.sources)]
    return changes
