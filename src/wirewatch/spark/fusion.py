"""Fusion across a cluster: mentions partitioned by country and date window, each part fused by
the fuse package's own `cluster_with_story_copies` (`cluster_mentions` over story copies
collapsed) and `fuse_fields`.

`cluster_mentions` only ever links two mentions that could report one event: the same
country (or one of them without a country) and date windows within `date_slack_days` of each
other (or one of them undated). So the mentions fall into groups no candidate pair crosses,
and clustering each group alone gives the clusters of clustering everything at once.

The groups are built in two steps. Each country's dated mentions, sorted by the start of
their window, are cut into segments wherever the next window starts further than `reach`
days after every window before it (`country_segments`): a partition edge only ever falls in
a gap no pair can bridge, so an event near an edge is never cut in two. Then the segments
join into groups (`group_segments`, on the driver, over one small summary per segment): all of
a country's segments when it has an undated mention (that mention could join any of them),
and every segment a mention without a country could reach (a mention with no country may
report an event anywhere near in time).

Within a group, copies of one story that agree on every fact are clustered once, as
`fuse_pending` clusters them (`cluster_with_story_copies`); such copies have one country and one
window, so they never span two groups. Past `max_story_variants` distinct mentions of one story,
the rest join the story's first mention of their kind, which may lie in another group here:
the summary's warnings do not count those (a story edited thousands of times).

A group is as large as the chains of overlapping windows in one country: a month of daily
reports from one war is one group, fused on one core (docs/spark.md: memory sizing).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from wirewatch.config import FuseOptions
from wirewatch.fuse.compat import date_window, features
from wirewatch.fuse.events import cluster_with_story_copies, new_event_id
from wirewatch.fuse.fields import fuse_fields
from wirewatch.records import Event, EventMention

UNDATED = -1  # the segment number of a country's undated mentions
_SAFETY_DAYS = 1  # added to the reach of the pair rules: a wider partition costs little


def reach_days(options: FuseOptions) -> int:
    """Days between the end of one window and the start of another beyond which no pair is
    scored: each window is widened by the slack on its side."""
    return 2 * options.date_slack_days + _SAFETY_DAYS


def fusion_key(m: EventMention) -> tuple[str | None, tuple[int, int] | None]:
    """(country as the pair rules compare it, the date window as day numbers) of a mention."""
    window = date_window(m)
    span = (window[0].toordinal(), window[1].toordinal()) if window else None
    return features(m).country, span


@dataclass(slots=True, frozen=True)
class Segment:
    """A run of one country's mentions whose windows chain within reach (or its undated ones)."""

    country: str | None
    number: int  # UNDATED for the undated mentions
    low: int  # day numbers of the earliest start and latest end (0 for undated)
    high: int
    mentions: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.country or "", self.number)


SegmentKey = tuple[str, int]


def _segments(
    country: str | None, dated: list[tuple[tuple[int, int], str]], undated: list[str], reach: int
) -> tuple[list[tuple[str, SegmentKey]], list[Segment]]:
    out: list[tuple[str, SegmentKey]] = []
    segments: list[Segment] = []
    number, low, high, count = 0, 0, 0, 0
    for (start, end), mid in dated:
        if count and start > high + reach:
            segments.append(Segment(country, number, low, high, count))
            number, count = number + 1, 0
        if not count:
            low, high = start, end
        high = max(high, end)
        count += 1
        out.append((mid, (country or "", number)))
    if count:
        segments.append(Segment(country, number, low, high, count))
    if undated:
        segments.append(Segment(country, UNDATED, 0, 0, len(undated)))
        out.extend((mid, (country or "", UNDATED)) for mid in undated)
    return out, segments


def country_segments(
    country: str | None, windows: Sequence[tuple[str, tuple[int, int] | None]], reach: int
) -> tuple[list[tuple[str, SegmentKey]], list[Segment]]:
    """One country's (mention id, window) pairs -> each mention's segment, and the segments."""
    dated = sorted((w, mid) for mid, w in windows if w is not None)
    undated = sorted(mid for mid, w in windows if w is None)
    return _segments(country, dated, undated, reach)


class _Groups:
    def __init__(self, keys: Iterable[SegmentKey]):
        self.parent = {k: k for k in keys}

    def find(self, k: SegmentKey) -> SegmentKey:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: SegmentKey, b: SegmentKey) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_segments(segments: Sequence[Segment], reach: int) -> dict[SegmentKey, SegmentKey]:
    """Segment -> its group (the smallest segment key in it): segments that a candidate pair of
    the fusion rules could join."""
    groups = _Groups(s.key for s in segments)
    by_country: dict[str, list[Segment]] = {}
    for s in segments:
        by_country.setdefault(s.key[0], []).append(s)
    for country, parts in by_country.items():
        if country and any(s.number == UNDATED for s in parts):  # an undated mention may join any of them
            for s in parts[1:]:
                groups.union(parts[0].key, s.key)
    unknown = by_country.get("", [])
    if unknown:
        undated = [s for s in segments if s.number == UNDATED]
        dated = sorted((s for s in segments if s.number != UNDATED), key=lambda s: s.low)
        lows = [s.low for s in dated]
        for u in unknown:
            if u.number == UNDATED:  # no country and no date: it may join anything
                for s in segments:
                    groups.union(u.key, s.key)
                continue
            for s in dated[: bisect_right(lows, u.high + reach)]:
                if s.high + reach >= u.low:
                    groups.union(u.key, s.key)
            for s in undated:
                groups.union(u.key, s.key)
    return {s.key: groups.find(s.key) for s in segments}


def fuse_group(
    mentions: Sequence[EventMention], meta: dict[str, dict[str, Any]], options: FuseOptions, updated_at: str
) -> list[Event]:
    """The events of one group, as a fresh `wirewatch run` fuses them: the fuse package's
    clusters (copies of one story collapsed first, as `fuse_pending` does), each event's id from
    its earliest mention; the mentions get their event ids."""
    events = []
    clusters, _capped = cluster_with_story_copies(mentions, options, meta)
    for cluster in clusters:
        event_id = new_event_id(cluster[0].mention_id)
        event = fuse_fields(event_id, cluster, meta)
        event.updated_at = updated_at
        for m in cluster:
            m.event_id = event_id
        events.append(event)
    return events
