"""Merges and splits made by hand, kept by every later fusion: fusion clusters mentions as it always
does, then these constraints regroup the clusters, in the order the analysts made them (a later
one wins where two disagree):

- merge ("together"): the clusters holding any of the listed mentions become one;
- split ("apart" from "rest"): a cluster holding mentions of both loses the "apart" ones, which
  form a cluster of their own; mentions no constraint names stay where clustering put them.

A listed mention is found by its id, or, if a new extractor gave it another id, by its article and
sentence offset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from wirewatch.records import Event, EventMention
from wirewatch.review.corrections import Correction


class _Keys:
    """The working mentions a constraint's keys name."""

    def __init__(self, mentions: Iterable[EventMention]):
        self.by_id: dict[str, EventMention] = {}
        self.by_place: dict[tuple[str, Any], list[EventMention]] = {}
        for m in mentions:
            self.by_id[m.mention_id] = m
            self.by_place.setdefault((m.article_id, m.sentence_start), []).append(m)

    def find(self, keys: Sequence[dict[str, Any]]) -> list[str]:
        found: list[str] = []
        for key in keys:
            m = self.by_id.get(key.get("mention_id", ""))
            if m is not None:
                found.append(m.mention_id)
                continue
            found.extend(
                x.mention_id
                for x in self.by_place.get((key.get("article_id"), key.get("sentence_start")), [])
            )
        return list(dict.fromkeys(found))


def respect_constraints(
    clusters: list[list[EventMention]],
    constraints: Sequence[Correction],
    order_key: Callable[[EventMention], Any],
) -> list[list[EventMention]]:
    """The clusters regrouped by the merge and split constraints (see the module's note), each
    cluster's mentions and the clusters themselves in earliest-reported order, as fusion wants."""
    if not constraints:
        return clusters
    mentions = [m for cluster in clusters for m in cluster]
    keys = _Keys(mentions)
    group = {m.mention_id: ci for ci, cluster in enumerate(clusters) for m in cluster}
    next_group = len(clusters)
    for c in sorted(constraints, key=lambda c: (c.at, c.correction_id)):
        if c.action == "merge":
            ids = keys.find(c.together)
            targets = {group[i] for i in ids}
            if len(targets) > 1:
                keep = min(targets)
                for mention_id, g in group.items():
                    if g in targets:
                        group[mention_id] = keep
        elif c.action == "split":
            apart, rest = keys.find(c.apart), set(keys.find(c.rest))
            shared = {group[i] for i in apart} & {group[i] for i in rest}
            for mention_id in apart:  # out of every cluster they share with the rest, into one
                if group[mention_id] in shared:
                    group[mention_id] = next_group
            next_group += 1
    return _ordered_groups(mentions, group, order_key)


def _ordered_groups(
    mentions: list[EventMention], group: dict[str, int], order_key: Callable[[EventMention], Any]
) -> list[list[EventMention]]:
    by_group: dict[int, list[EventMention]] = {}
    for m in mentions:
        by_group.setdefault(group[m.mention_id], []).append(m)
    clusters = [sorted(members, key=order_key) for members in by_group.values()]
    return sorted(clusters, key=lambda cluster: order_key(cluster[0]))


def constraint_mention_ids(constraints: Sequence[Correction]) -> set[str]:
    """Every mention id the constraints name (to bring their events into a fusion pass)."""
    ids: set[str] = set()
    for c in constraints:
        for key in (*c.together, *c.apart, *c.rest):
            if key.get("mention_id"):
                ids.add(key["mention_id"])
    return ids


def constraints_touching(
    constraints: Sequence[Correction], mentions: Iterable[EventMention]
) -> list[Correction]:
    """The constraints that name any of these mentions (by id, or by article and sentence)."""
    keys = _Keys(mentions)
    return [c for c in constraints if keys.find([*c.together, *c.apart, *c.rest])]


def adopt_corrected(
    heir: dict[str, int], old_events: Mapping[str, Event], clusters: Sequence[Sequence[EventMention]],
    corrected: set[str],
) -> None:  # fmt: skip
    """An event an analyst corrected keeps its id (and so its corrections) when a new extractor
    gave all its mentions new ids: the cluster holding most of its articles, if no other old event
    passes to that cluster, inherits it. `heir` (old event id -> cluster index, fusion's choice)
    is completed in place."""
    taken = set(heir.values())
    for old_id in sorted(corrected - set(heir)):
        event = old_events.get(old_id)
        if event is None:
            continue
        articles = {src.article_id for src in event.sources}
        shared = [
            (len(articles & {m.article_id for m in cluster}), -ci)
            for ci, cluster in enumerate(clusters)
            if ci not in taken
        ]
        best = max(shared, default=(0, 0))
        if best[0] > 0:
            heir[old_id] = -best[1]
            taken.add(-best[1])
