"""Fuse: event mentions from many articles -> one Event per real event.

Contract: `fuse_pending(store, options) -> FuseResult` fuses every stored mention that
has no event yet (and revises the events it touches).
"""

from wirewatch.fuse.events import fuse_pending

__all__ = ["fuse_pending"]
