"""Fusion of pending mentions into events: a living dataset with stable ids and history.

Each pass re-clusters the pending mentions together with the mentions of every event
they could join (same country, overlapping dates) and of every event that cites a
re-extracted article. Clusters are then matched to the old events: a cluster keeps the
id of the old event it holds most of (the older id when it holds several: a merge),
a new cluster takes an id derived from its earliest mention, and every change is
written to `event_history` as {field: [old, new]} with the article that caused it.
Re-clustering the whole neighbourhood makes the result the same as fusing everything
at once, so reruns with nothing new change nothing and keep every id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from wirewatch.config import FuseOptions
from wirewatch.fuse.compat import (
    Features,
    date_window,
    features,
    fusion_rules,
    is_vague,
    pair_score,
    threshold,
)
from wirewatch.fuse.fields import _FAR_FUTURE, changed_fields, fuse_fields, instant, mention_order_key
from wirewatch.records import Event, EventMention, content_id
from wirewatch.store import fusion_queries as q
from wirewatch.store.db import Store, now_iso

# month-wide windows of old mentions can reach further than their event's fused window
_CANDIDATE_MARGIN_DAYS = 31


@dataclass(slots=True)
class FuseResult:
    mentions_fused: int = 0
    events_created: int = 0
    events_updated: int = 0
    events_merged: int = 0  # events absorbed into another (their id retired)
    events_split: int = 0  # events created by splitting an old one
    events_removed: int = 0  # events left with no mention at all

    @property
    def events_touched(self) -> int:
        return (
            self.events_created
            + self.events_updated
            + self.events_merged
            + self.events_split
            + self.events_removed
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"events_touched": self.events_touched}


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def _candidate_pairs(feats: Sequence[Features], slack_days: int) -> list[tuple[int, int]]:
    """Pairs worth scoring: same country (or one unknown) and windows within reach (or one undated)."""
    slack = dt.timedelta(days=slack_days)
    blocks: dict[str | None, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        blocks[f.country].append(i)
    unknown = blocks.pop(None, [])
    pairs: set[tuple[int, int]] = set()

    def add(i: int, j: int) -> None:
        if i != j:
            pairs.add((i, j) if i < j else (j, i))

    def by_start(members: Sequence[int]) -> tuple[list[int], list[int]]:
        dated = sorted((i for i in members if feats[i].window), key=lambda i: feats[i].window[0])  # type: ignore[index]
        return dated, [i for i in members if not feats[i].window]

    for members in blocks.values():
        dated, undated = by_start(members)
        for pos, i in enumerate(dated):
            high = feats[i].window[1] + slack  # type: ignore[index]
            for j in dated[pos + 1 :]:
                if feats[j].window[0] - slack > high:  # type: ignore[index]
                    break
                add(i, j)
            for j in undated:
                add(i, j)
        for x, i in enumerate(undated):
            for j in undated[x + 1 :]:
                add(i, j)
    # a mention with no country may report an event anywhere: every mention near it in time
    everyone_dated, everyone_undated = by_start(range(len(feats)))
    for i in unknown:
        window = feats[i].window
        if window is None:
            for j in range(len(feats)):
                add(i, j)
            continue
        for j in everyone_dated:
            wj = feats[j].window
            if wj[0] - slack > window[1]:  # type: ignore[index]
                break
            if wj[1] + slack >= window[0]:  # type: ignore[index]
                add(i, j)
        for j in everyone_undated:
            add(i, j)
    return sorted(pairs)


def cluster_mentions(
    mentions: Sequence[EventMention], options: FuseOptions, meta: dict[str, dict[str, Any]] | None = None
) -> list[list[EventMention]]:
    """Group mentions that report one event. Pure: the same mentions give the same clusters.

    Pairs that pass the hard rules and reach the score threshold are linked (single link, so a
    mention that bridges two groups merges them); a vague mention keeps only its best link.
    Clusters and their members come in earliest-reported order.
    """
    meta = meta or {}
    ordered = sorted(mentions, key=lambda m: mention_order_key(m, meta))
    feats = [features(m) for m in ordered]
    vague = [is_vague(m) for m in ordered]
    best: dict[int, tuple[float, int]] = {}
    edges: list[tuple[int, int, float]] = []
    for i, j in _candidate_pairs(feats, options.date_slack_days):
        a, b = ordered[i], ordered[j]
        score = pair_score(feats[i], feats[j], options)
        if score is None or score < threshold(a, b):
            continue
        edges.append((i, j, score))
        for x, y in ((i, j), (j, i)):
            if vague[x] and (x not in best or (score, -y) > (best[x][0], -best[x][1])):
                best[x] = (score, y)
    # a vague mention that fits two different events about equally well is ambiguous: no link
    margin = fusion_rules()["vague"]["ambiguity_margin"]
    linked = {(i, j) for i, j, _s in edges}
    neighbours: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i, j, score in edges:
        neighbours[i].append((score, j))
        neighbours[j].append((score, i))
    for x, (score, y) in list(best.items()):
        rivals = [s for s, k in neighbours[x] if k != y and (min(y, k), max(y, k)) not in linked]
        if rivals and score - max(rivals) < margin:
            del best[x]
    uf = _UnionFind(len(ordered))
    for i, j, _score in edges:
        if vague[i] or vague[j]:
            if not (
                (vague[i] and best.get(i, (0, -1))[1] == j) or (vague[j] and best.get(j, (0, -1))[1] == i)
            ):
                continue
        uf.union(i, j)
    groups: dict[int, list[EventMention]] = defaultdict(list)
    for i, m in enumerate(ordered):
        groups[uf.find(i)].append(m)
    return [groups[root] for root in sorted(groups)]


def new_event_id(first_mention_id: str, salt: int = 0) -> str:
    """An event's id, derived from its earliest mention (salted only if that id was taken)."""
    return content_id("event", first_mention_id, *([str(salt)] if salt else []))


