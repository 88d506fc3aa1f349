"""The review queue: the events that most need an analyst's look, each with why. Flagged events
first (the sources changed their view of a corrected field, or a rejected event gained sources),
then those with more of: low confidence, sources that disagree, a high toll. Events confirmed or
rejected, and not flagged since, are done and left out."""

from __future__ import annotations

from typing import Any

from wirewatch.config import ReviewOptions
from wirewatch.records import Event
from wirewatch.store import Store
from wirewatch.store.corrections import review_queue_ids
from wirewatch.store.event_filter import EventFilter
from wirewatch.store.events_query import event_records

QUEUE_COLUMNS = [
    "event_id", "event_date", "sub_event_type", "location", "country", "fatalities", "confidence",
    "source_count", "reasons",
]  # fmt: skip


def reasons(event: Event, options: ReviewOptions) -> list[str]:
    """Why an event is in the queue, most pressing first."""
    out = [f"flagged: {flag}" for flag in event.review_flags]
    if event.confidence is not None and event.confidence < options.low_confidence:
        out.append(f"low confidence {event.confidence:g}")
    if event.disputed_fields:
        out.append("sources disagree on " + ", ".join(event.disputed_fields))
    if event.fatalities is not None and event.fatalities >= options.high_fatalities:
        out.append(f"{event.fatalities} killed")
    return out


def review_queue(
    store: Store, flt: EventFilter | None = None, *, options: ReviewOptions | None = None,
    limit: int = 50, offset: int = 0,
) -> dict[str, Any]:  # fmt: skip
    """One page of the queue among the events matching `flt`: `{"total", "limit", "offset",
    "events"}`, each event without its sources and with its `reasons`."""
    options = options or ReviewOptions()
    ids, total = review_queue_ids(
        store, flt or EventFilter(), low_confidence=options.low_confidence,
        high_fatalities=options.high_fatalities, limit=limit, offset=offset,
    )  # fmt: skip
    rows = []
    for record in event_records(store, ids):
        event = Event.from_dict(record)
        rows.append(
            {k: v for k, v in record.items() if k != "sources"} | {"reasons": reasons(event, options)}
        )
    return {"total": total, "limit": limit, "offset": offset, "events": rows}
