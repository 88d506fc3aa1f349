"""An analyst's correction of an event, as stored: what was done, to which fields, by whom, when and
why, and what the sources said at the time (so a later change of their view can be noticed).

Actions:
- set: `changes` gives fields their values (a place or a type brings its related fields along);
  `fields` are the ones the analyst named, `machine` what the sources said for each changed field.
- reject: not an event; `machine` holds the source count, so new sources can be noticed.
- confirm: the event is right as it stands; `machine` holds the sources' values of the hand-set
  fields then (their later changes are measured from there) and the source count.
- merge: `together` lists the mentions (of two or more events) that report one event.
- split: `apart` lists the mentions taken out of an event, `rest` those left in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wirewatch.records import Record, content_id

ACTIONS = ("set", "reject", "confirm", "merge", "split")
CONSTRAINT_ACTIONS = ("merge", "split")  # kept by fusion, not applied to one event's fields
STATUS_OF_ACTION = {"reject": "rejected", "confirm": "confirmed"}
# history's name for each correction (event_history.action)
HISTORY_ACTION = {
    "set": "corrected", "reject": "rejected", "confirm": "confirmed", "merge": "merged by hand",
    "split": "split by hand",
}  # fmt: skip


@dataclass(slots=True)
class Correction(Record):
    correction_id: str
    event_id: str  # the event it applies to (follows it through merges)
    action: str  # one of ACTIONS
    author: str
    reason: str | None = None
    at: str = ""
    fields: list[str] = field(default_factory=list)  # set: the fields the analyst named
    changes: dict[str, Any] = field(default_factory=dict)  # set: field -> value, related fields included
    machine: dict[str, Any] = field(default_factory=dict)  # what the sources said then (see above)
    together: list[dict[str, Any]] = field(default_factory=list)  # merge: mention keys
    apart: list[dict[str, Any]] = field(default_factory=list)  # split: mention keys taken out
    rest: list[dict[str, Any]] = field(default_factory=list)  # split: mention keys left in
    active: bool = True
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None
    withdrawn_reason: str | None = None

    @staticmethod
    def new_id(event_id: str, action: str, at: str, author: str, payload: str) -> str:
        return content_id("correction", event_id, action, at, author, payload)


def mention_key(mention: Any) -> dict[str, Any]:
    """How a correction names a mention: its id, and its article and sentence offset, which still
    find it if a new extractor gives it another id."""
    return {
        "mention_id": mention.mention_id,
        "article_id": mention.article_id,
        "sentence_start": getattr(mention, "sentence_start", None),
    }
