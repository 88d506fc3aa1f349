"""What an analyst does to an event, for every face (CLI, API, dashboard): set fields, reject,
confirm, merge, split, and withdraw a correction. Each is stored with who, when and why, written
to the event's history, and holds the database's writer lock while it writes (waiting up to
`wait_s` for a run or watch cycle to finish).

Field corrections and verdicts are applied at once to the event (its sources' view, with every
active correction laid over it); merges and splits are constraints that a fusion pass over the
events involved carries out, and that every later pass keeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from wirewatch import errors
from wirewatch.config import FuseOptions
from wirewatch.errors import WirewatchError
from wirewatch.fuse import fuse_pending
from wirewatch.fuse.fields import changed_fields
from wirewatch.records import Event, EventMention
from wirewatch.review.corrections import CONSTRAINT_ACTIONS, HISTORY_ACTION, Correction, mention_key
from wirewatch.review.fields import expand_changes
from wirewatch.review.overlay import machine_view, overlay
from wirewatch.store import corrections as qc
from wirewatch.store.db import Store
from wirewatch.store.writer_lock import writer_lock

DEFAULT_WAIT_S = 30.0


def _moment() -> str:
    """When a correction is made, to the microsecond: corrections apply in the order they were
    made, and two made within one second must not be ordered by their ids."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _event(store: Store, event_id: str) -> Event:
    event = store.get_event(event_id)
    if event is None:
        raise WirewatchError(errors.NO_SUCH_RECORD, f"no event with id '{event_id}'")
    return event


def _who(author: str | None, reason: str | None, *, reason_needed: bool) -> tuple[str, str | None]:
    who = (author or "").strip()
    if not who:
        raise WirewatchError(errors.BAD_OPTION, "who made the correction? give an author (--by NAME)")
    why = (reason or "").strip() or None
    if reason_needed and why is None:
        raise WirewatchError(errors.BAD_OPTION, "why? give a reason (--reason TEXT)")
    return who, why


def _new(event_id: str, action: str, author: str, reason: str | None, at: str, **parts: Any) -> Correction:
    payload = repr(sorted((k, repr(v)) for k, v in parts.items()))
    return Correction(
        correction_id=Correction.new_id(event_id, action, at, author, payload),
        event_id=event_id, action=action, author=author, reason=reason, at=at, **parts,
    )  # fmt: skip


# -- one event's fields and verdict ---------------------------------------------------------------
def correct_event(
    store: Store, event_id: str, given: Mapping[str, Any], *, author: str | None, reason: str | None,
    wait_s: float = DEFAULT_WAIT_S,
) -> dict[str, Any]:  # fmt: skip
    """Set fields of an event (FIELD -> value; see review.fields.SETTABLE_FIELDS) with a reason."""
    who, why = _who(author, reason, reason_needed=True)
    with writer_lock(store, wait_s=wait_s, purpose="correction"):
        event = _event(store, event_id)
        machine = machine_view(event)
        changes = expand_changes(given, event)
        at = _moment()
        correction = _new(
            event.event_id, "set", who, why, at, fields=sorted(given), changes=changes,
            machine={name: getattr(machine, name) for name in changes},
        )  # fmt: skip
        return _apply(store, event, correction, changes_named=sorted(given))


def reject_event(
    store: Store, event_id: str, *, author: str | None, reason: str | None, wait_s: float = DEFAULT_WAIT_S
) -> dict[str, Any]:
    """Not an event: left out of listings and exports (unless asked for), kept and still fused, so
    new copies of its story join it instead of coming back as a new event."""
    who, why = _who(author, reason, reason_needed=True)
    with writer_lock(store, wait_s=wait_s, purpose="correction"):
        event = _event(store, event_id)
        correction = _new(
            event.event_id, "reject", who, why, _moment(), machine={"source_count": event.source_count}
        )
        return _apply(store, event, correction)


