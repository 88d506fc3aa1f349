"""Analysts' corrections and the review queue: their reads and writes (`wirewatch.review` and
fusion call these; no SQL outside the store)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from wirewatch.records import Event
from wirewatch.review.corrections import CONSTRAINT_ACTIONS, Correction
from wirewatch.store import schema as s
from wirewatch.store.db import Store, _jsonable, event_row, now_iso
from wirewatch.store.db import chunks as _chunks
from wirewatch.store.event_filter import EventFilter

c = s.corrections.c


def _row(correction: Correction) -> dict[str, Any]:
    return {
        "correction_id": correction.correction_id, "event_id": correction.event_id,
        "action": correction.action, "at": correction.at, "active": correction.active,
        "data": _jsonable(correction),
    }  # fmt: skip


def save_corrections(conn: sa.Connection, store: Store, corrections: Iterable[Correction]) -> None:
    """Insert or replace corrections, inside the caller's transaction."""
    for correction in corrections:
        store._upsert(conn, s.corrections, ["correction_id"], _row(correction))


def corrections_of_events(
    store: Store, event_ids: Iterable[str], *, active_only: bool = True
) -> dict[str, list[Correction]]:
    """event_id -> its corrections, oldest first."""
    ids = sorted(set(event_ids))
    out: dict[str, list[Correction]] = {}
    with store.engine.connect() as conn:
        for chunk in _chunks(ids):
            q = sa.select(c.data).where(c.event_id.in_(list(chunk)))
            if active_only:
                q = q.where(c.active.is_(True))
            for row in conn.execute(q.order_by(c.at, c.correction_id)):
                correction = Correction.from_dict(row[0])
                out.setdefault(correction.event_id, []).append(correction)
    return out


def active_constraints(store: Store) -> list[Correction]:
    """The merges and splits fusion must keep, oldest first."""
    q = (
        sa.select(c.data)
        .where(c.active.is_(True), c.action.in_(CONSTRAINT_ACTIONS))
        .order_by(c.at, c.correction_id)
    )
    with store.engine.connect() as conn:
        return [Correction.from_dict(row[0]) for row in conn.execute(q)]


def get_correction(store: Store, correction_id: str) -> Correction | None:
    """A correction by its id or a unique prefix of it."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(c.data).where(c.correction_id == correction_id)).all()
        if not rows and len(correction_id) >= 4 and correction_id.isalnum():  # no LIKE wildcards
            rows = conn.execute(
                sa.select(c.data).where(c.correction_id.like(correction_id + "%")).limit(2)
            ).all()
    return Correction.from_dict(rows[0][0]) if len(rows) == 1 else None


def events_of_mentions(store: Store, mention_ids: Iterable[str]) -> set[str]:
    """The events holding these mentions now."""
    m = s.mentions.c
    found: set[str] = set()
    with store.engine.connect() as conn:
        for chunk in _chunks(sorted(set(mention_ids))):
            q = sa.select(m.event_id).where(m.mention_id.in_(list(chunk)), m.event_id.is_not(None)).distinct()
            found.update(r[0] for r in conn.execute(q))
    return found


def move_corrections(conn: sa.Connection, moves: dict[str, str]) -> None:
    """Corrections of events merged away now belong to the event that absorbed them (inside the
    caller's transaction: fusion's write)."""
    for old, new in sorted(moves.items()):
        for row in conn.execute(sa.select(c.correction_id, c.data).where(c.event_id == old)).all():
            data = dict(row.data) | {"event_id": new}
            conn.execute(s.corrections.update().where(c.correction_id == row.correction_id)
                         .values(event_id=new, data=data))  # fmt: skip


def write_review(
    store: Store, event: Event, history: dict[str, Any] | None, corrections: Sequence[Correction] = ()
) -> None:
    """One review action in one transaction: the corrections, the event as corrected, and its
    history row (numbered after the event's last revision)."""
    h = s.event_history.c
    with store.engine.begin() as conn:
        save_corrections(conn, store, corrections)
        store._upsert(conn, s.events, ["event_id"], event_row(event))
        if history is not None:
            last = conn.execute(
                sa.select(sa.func.max(h.revision)).where(h.event_id == event.event_id)
            ).scalar()
            conn.execute(s.event_history.insert(), [{
                "event_id": event.event_id, "revision": int(last or 0) + 1, "at": history.get("at") or now_iso(),
                "cause_article_id": None, "action": history["action"], "changes": history.get("changes", {}),
                "author": history.get("author"), "reason": history.get("reason"),
            }])  # fmt: skip


def record_history(
    store: Store, rows: Sequence[dict[str, Any]], corrections: Sequence[Correction] = ()
) -> None:
    """History rows (and corrections) written on their own, e.g. beside a fusion pass."""
    h = s.event_history.c
    with store.engine.begin() as conn:
        save_corrections(conn, store, corrections)
        for row in rows:
            last = conn.execute(
                sa.select(sa.func.max(h.revision)).where(h.event_id == row["event_id"])
            ).scalar()
            conn.execute(s.event_history.insert(), [{
                "event_id": row["event_id"], "revision": int(last or 0) + 1, "at": row.get("at") or now_iso(),
                "cause_article_id": None, "action": row["action"], "changes": row.get("changes", {}),
                "author": row.get("author"), "reason": row.get("reason"),
            }])  # fmt: skip


def queue_clauses(flt: EventFilter, *, low_confidence: float, high_fatalities: int) -> tuple[list[Any], Any]:
    """The review queue's WHERE clauses and its priority (higher first): flagged events, then those
    with more of: low confidence, sources that disagree, a high toll. Events confirmed or rejected
    and not flagged since are done."""
    e = s.events.c
    flagged = e.needs_review.is_(True)
    reasons = [
        e.confidence < low_confidence,
        sa.func.coalesce(e.disputed_count, 0) > 0,
        e.fatalities >= high_fatalities,
    ]
    where = [
        *EventFilter(**{**_fields(flt), "review": "all"}).clauses(),
        sa.or_(flagged, e.review_status.is_(None)),
        sa.or_(flagged, *reasons),
    ]
    score = sa.case((flagged, 100), else_=0) + sum(sa.case((r, 1), else_=0) for r in reasons)
    return where, score


def _fields(flt: EventFilter) -> dict[str, Any]:
    return {name: getattr(flt, name) for name in flt.__dataclass_fields__}


def review_queue_ids(
    store: Store,
    flt: EventFilter,
    *,
    low_confidence: float,
    high_fatalities: int,
    limit: int,
    offset: int = 0,
) -> tuple[list[str], int]:
    """One page of the review queue's event ids, most in need first, and how many are in it."""
    e = s.events.c
    where, score = queue_clauses(flt, low_confidence=low_confidence, high_fatalities=high_fatalities)
    q = (
        sa.select(e.event_id).where(*where)
        .order_by(score.desc(), e.fatalities.desc().nulls_last(), e.confidence.asc().nulls_last(), e.event_id)
        .limit(limit).offset(offset)
    )  # fmt: skip
    with store.engine.connect() as conn:
        ids = [r[0] for r in conn.execute(q)]
        total = int(conn.execute(sa.select(sa.func.count()).select_from(s.events).where(*where)).scalar_one())
    return ids, total


def correction_log(store: Store, event_id: str) -> list[Correction]:
    """Every correction of an event, withdrawn ones too, oldest first."""
    return corrections_of_events(store, [event_id], active_only=False).get(event_id, [])
