"""The one event filter the CLI, the API and exports share, as SQL on the real columns of `events`
(and, for `wirewatch mentions`, on the same fields of each mention).

Values arrive checked and normalised (`wirewatch.views.event_filter` builds a filter from what a
user typed); this module only turns them into WHERE and ORDER BY clauses.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.store import schema as s

SORTABLE = {
    "event_date": "event_date", "fatalities": "fatalities", "confidence": "confidence",
    "source_count": "source_count", "independent_source_count": "independent_source_count",
    "updated_at": "updated_at", "first_reported_at": "first_reported_at", "country": "country",
    "event_id": "event_id",
}  # fmt: skip


@dataclass(slots=True)
class EventFilter:
    """Which events to list or export. Every field is optional; all given ones must hold."""

    since: str | None = None  # event_date >= since (YYYY-MM-DD)
    until: str | None = None  # event_date <= until
    country: str | None = None  # country name or ISO alpha-3, case-insensitive
    admin1: str | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor: str | None = None  # substring of actor1 or actor2, case-insensitive
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    min_fatalities: int | None = None
    q: str | None = None  # substring of notes, location, actors
    min_sources: int | None = None  # at least this many independent sources (stories)
    review: str | None = None  # None: all but rejected events; else one of REVIEW_STATES

    def clauses(self, columns: Any = None) -> list[Any]:
        """WHERE clauses on the events table, or on `columns` named as its are (`mention_columns()`)."""
        c = s.events.c if columns is None else columns
        out: list[Any] = self._review_clauses(c)
        if self.min_sources is not None:
            out.append(c.independent_source_count >= self.min_sources)
        if self.since:
            out.append(c.event_date >= self.since)
        if self.until:
            out.append(c.event_date <= self.until)
        if self.country:
            value = self.country.strip().lower()
            # no country is named with three letters, so a three-letter value is an ISO code
            # (one indexed column each way, no OR: counts stay index-only)
            if len(value) == 3 and value.isalpha():
                out.append(c.iso3 == value.upper())
            else:
                out.append(sa.func.lower(c.country) == value)
        if self.admin1:
            out.append(sa.func.lower(c.admin1) == self.admin1.strip().lower())
        if self.event_type:
            out.append(sa.func.lower(c.event_type) == self.event_type.strip().lower())
        if self.sub_event_type:
            out.append(sa.func.lower(c.sub_event_type) == self.sub_event_type.strip().lower())
        if self.actor:
            like = f"%{_escape_like(self.actor.strip().lower())}%"
            out.append(
                sa.or_(
                    sa.func.lower(c.actor1).like(like, escape="\\"),
                    sa.func.lower(c.actor2).like(like, escape="\\"),
                )
            )
        if self.bbox:
            min_lon, min_lat, max_lon, max_lat = self.bbox
            out.append(c.longitude.between(min_lon, max_lon))
            out.append(c.latitude.between(min_lat, max_lat))
        if self.min_fatalities is not None:
            out.append(c.fatalities >= self.min_fatalities)
        if self.min_sources is not None:
            out.append(c.independent_source_count >= self.min_sources)
        if self.q:
            like = f"%{_escape_like(self.q.strip().lower())}%"
            out.append(
                sa.or_(
                    *[
                        sa.func.lower(col).like(like, escape="\\")
                        for col in (c.notes, c.location, c.actor1, c.actor2)
                    ]
                )
            )
        return out

    def _review_clauses(self, c: Any) -> list[Any]:
        """An analyst's verdicts: rejected events ("not an event") are left out unless asked for."""
        if self.review == "all":
            return []
        if self.review in ("confirmed", "rejected"):
            return [c.review_status == self.review]
        if self.review == "flagged":
            return [c.needs_review.is_(True)]
        not_rejected = sa.or_(c.review_status.is_(None), c.review_status != "rejected")
        if self.review == "unreviewed":
            return [c.review_status.is_(None)]
        return [not_rejected]


# what --review / ?review= accepts (no value: every event but the rejected ones)
REVIEW_STATES = ("all", "unreviewed", "confirmed", "rejected", "flagged")


def mention_columns() -> SimpleNamespace:
    """A mention's filtered fields under the events table's column names: the mentions table's
    own columns where it has them, the rest read from its stored record."""
    m = s.mentions.c
    text = {name: m.data[name].as_string() for name in _MENTION_TEXT_FIELDS}
    # what a mention's event says of its review state (None: no event yet)
    of_event = {
        name: sa.select(s.events.c[name]).where(s.events.c.event_id == m.event_id).scalar_subquery()
        for name in ("review_status", "needs_review")
    }
    return SimpleNamespace(
        event_date=m.event_date, country=m.country, event_type=m.event_type, **text,
        longitude=m.data["longitude"].as_float(), latitude=m.data["latitude"].as_float(),
        fatalities=m.data["fatalities"].as_integer(), **of_event,
        independent_source_count=sa.literal(1),  # a mention is one article's report
    )  # fmt: skip


_MENTION_TEXT_FIELDS = ("iso3", "admin1", "sub_event_type", "actor1", "actor2", "location", "notes")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def order_by(sort: str | None) -> list[Any]:
    """'-event_date' / 'fatalities' -> ORDER BY with NULLs last and event_id as the tie-breaker
    (in the direction of the first key, so an index on (column, event_id) serves it), the same
    order in SQLite and PostgreSQL."""
    c = s.events.c
    keys: list[Any] = []
    first_desc: bool | None = None
    for part in [p.strip() for p in (sort or "event_date").split(",") if p.strip()]:
        desc = part.startswith("-")
        name = part.lstrip("-+")
        if name not in SORTABLE:
            raise WirewatchError(
                errors.BAD_OPTION, f"sort '{name}': expected one of {', '.join(sorted(SORTABLE))}"
            )
        first_desc = desc if first_desc is None else first_desc
        col = c[SORTABLE[name]]
        keys.append((col.desc() if desc else col.asc()).nulls_last())
    keys.append(c.event_id.desc() if first_desc else c.event_id.asc())
    return keys