def confirm_event(
    store: Store,
    event_id: str,
    *,
    author: str | None,
    reason: str | None = None,
    wait_s: float = DEFAULT_WAIT_S,
) -> dict[str, Any]:
    """The event is right as it stands: a rejection is undone, flags are cleared (the sources'
    present values become the ones later changes are measured from)."""
    who, why = _who(author, reason, reason_needed=False)
    with writer_lock(store, wait_s=wait_s, purpose="correction"):
        event = _event(store, event_id)
        seen = dict(event.machine_values) | {"source_count": event.source_count}
        correction = _new(event.event_id, "confirm", who, why, _moment(), machine=seen)
        return _apply(store, event, correction)


def _apply(
    store: Store, event: Event, correction: Correction, *, changes_named: Sequence[str] = ()
) -> dict[str, Any]:
    """Lay every active correction of the event, this one included, over its sources' view; write
    the correction, the event and a history row together."""
    stored = qc.corrections_of_events(store, [event.event_id]).get(event.event_id, [])
    active = [c for c in stored if c.correction_id != correction.correction_id]  # as it is now
    if correction.active:
        active = [*active, correction]
    corrected = overlay(machine_view(event), active)
    changes = changed_fields(event, corrected)
    for name in ("review_status", "hand_set", "review_flags"):
        if getattr(event, name) != getattr(corrected, name):
            changes[name] = [getattr(event, name), getattr(corrected, name)]
    corrected.updated_at = correction.withdrawn_at or correction.at
    action = "withdrawn" if not correction.active else HISTORY_ACTION[correction.action]
    history = {
        "action": action, "at": corrected.updated_at, "changes": changes | {"correction_id": correction.correction_id},
        "author": correction.withdrawn_by if not correction.active else correction.author,
        "reason": correction.withdrawn_reason if not correction.active else correction.reason,
    }  # fmt: skip
    qc.write_review(store, corrected, history, [correction])
    return {
        "correction_id": correction.correction_id, "event_id": corrected.event_id, "action": action,
        "fields": list(changes_named), "changes": changes, "review_status": corrected.review_status,
        "hand_set": corrected.hand_set, "review_flags": corrected.review_flags,
    }  # fmt: skip


# -- merges and splits ----------------------------------------------------------------------------
def _mentions_of(store: Store, events: Sequence[Event]) -> list[EventMention]:
    ids = [src.mention_id for ev in events for src in ev.sources if src.mention_id]
    return list(store.iter_mentions(ids=ids))


def merge_events(
    store: Store, event_ids: Sequence[str], *, author: str | None, reason: str | None,
    options: FuseOptions | None = None, wait_s: float = DEFAULT_WAIT_S,
) -> dict[str, Any]:  # fmt: skip
    """These events are one: their mentions stay together through every later fusion. The
    merged event keeps the id of the one first reported."""
    who, why = _who(author, reason, reason_needed=True)
    with writer_lock(store, wait_s=wait_s, purpose="correction"):
        events = list({ev.event_id: ev for ev in (_event(store, i) for i in event_ids)}.values())
        if len(events) < 2:
            raise WirewatchError(errors.BAD_OPTION, "merge needs two or more different events")
        mentions = _mentions_of(store, events)
        correction = _new(events[0].event_id, "merge", who, why, _moment(),
                          together=[mention_key(m) for m in mentions])  # fmt: skip
        qc.record_history(store, [], [correction])
        fuse_pending(
            store, options, refuse=[ev.event_id for ev in events], attribution={"author": who, "reason": why}
        )
        merged = sorted(qc.events_of_mentions(store, [m.mention_id for m in mentions]))
    return {"correction_id": correction.correction_id, "action": "merged by hand",
            "merged": [ev.event_id for ev in events], "event_id": merged[0] if len(merged) == 1 else None,
            "event_ids": merged}  # fmt: skip


