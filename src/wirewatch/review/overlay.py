"""Corrections laid over what fusion made of an event's sources: applied after every fusion, so an
analyst's value is never overwritten by the machine. When the sources' own view of a corrected
field (or of a rejected event) changes later, the event is flagged for review instead.

Pure functions over records: fusion calls `overlay` on each event it fuses, the review actions on
the one event they correct (after `machine_view` took the event back to what its sources say).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wirewatch.records import Event
from wirewatch.review.corrections import CONSTRAINT_ACTIONS, STATUS_OF_ACTION, Correction

# fields whose sources' values are compared to find a dispute (the ones an analyst checks first)
DISPUTABLE = ("sub_event_type", "fatalities", "event_date", "location", "actor1")


def overlay(event: Event, corrections: Sequence[Correction]) -> Event:
    """`event` as fusion made it from its sources, with the corrections applied in the order they
    were made (a later value of a field wins), its review state and flags set. Changes `event`
    in place and returns it."""
    event.review_status, event.hand_set, event.machine_values, event.review_flags = None, [], {}, []
    event.disputed_fields = disputed_fields(event)
    ordered = sorted((c for c in corrections if c.active and c.action not in CONSTRAINT_ACTIONS),
                     key=lambda c: (c.at, c.correction_id))  # fmt: skip
    last_set: dict[str, Correction] = {}  # field -> the correction whose value it has
    for c in ordered:
        if c.action == "set":
            for name, value in c.changes.items():
                event.machine_values.setdefault(name, getattr(event, name))
                setattr(event, name, value)
                last_set[name] = c
        elif c.action in STATUS_OF_ACTION:
            event.review_status = STATUS_OF_ACTION[c.action]
    event.hand_set = sorted(event.machine_values)
    _keep_tolls_consistent(event)
    if "notes" not in event.machine_values and event.hand_set:
        event.notes = _note(event)
    event.review_flags = _flags(event, ordered, last_set)
    return event


def machine_view(event: Event) -> Event:
    """A copy of a stored event as its sources alone say (every hand-set field back to the sources'
    value, the note regenerated): what fusion would make of it, for `overlay` to correct again."""
    machine = Event.from_dict(event.to_dict())
    for name, value in event.machine_values.items():
        setattr(machine, name, value)
    machine.notes = event.machine_values["notes"] if "notes" in event.machine_values else _note(machine)
    machine.review_status, machine.hand_set, machine.machine_values, machine.review_flags = None, [], {}, []
    return machine


def _note(event: Event) -> str:
    # imported here: the fuse package imports this module, so this one cannot import it at load time
    from wirewatch.fuse.notes import generate_note

    return generate_note(event)


def disputed_fields(event: Event) -> list[str]:
    """The fields on which the event's sources give different values: types, tolls, places at the
    same precision, actors, and dates whose windows do not overlap."""
    values = [s.values for s in event.sources if s.values]
    out: list[str] = []
    for name in DISPUTABLE:
        if name == "event_date":
            if not _windows_overlap(values):
                out.append(name)
            continue
        if name == "location":
            best = min((v.get("geo_precision") or 9 for v in values if v.get("location")), default=None)
            seen = {
                v.get("location")
                for v in values
                if v.get("location") and (v.get("geo_precision") or 9) == best
            }
        else:
            seen = {v.get(name) for v in values if v.get(name) not in (None, "")}
        if len(seen) > 1:
            out.append(name)
    return out


def _windows_overlap(values: Sequence[dict[str, Any]]) -> bool:
    windows = [
        (v.get("date_low") or v.get("event_date"), v.get("date_high") or v.get("event_date")) for v in values
    ]
    windows = [(low, high) for low, high in windows if low and high]
    return not windows or max(low for low, _ in windows) <= min(high for _, high in windows)


def _keep_tolls_consistent(event: Event) -> None:
    """A toll set by hand stays inside the sources' range, widening it if it must."""
    if "fatalities" not in event.machine_values or event.fatalities is None:
        return
    low, high = event.fatalities_low, event.fatalities_high
    event.fatalities_low = event.fatalities if low is None else min(low, event.fatalities)
    event.fatalities_high = event.fatalities if high is None else max(high, event.fatalities)


def _flags(event: Event, ordered: Sequence[Correction], last_set: dict[str, Correction]) -> list[str]:
    """Why the event needs another look: the sources now say something else for a field an analyst
    set than they did when it was set (or last confirmed), or a rejected event has new sources."""
    confirms = [c for c in ordered if c.action == "confirm"]
    flags: list[str] = []
    once = {c.correction_id: c for c in last_set.values()}  # each correction once, in order
    for c in sorted(once.values(), key=lambda c: (c.at, c.correction_id)):
        named = [f for f in (c.fields or list(c.changes)) if last_set.get(f) is c]
        for name in named:
            then = _baseline(name, c, confirms)
            now = event.machine_values.get(name)
            if now != then:
                flags.append(
                    f"{name}: the sources now say {_shown(now)} (they said {_shown(then)} when "
                    f"{c.author} set {_shown(c.changes.get(name))})"
                )
    if event.review_status == "rejected":
        verdict = next(c for c in reversed(ordered) if c.action == "reject")
        counted = verdict.machine.get("source_count")
        if counted is not None and event.source_count > counted:
            flags.append(
                f"rejected by {verdict.author} with {counted} source(s); "
                f"{event.source_count - counted} new source(s) since"
            )
    return flags


def _baseline(name: str, setting: Correction, confirms: Sequence[Correction]) -> Any:
    """What the sources said of a field when it was set, or when the event was last confirmed after."""
    later = [c for c in confirms if (c.at, c.correction_id) > (setting.at, setting.correction_id)]
    for c in reversed(later):
        if name in c.machine:
            return c.machine[name]
    return setting.machine.get(name)


def _shown(value: Any) -> str:
    return "nothing" if value is None else repr(value) if isinstance(value, str) else str(value)


def review_changes(old: Event | None, new: Event) -> dict[str, list[Any]]:
    """Changes of the review state (a flag raised or cleared) that fusion's history and save must
    see beside the fields' changes."""
    if old is None:
        return {}
    return {
        name: [getattr(old, name), getattr(new, name)]
        for name in ("review_status", "hand_set", "review_flags")
        if getattr(old, name) != getattr(new, name)
    }
