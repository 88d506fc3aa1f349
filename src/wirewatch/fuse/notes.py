"""One generated ACLED-style sentence per event, from its fields (templates: data/notes.json)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from importlib import resources
from typing import Any

from wirewatch.records import Event

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@functools.cache
def note_templates() -> dict[str, Any]:
    return json.loads(
        resources.files("wirewatch.fuse").joinpath("data/notes.json").read_text(encoding="utf-8")
    )


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _day(d: dt.date, *, year: bool = True) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")


def date_phrase(event: Event) -> str:
    phrases = note_templates()["date_phrases"]
    best, low, high = _date(event.event_date), _date(event.date_low), _date(event.date_high)
    if event.time_precision == 3 and best:
        return phrases["month"].format(month=f"{MONTHS[best.month - 1]} {best.year}")
    if low and high and low != high:
        if (low.year, low.month) == (high.year, high.month):
            return phrases["window_same_month"].format(low_day=low.day, high=_day(high))
        if low.year == high.year:
            return phrases["window"].format(low=_day(low, year=False), high=_day(high))
        return phrases["window"].format(low=_day(low), high=_day(high))
    if best or low:
        return phrases["day"].format(day=_day(best or low))  # type: ignore[arg-type]
    return phrases["unknown"]


def place_phrase(event: Event) -> str:
    """'in Baghdad (Baghdad, Iraq)': the location, then the larger units that contain it."""
    if not event.location and not event.country:
        return note_templates()["place"]["unknown"]
    name = event.location or event.admin1 or event.country
    city_level = event.geo_precision in (1, 2)  # a city named like its province: "Baghdad (Baghdad, Iraq)"
    within: list[str] = []
    for unit in (event.admin2, event.admin1, event.country):
        if not unit or unit in within:
            continue
        if unit == name and not (city_level and unit == event.admin1 and unit != event.country):
            continue
        within.append(unit)
    return f"in {name} ({', '.join(within)})" if within else f"in {name}"


def toll_phrase(event: Event) -> str:
    toll = note_templates()["toll"]
    n, injuries = event.fatalities, event.injuries
    if n is None:
        return toll["injured_only"].format(injuries=injuries) if injuries else ""
    if n == 0:
        return toll["injured_only"].format(injuries=injuries) if injuries else toll["none"]
    low, high = event.fatalities_low, event.fatalities_high
    if low is not None and high is not None and low != high:
        return toll["killed_range"].format(n=n, low=low, high=high)
    if injuries:
        return toll["killed_injured"].format(n=n, injuries=injuries)
    return toll["killed"].format(n=n)


def generate_note(event: Event) -> str:
    data = note_templates()
    templates = data["templates"]
    chosen = (
        templates.get(event.sub_event_type or "") or templates.get(event.event_type or "") or templates["*"]
    )
    unknown = data["unknown_protesters"] if event.event_type == "Protests" else data["unknown_actor1"]
    actor1 = event.actor1 or unknown
    template = chosen["with_target"] if event.actor2 else chosen["plain"]
    text = template.format(
        date=date_phrase(event), actor1=actor1, actor2=event.actor2 or "",
        place=place_phrase(event), toll=toll_phrase(event),
    )  # fmt: skip
    return " ".join(text.split())