def _chosen_sources(event: Event, sources: Sequence[str]) -> set[str]:
    """The mention ids of the event's sources named by article or mention id (or a prefix)."""
    chosen: set[str] = set()
    for given in sources:
        hits = {
            src.mention_id for src in event.sources
            if src.mention_id and given and (src.article_id.startswith(given) or src.mention_id.startswith(given))
        }  # fmt: skip
        if not hits:
            raise WirewatchError(
                errors.BAD_OPTION, f"source '{given}': not an article or mention of event {event.event_id}"
            )
        chosen |= hits
    return chosen


def split_event(
    store: Store, event_id: str, sources: Sequence[str], *, author: str | None, reason: str | None,
    options: FuseOptions | None = None, wait_s: float = DEFAULT_WAIT_S,
) -> dict[str, Any]:  # fmt: skip
    """Take these sources (article or mention ids) out of the event, into an event of their own,
    and keep them apart from the rest through every later fusion."""
    who, why = _who(author, reason, reason_needed=True)
    with writer_lock(store, wait_s=wait_s, purpose="correction"):
        event = _event(store, event_id)
        chosen = _chosen_sources(event, sources)
        mentions = _mentions_of(store, [event])
        apart = [m for m in mentions if m.mention_id in chosen]
        rest = [m for m in mentions if m.mention_id not in chosen]
        if not rest:
            raise WirewatchError(
                errors.BAD_OPTION, "split would leave the event with no source: reject it instead"
            )
        correction = _new(event.event_id, "split", who, why, _moment(),
                          apart=[mention_key(m) for m in apart], rest=[mention_key(m) for m in rest])  # fmt: skip
        qc.record_history(store, [], [correction])
        fuse_pending(store, options, refuse=[event.event_id], attribution={"author": who, "reason": why})
        kept = sorted(qc.events_of_mentions(store, [m.mention_id for m in rest]))
        new = sorted(qc.events_of_mentions(store, [m.mention_id for m in apart]))
    return {"correction_id": correction.correction_id, "action": "split by hand", "event_id": event.event_id,
            "kept": kept, "new_event_ids": [i for i in new if i not in kept]}  # fmt: skip


# -- withdrawing ------------------------------------------------------------------------------------
def withdraw_correction(
    store: Store, correction_id: str, *, author: str | None, reason: str | None,
    options: FuseOptions | None = None, wait_s: float = DEFAULT_WAIT_S,
) -> dict[str, Any]:  # fmt: skip
    """Undo a correction: the event goes back to what its sources (and the other corrections)
    say; a withdrawn merge or split leaves the grouping to fusion again. Kept in the history."""
    who, why = _who(author, reason, reason_needed=True)
    with writer_lock(store, wait_s=wait_s, purpose="correction"):
        correction = qc.get_correction(store, correction_id)
        if correction is None:
            raise WirewatchError(errors.NO_SUCH_RECORD, f"no correction with id '{correction_id}'")
        if not correction.active:
            raise WirewatchError(
                errors.BAD_OPTION, f"correction {correction.correction_id} was already withdrawn"
            )
        correction.active = False
        correction.withdrawn_at, correction.withdrawn_by, correction.withdrawn_reason = _moment(), who, why
        if correction.action not in CONSTRAINT_ACTIONS:
            return _apply(store, _event(store, correction.event_id), correction)
        named = [k["mention_id"] for k in (*correction.together, *correction.apart, *correction.rest)]
        events = qc.events_of_mentions(store, named)
        qc.record_history(store, [{"event_id": correction.event_id, "action": "withdrawn", "at": correction.withdrawn_at,
                                   "changes": {"correction_id": correction.correction_id,
                                               "withdrawn": correction.action},
                                   "author": who, "reason": why}], [correction])  # fmt: skip
        fuse_pending(store, options, refuse=sorted(events), attribution={"author": who, "reason": why})
        after = sorted(qc.events_of_mentions(store, named))
    return {"correction_id": correction.correction_id, "action": "withdrawn", "event_id": correction.event_id,
            "event_ids": after}  # fmt: skip
