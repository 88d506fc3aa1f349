"""Fuse: event mentions from many articles -> one Event per real event.

Contract: `fuse_pending(store, options) -> FuseResult` fuses every stored mention that
has no event yet (and revises the events it touches: update, merge, split, remove, each
written to event_history). `cluster_mentions` is the pure grouping step; the rules it
applies are data (fuse/data/rules.json), notes come from fuse/data/notes.json.
"""

from wirewatch.fuse.events import FuseResult, cluster_mentions, fuse_pending
from wirewatch.fuse.notes import generate_note

__all__ = ["FuseResult", "cluster_mentions", "fuse_pending", "generate_note"]