def fuse_pending(store: Store, options: FuseOptions | None = None, *, now: str | None = None) -> FuseResult:
    """Fuse every stored mention that has no event yet, revising the events it touches.

    `now` stamps updated_at and history rows (tests pass a fixed time for reproducible output).
    """
    options = options or FuseOptions()
    now = now or now_iso()
    result = FuseResult()
    pending = q.pending_mentions(store)
    stale = q.stale_event_ids(store)  # events a re-extraction took mentions from
    if not pending and not stale:
        return result
    result.mentions_fused = len(pending)

    # the neighbourhood: events pending mentions could join, and events that lost mentions
    affected = stale
    windows = [date_window(m) for m in pending]
    margin = dt.timedelta(days=options.date_slack_days + _CANDIDATE_MARGIN_DAYS)
    dated = [w for w in windows if w is not None]
    undated = len(dated) < len(windows)
    candidates = (
        q.candidate_event_ids(
            store, countries=[m.country for m in pending],
            date_low=None if undated else (min(w[0] for w in dated) - margin).isoformat(),
            date_high=None if undated else (max(w[1] for w in dated) + margin).isoformat(),
        )
        if pending else set()
    )  # fmt: skip
    old_ids = candidates | affected
    old_events = q.events_by_id(store, old_ids)
    old_mentions = q.mentions_of_events(store, old_ids)
    working = {m.mention_id: m for m in old_mentions}
    working.update({m.mention_id: m for m in pending})
    meta = q.article_meta(store, {m.article_id for m in working.values()})
    clusters = cluster_mentions(list(working.values()), options, meta)

    # which cluster inherits each old event: the one holding most of its mentions, then its earliest
    position = {m.mention_id: (ci, k) for ci, cl in enumerate(clusters) for k, m in enumerate(cl)}
    held: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    # a re-extracted article's mentions come back unlinked; one with the same id as before
    # still counts for the event it was in, so re-extraction that changes nothing keeps the ids
    owner = {src["mention_id"]: ev.event_id for ev in old_events.values() for src in ev.sources}
    owner = {mid: ev_id for mid, ev_id in owner.items() if mid in working}
    owner.update({m.mention_id: m.event_id for m in old_mentions if m.event_id})
    for mention_id, old_event in owner.items():
        ci, k = position[mention_id]
        held[old_event][ci].append(k)
    heir = {
        old: min(by_cluster, key=lambda ci: (-len(by_cluster[ci]), ci, min(by_cluster[ci])))
        for old, by_cluster in held.items()
    }

    def age(event_id: str) -> tuple[Any, str]:
        ev = old_events.get(event_id)
        return (instant(ev.first_reported_at) if ev else None) or _FAR_FUTURE, event_id

    fresh_firsts = [cl[0].mention_id for ci, cl in enumerate(clusters) if ci not in heir.values()]
    taken = q.existing_event_ids(store, [new_event_id(f) for f in fresh_firsts]) | set(old_ids)
    revisions = q.history_revisions(store, old_ids)
    pending_ids = {m.mention_id for m in pending}

    save: list[Event] = []
    delete: set[str] = set()
    links: dict[str, tuple[EventMention, str]] = {}
    history: list[dict[str, Any]] = []

    def record(event_id: str, action: str, cause: str | None, changes: dict[str, Any]) -> None:
        revisions[event_id] = revisions.get(event_id, 0) + 1
        history.append({"event_id": event_id, "revision": revisions[event_id], "at": now,
                        "cause_article_id": cause, "action": action, "changes": changes})  # fmt: skip

    for ci, cluster in enumerate(clusters):
        inherited = sorted((old for old, c in heir.items() if c == ci), key=age)
        from_olds = sorted({owner[m.mention_id] for m in cluster if m.mention_id in owner})
        cause = next((m.article_id for m in cluster if m.mention_id in pending_ids), None)
        if inherited:
            event_id = inherited[0]
        else:
            salt, event_id = 0, new_event_id(cluster[0].mention_id)
            while event_id in taken:
                salt += 1
                event_id = new_event_id(cluster[0].mention_id, salt)
        taken.add(event_id)
        new = fuse_fields(event_id, cluster, meta)
        old = old_events.get(event_id) if inherited else None
        changes = changed_fields(old, new)
        if old is None:
            split_from = [o for o in from_olds if heir.get(o) != ci]
            if split_from:
                changes["split_from"] = [split_from, event_id]
                for o in split_from:
                    if o not in delete and heir.get(o) is not None:
                        record(o, "split", cause, {"split_into": [o, event_id]})
                result.events_split += 1
                record(event_id, "split", cause, changes)
            else:
                result.events_created += 1
                record(event_id, "created", cause or cluster[0].article_id, changes)
        else:
            absorbed = inherited[1:]
            lost = any(other != ci for other in held.get(event_id, {}))  # some of its mentions left
            if absorbed:
                changes["merged"] = [[], absorbed]
                for o in absorbed:
                    record(o, "merged", cause, {"merged_into": [o, event_id]})
                    delete.add(o)
                    result.events_merged += 1
                record(event_id, "merged", cause, changes)
                result.events_updated += 1
            elif changes:
                record(event_id, "split" if lost else "updated", cause, changes)
                result.events_updated += 1
            else:
                new.updated_at = old.updated_at
        if old is None or changes:
            new.updated_at = now
            save.append(new)
        for m in cluster:
            if m.event_id != event_id:
                links[m.mention_id] = (m, event_id)

    for old in sorted(old_ids):
        if old not in heir and old in old_events:
            delete.add(old)
            record(
                old,
                "removed",
                None,
                {"mention_ids": [sorted(s["mention_id"] for s in old_events[old].sources), []]},
            )
            result.events_removed += 1

    q.write_fusion(store, save=save, delete=sorted(delete), mention_events=links, history=history)
    if result.events_touched:
        q.refresh_planner_stats(store)
    return result
