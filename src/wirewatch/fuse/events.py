"""Fusion of pending mentions into events: a living dataset with stable ids and history.

Each pass re-clusters the pending mentions together with the mentions of every event
they could join (overlapping dates, and a country, place and type the pair rules allow) and
of every event that lost a mention (a re-extracted article). Clusters are then matched to
the old events: a cluster keeps the id of the old event it holds most of (the older id when
it holds several: a merge), a new cluster takes an id derived from its earliest mention, and
every change is written to `event_history` as {field: [old, new]} with the article that
caused it.
Re-clustering the whole neighbourhood makes the result the same as fusing everything
at once, so reruns with nothing new change nothing and keep every id.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from wirewatch.config import FuseOptions
from wirewatch.fuse.compat import (
    EventPlace,
    EventReach,
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
from wirewatch.review.constraints import (
    adopt_corrected,
    constraint_mention_ids,
    constraints_touching,
    respect_constraints,
)
from wirewatch.review.corrections import Correction
from wirewatch.review.overlay import overlay, review_changes
from wirewatch.store import corrections as qc
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
    # stories with more distinct mentions than fuse.max_story_variants: how many were over
    capped_stories: dict[str, int] = field(default_factory=dict)

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


def _copy_key(m: EventMention) -> tuple[Any, ...] | None:
    """Mentions of copies of one story that say the same thing in the same words are one report,
    clustered once (a story's thousand copies cost one)."""
    if not m.story_id:
        return None
    return (m.story_id, m.sentence, m.sub_event_type, m.country, m.location, m.event_date, m.date_low,
            m.date_high, m.actor1, m.actor2, m.fatalities)  # fmt: skip


def _collapse_copies(ordered: Sequence[EventMention]) -> tuple[list[int], dict[int, list[int]]]:
    """Representatives (first of each set of copies, in order) and the copies each stands for."""
    reps: list[int] = []
    copies: dict[int, list[int]] = {}
    first_of: dict[tuple[Any, ...], int] = {}
    for i, m in enumerate(ordered):
        key = _copy_key(m)
        if key is not None and key in first_of:
            copies[first_of[key]].append(i)
            continue
        if key is not None:
            first_of[key] = i
        reps.append(i)
        copies[i] = [i]
    return reps, copies


def _scored_links(ordered: Sequence[EventMention], feats: Sequence[Features],
                  options: FuseOptions) -> list[tuple[int, int, float]]:  # fmt: skip
    """Pairs that pass the hard rules and reach the threshold; a vague mention keeps only its
    single best link, and none when two different events fit it about equally well."""
    vague = [is_vague(m) for m in ordered]
    best: dict[int, tuple[float, int]] = {}
    edges: list[tuple[int, int, float]] = []
    for i, j in _candidate_pairs(feats, options.date_slack_days):
        score = pair_score(feats[i], feats[j], options)
        if score is None or score < threshold(ordered[i], ordered[j]):
            continue
        edges.append((i, j, score))
        for x, y in ((i, j), (j, i)):
            if vague[x] and (x not in best or (score, -y) > (best[x][0], -best[x][1])):
                best[x] = (score, y)
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

    def kept(i: int, j: int) -> bool:
        if not (vague[i] or vague[j]):
            return True
        return (vague[i] and best.get(i, (0, -1))[1] == j) or (vague[j] and best.get(j, (0, -1))[1] == i)

    return [(i, j, score) for i, j, score in edges if kept(i, j)]


def _merge_compatible(n: int, links: Sequence[tuple[int, int, float]],
                      compatible: Callable[[int, int], bool]) -> list[list[int]]:  # fmt: skip
    """Join linked groups, strongest link first, only when every member of one is compatible with
    every member of the other: no chain of near pairs can join two events that a hard rule keeps
    apart (two towns, two days, two provinces)."""
    group = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for i, j, _score in sorted(links, key=lambda t: (-t[2], t[0], t[1])):
        a, b = group[i], group[j]
        if a == b or not all(compatible(x, y) for x in members[a] for y in members[b]):
            continue
        keep, gone = min(a, b), max(a, b)
        for x in members[gone]:
            group[x] = keep
        members[keep].extend(members.pop(gone))
    return [sorted(m) for _k, m in sorted(members.items())]


def cluster_mentions(
    mentions: Sequence[EventMention], options: FuseOptions, meta: dict[str, dict[str, Any]] | None = None
) -> list[list[EventMention]]:
    """Group mentions that report one event. Pure: the same mentions give the same clusters.

    Copies of one story that report the same thing count once. Pairs that pass the hard rules
    and reach the score threshold are links (a vague mention keeps only its best one); linked
    groups join, strongest link first, only when all their members are compatible with each
    other. Clusters and their members come in earliest-reported order.
    """
    meta = meta or {}
    ordered = sorted(mentions, key=lambda m: mention_order_key(m, meta))
    reps, copies = _collapse_copies(ordered)
    rep_mentions = [ordered[i] for i in reps]
    feats = [features(m) for m in rep_mentions]
    links = _scored_links(rep_mentions, feats, options)
    verdicts: dict[tuple[int, int], bool] = {}

    def compatible(x: int, y: int) -> bool:
        key = (x, y) if x < y else (y, x)
        if key not in verdicts:
            verdicts[key] = pair_score(feats[x], feats[y], options) is not None
        return verdicts[key]

    groups = _merge_compatible(len(reps), links, compatible)
    clusters = [sorted(i for r in g for i in copies[reps[r]]) for g in groups]
    clusters.sort(key=lambda c: c[0])
    return [[ordered[i] for i in c] for c in clusters]


def cluster_with_story_copies(
    mentions: Sequence[EventMention], options: FuseOptions, meta: dict[str, dict[str, Any]]
) -> tuple[list[list[EventMention]], dict[str, int]]:
    """The clusters `fuse_pending` makes of these mentions: copies of one story that agree on
    every fact are clustered once, by the earliest of them, and join its cluster (`_StoryCopies`);
    with the copies over `max_story_variants` per story that joined their story's first mention.
    The Spark job fuses each group with it too."""
    copies = _StoryCopies.of(mentions, meta, options.max_story_variants)
    return copies.expand(cluster_mentions(copies.representatives, options, meta), meta), dict(copies.capped)


def new_event_id(first_mention_id: str, salt: int = 0) -> str:
    """An event's id, derived from its earliest mention (salted only if that id was taken)."""
    return content_id("event", first_mention_id, *([str(salt)] if salt else []))


def fuse_pending(
    store: Store, options: FuseOptions | None = None, *, now: str | None = None,
    refuse: Iterable[str] = (), attribution: dict[str, Any] | None = None,
) -> FuseResult:  # fmt: skip
    """Fuse every stored mention that has no event yet, revising the events it touches.

    `now` stamps updated_at and history rows (tests pass a fixed time for reproducible output).
    `refuse` names events to fuse again though nothing about them is pending (after an analyst's
    merge or split); `attribution` ({author, reason}) goes on the history rows of such a pass.
    Phases: read the neighbourhood, re-cluster it, keep the analysts' merges and splits, decide
    which cluster inherits each old event, fuse each cluster into an event with its history and
    the analysts' corrections laid over it (wirewatch.review), retire events left with no
    mention, write.
    """
    options = options or FuseOptions()
    now = now or now_iso()
    result = FuseResult()
    pending = q.pending_mentions(store)
    stale = q.stale_event_ids(store) | set(refuse)  # events a re-extraction took mentions from, or named
    if not pending and not stale:
        return result
    result.mentions_fused = len(pending)
    hood = _neighbourhood(store, pending, stale, options)
    constraints, hood = _with_constraints(store, hood, pending, stale, options)
    clusters, capped = cluster_with_story_copies(list(hood.working.values()), options, hood.meta)
    clusters = respect_constraints(clusters, constraints, lambda m: mention_order_key(m, hood.meta))
    result.capped_stories = capped
    fusion = _FusionPass(store, hood, clusters, now, result, attribution)
    fusion.fuse_clusters()
    fusion.retire_orphans()
    save, delete, links, history = fusion.save, fusion.delete, fusion.links, fusion.history
    q.write_fusion(store, save=save, delete=sorted(delete), mention_events=links, history=history,
                   corrections_moved=fusion.moved, fused_again=sorted(stale))  # fmt: skip
    if result.events_touched:
        q.refresh_event_indexes(store)
    return result


def _with_constraints(
    store: Store, hood: _Neighbourhood, pending: list[EventMention], stale: set[str], options: FuseOptions
) -> tuple[list[Correction], _Neighbourhood]:
    """The analysts' merges and splits that name mentions of this pass, and the neighbourhood
    widened to every event holding a mention they name (so a merge is kept whole)."""
    touching = constraints_touching(qc.active_constraints(store), hood.working.values())
    if not touching:
        return [], hood
    extra = qc.events_of_mentions(store, constraint_mention_ids(touching)) - hood.old_ids
    if extra:
        hood = _neighbourhood(store, pending, stale | extra, options)
    return touching, hood


@dataclass(slots=True)
class _StoryCopies:
    """Copies of one wire story carry the same mention many times over (2,000 syndicated copies:
    2,000 mentions, and clustering compares every pair). Mentions of one story that agree on
    every fact fusion compares (type, place, date, actors, toll: all but the sentence's words)
    are clustered once, by the earliest of them, and the others join its cluster. A story with
    more than `max_variants` distinct mentions in a pass (thousands of edited copies) has the
    rest join the cluster of its first mention of the same sub-type (else type, else its first):
    the work stays linear in the copies, and `capped` counts them per story."""

    representatives: list[EventMention]
    followers: dict[str, list[EventMention]]  # representative's mention id -> the copies it stands for
    capped: dict[str, int]

    @classmethod
    def of(
        cls, mentions: Sequence[EventMention], meta: dict[str, dict[str, Any]], max_variants: int
    ) -> _StoryCopies:
        ordered = sorted(mentions, key=lambda m: mention_order_key(m, meta))
        reps: list[EventMention] = []
        followers: dict[str, list[EventMention]] = defaultdict(list)
        articles: dict[str, set[str]] = defaultdict(set)  # representative -> articles it stands for
        by_facts: dict[tuple[Any, ...], EventMention] = {}
        variants: dict[str, list[EventMention]] = defaultdict(list)  # story -> its representatives
        capped: dict[str, int] = defaultdict(int)
        for m in ordered:
            story = meta.get(m.article_id, {}).get("story_id") or m.story_id
            if not story:
                reps.append(m)
                continue
            key = (story, replace(features(m), words=frozenset()))
            rep = by_facts.get(key)
            if rep is None and max_variants > 0 and len(variants[story]) >= max_variants:
                rep = _same_kind(variants[story], m)
                capped[story] += 1
            if rep is not None and m.article_id not in articles[rep.mention_id]:
                followers[rep.mention_id].append(m)  # two like mentions in one article stay apart
                articles[rep.mention_id].add(m.article_id)
                continue
            by_facts.setdefault(key, m)
            variants[story].append(m)
            articles[m.mention_id].add(m.article_id)
            reps.append(m)
        return cls(reps, dict(followers), dict(capped))

    def expand(
        self, clusters: list[list[EventMention]], meta: dict[str, dict[str, Any]]
    ) -> list[list[EventMention]]:
        """The clusters with every copy beside its representative, in earliest-reported order."""
        if not self.followers:
            return clusters
        out = []
        for cluster in clusters:
            full = [x for m in cluster for x in (m, *self.followers.get(m.mention_id, ()))]
            out.append(sorted(full, key=lambda m: mention_order_key(m, meta)))
        return sorted(out, key=lambda cl: mention_order_key(cl[0], meta))


def _same_kind(variants: list[EventMention], m: EventMention) -> EventMention:
    """The first of a story's representatives of `m`'s sub-type, else of its type, else the first."""
    return next(
        (v for v in variants if m.sub_event_type and v.sub_event_type == m.sub_event_type),
        next((v for v in variants if m.event_type and v.event_type == m.event_type), variants[0]),
    )


@dataclass(slots=True)
class _Neighbourhood:
    """What one pass re-fuses: the pending mentions, the old events they could join or that lost
    mentions, those events' mentions, and the articles' metadata."""

    pending: list[EventMention]
    old_ids: set[str]
    old_events: dict[str, Event]
    old_mentions: list[EventMention]
    working: dict[str, EventMention]  # every mention of the pass, by id
    meta: dict[str, dict[str, Any]]


def _neighbourhood(
    store: Store, pending: list[EventMention], stale: set[str], options: FuseOptions
) -> _Neighbourhood:
    """The events pending mentions could join (dates within reach, and the country, place and
    type that `pair_score` allows: `EventReach`) and the events that lost mentions, with all
    their mentions."""
    margin = dt.timedelta(days=options.date_slack_days + _CANDIDATE_MARGIN_DAYS)
    feats = [features(m) for m in pending]
    reaches = []  # each mention's own country and window: a batch spanning months reads only what is near each
    for m, f in zip(pending, feats, strict=True):
        if f.placeless:
            continue  # it joins only its own story's copies (`pair_score`): found by story below
        window = date_window(m)
        low, high = (
            ((window[0] - margin).isoformat(), (window[1] + margin).isoformat()) if window else (None, None)
        )
        reaches.append((m.country, low, high))
    reach = EventReach(feats, options.max_km)
    near = q.events_near_places(store, reaches) if reaches else {}
    candidates = {event_id for event_id, row in near.items() if reach.may_join(EventPlace.of(row))}
    stories = {m.story_id for m, f in zip(pending, feats, strict=True) if f.placeless and m.story_id}
    candidates |= q.events_of_stories(store, stories) if stories else set()
    old_ids = candidates | stale
    old_events = q.events_by_id(store, old_ids)
    old_mentions = q.mentions_of_events(store, old_ids)
    working = {m.mention_id: m for m in old_mentions}
    working.update({m.mention_id: m for m in pending})
    meta = q.article_meta(store, {m.article_id for m in working.values()})
    return _Neighbourhood(pending, old_ids, old_events, old_mentions, working, meta)


@dataclass(slots=True)
class _Inheritance:
    """Which cluster inherits each old event: the one holding most of its mentions, then its
    earliest."""

    owner: dict[str, str]  # mention id -> the old event it was in
    held: dict[str, dict[int, list[int]]]  # old event -> cluster -> positions of its mentions there
    heir: dict[str, int]  # old event -> the cluster that keeps its id


def _inheritance(hood: _Neighbourhood, clusters: list[list[EventMention]]) -> _Inheritance:
    position = {m.mention_id: (ci, k) for ci, cl in enumerate(clusters) for k, m in enumerate(cl)}
    held: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    # a re-extracted article's mentions come back unlinked; one with the same id as before
    # still counts for the event it was in, so re-extraction that changes nothing keeps the ids
    owner = {src.mention_id: ev.event_id for ev in hood.old_events.values() for src in ev.sources}
    owner = {mid: ev_id for mid, ev_id in owner.items() if mid in hood.working}
    owner.update({m.mention_id: m.event_id for m in hood.old_mentions if m.event_id})
    for mention_id, old_event in owner.items():
        ci, k = position[mention_id]
        held[old_event][ci].append(k)
    heir = {
        old: min(by_cluster, key=lambda ci: (-len(by_cluster[ci]), ci, min(by_cluster[ci])))
        for old, by_cluster in held.items()
    }
    return _Inheritance(owner, held, heir)  # type: ignore[arg-type]


class _FusionPass:
    """One pass's decisions: each cluster's event id, the events to save and delete, the mention
    links, and the history rows (counting each event's revisions)."""

    def __init__(
        self,
        store: Store,
        hood: _Neighbourhood,
        clusters: list[list[EventMention]],
        now: str,
        result: FuseResult,
        attribution: dict[str, Any] | None = None,
    ) -> None:
        self.hood, self.clusters, self.now, self.result = hood, clusters, now, result
        self.attribution = attribution or {}
        self.corrections = qc.corrections_of_events(store, hood.old_ids)  # laid over each event fused
        self.moved: dict[str, str] = {}  # corrected events merged away -> the event that absorbed them
        self.inherit = _inheritance(hood, clusters)
        adopt_corrected(self.inherit.heir, hood.old_events, clusters, set(self.corrections))
        heir, old_ids = self.inherit.heir, hood.old_ids
        fresh_firsts = [cl[0].mention_id for ci, cl in enumerate(clusters) if ci not in heir.values()]
        self.taken = q.existing_event_ids(store, [new_event_id(f) for f in fresh_firsts]) | set(old_ids)
        self.revisions = q.history_revisions(store, old_ids)
        self.pending_ids = {m.mention_id for m in hood.pending}
        self.save: list[Event] = []
        self.delete: set[str] = set()
        self.links: dict[str, tuple[EventMention, str]] = {}
        self.history: list[dict[str, Any]] = []

    def record(self, event_id: str, action: str, cause: str | None, changes: dict[str, Any]) -> None:
        self.revisions[event_id] = self.revisions.get(event_id, 0) + 1
        self.history.append({"event_id": event_id, "revision": self.revisions[event_id], "at": self.now,
                             "cause_article_id": cause, "action": action, "changes": changes,
                             "author": self.attribution.get("author"),
                             "reason": self.attribution.get("reason")})  # fmt: skip

    def _age(self, event_id: str) -> tuple[Any, str]:
        ev = self.hood.old_events.get(event_id)
        return (instant(ev.first_reported_at) if ev else None) or _FAR_FUTURE, event_id

    def fuse_clusters(self) -> None:
        # each cluster's inherited events, gathered once (not a pass over every old event per cluster)
        self.heirs_of: dict[int, list[str]] = {}
        for old, c in self.inherit.heir.items():
            self.heirs_of.setdefault(c, []).append(old)
        for ci, cluster in enumerate(self.clusters):
            self._fuse(ci, cluster)

    def _fuse(self, ci: int, cluster: list[EventMention]) -> None:
        """The cluster's event: the oldest event it inherits (absorbing the others), else a new one."""
        inherited = sorted(self.heirs_of.get(ci, []), key=self._age)
        cause = next((m.article_id for m in cluster if m.mention_id in self.pending_ids), None)
        event_id = inherited[0] if inherited else self._new_id(cluster[0].mention_id)
        self.taken.add(event_id)
        new = fuse_fields(event_id, cluster, self.hood.meta)
        new = overlay(new, [c for old_id in inherited for c in self.corrections.get(old_id, [])])
        old = self.hood.old_events.get(event_id) if inherited else None
        changes = changed_fields(old, new) | review_changes(old, new)
        if old is None:
            self._record_new(ci, cluster, event_id, cause, changes)
        else:
            self._record_revision(ci, inherited, cause, changes)
            if not changes:
                new.updated_at = old.updated_at
        if old is None or changes:
            new.updated_at = self.now
            self.save.append(new)
        elif old.disputed_fields != new.disputed_fields:  # review bookkeeping: saved, not history
            self.save.append(new)
        for m in cluster:
            if m.event_id != event_id:
                self.links[m.mention_id] = (m, event_id)

    def _new_id(self, first_mention_id: str) -> str:
        salt, event_id = 0, new_event_id(first_mention_id)
        while event_id in self.taken:
            salt += 1
            event_id = new_event_id(first_mention_id, salt)
        return event_id

    def _record_new(
        self, ci: int, cluster: list[EventMention], event_id: str, cause: str | None, changes: dict[str, Any]
    ) -> None:
        """A new event: split off old events whose mentions it holds, else created."""
        owner, heir = self.inherit.owner, self.inherit.heir
        from_olds = sorted({owner[m.mention_id] for m in cluster if m.mention_id in owner})
        split_from = [o for o in from_olds if heir.get(o) != ci]
        if split_from:
            changes["split_from"] = [split_from, event_id]
            for o in split_from:
                if o not in self.delete and heir.get(o) is not None:
                    self.record(o, "split", cause, {"split_into": [o, event_id]})
            self.result.events_split += 1
            self.record(event_id, "split", cause, changes)
        else:
            self.result.events_created += 1
            self.record(event_id, "created", cause or cluster[0].article_id, changes)

    def _record_revision(
        self, ci: int, inherited: list[str], cause: str | None, changes: dict[str, Any]
    ) -> None:
        """An old event kept: it absorbed others (merged), changed (updated, or split when some of
        its mentions left), or stayed as it was."""
        event_id, absorbed = inherited[0], inherited[1:]
        lost = any(other != ci for other in self.inherit.held.get(event_id, {}))  # some of its mentions left
        if absorbed:
            changes["merged"] = [[], absorbed]
            for o in absorbed:
                self.record(o, "merged", cause, {"merged_into": [o, event_id]})
                self.delete.add(o)
                if o in self.corrections:
                    self.moved[o] = event_id
                self.result.events_merged += 1
            self.record(event_id, "merged", cause, changes)
            self.result.events_updated += 1
        elif changes:
            self.record(event_id, "split" if lost else "updated", cause, changes)
            self.result.events_updated += 1

    def retire_orphans(self) -> None:
        """Old events no cluster inherits: every mention left them."""
        old_events = self.hood.old_events
        for old in sorted(self.hood.old_ids):
            if old not in self.inherit.heir and old in old_events:
                self.delete.add(old)
                self.record(
                    old,
                    "removed",
                    None,
                    {"mention_ids": [sorted(s.mention_id for s in old_events[old].sources), []]},
                )
                self.result.events_removed += 1
