"""What an analyst may set on an event, checked and expanded into the related fields: a sub-type
brings its type and disorder type, a place its country, regions and coordinates, a date its
window. A bad value is a W040 error naming the field and what it expects.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError
from wirewatch.records import Event

TEXT_FIELDS = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "admin1", "admin2", "country", "notes")
COUNT_FIELDS = ("fatalities", "injuries")
# what `wirewatch correct` and POST /events/{id}/corrections accept
SETTABLE_FIELDS = (
    "event_type", "sub_event_type", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "inter1",
    "inter2", "location", "admin1", "admin2", "country", "latitude", "longitude", "event_date",
    "time_precision", "fatalities", "injuries", "civilian_targeting", "notes",
)  # fmt: skip
CIVILIAN_TARGETING = "Civilian targeting"


def _bad(name: str, value: Any, expected: str) -> WirewatchError:
    return WirewatchError(errors.BAD_OPTION, f"{name} '{value}': expected {expected}")


@functools.cache
def taxonomy() -> dict[str, dict[str, str]]:
    """ACLED's sub-event types -> {event_type, disorder_type} (extract's lexicon, read lazily: the
    extract package loads its language model on import)."""
    from wirewatch.extract.lexicon import load

    return dict(load("event_types")["sub_event_types"])


def _canonical(value: str, names: list[str], name: str) -> str:
    """The name `value` stands for: the same name in any case, or the only one it begins."""
    wanted = value.strip().casefold()
    by_fold = {n.casefold(): n for n in names}
    found = by_fold.get(wanted)
    begun = [n for fold, n in by_fold.items() if wanted and fold.startswith(wanted)]
    if found is None and len(begun) == 1:
        found = begun[0]
    if found is None:
        raise _bad(name, value, "one of " + "; ".join(sorted(names)))
    return found


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _count(name: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _bad(name, value, "a whole number, 0 or more") from None
    if number < 0:
        raise _bad(name, value, "a whole number, 0 or more")
    return number


def _degrees(name: str, value: Any, limit: float) -> float:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise _bad(name, value, f"degrees between -{limit:g} and {limit:g}") from None
    if not -limit <= number <= limit:
        raise _bad(name, value, f"degrees between -{limit:g} and {limit:g}")
    return number


def _day(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise _bad("event_date", value, "a date, YYYY-MM-DD") from None


def expand_changes(given: Mapping[str, Any], event: Event) -> dict[str, Any]:
    """The fields and values to set on `event` for what the analyst gave, related fields included
    (in a stable order), or a W040 error."""
    unknown = sorted(set(given) - set(SETTABLE_FIELDS))
    if unknown:
        raise WirewatchError(
            errors.BAD_OPTION, f"field '{unknown[0]}' cannot be set: one of {', '.join(SETTABLE_FIELDS)}"
        )
    if not given:
        raise WirewatchError(errors.BAD_OPTION, "no field to set: give FIELD=VALUE (e.g. fatalities=3)")
    changes: dict[str, Any] = {}
    _type_changes(given, event, changes)
    _place_changes(given, event, changes)
    for name in TEXT_FIELDS:
        if name in given and name not in changes:
            changes[name] = _text(given[name])
    for name in COUNT_FIELDS:
        if name in given:
            changes[name] = _count(name, given[name])
    _date_and_actor_codes(given, event, changes)
    if "civilian_targeting" in given:
        flag = _text(given["civilian_targeting"])
        if flag is not None and flag.casefold() not in ("civilian targeting", "yes", "true"):
            raise _bad("civilian_targeting", flag, f"'{CIVILIAN_TARGETING}' or nothing")
        changes["civilian_targeting"] = CIVILIAN_TARGETING if flag else None
    return changes


def _type_changes(given: Mapping[str, Any], event: Event, changes: dict[str, Any]) -> None:
    kinds = taxonomy()
    if _text(given.get("sub_event_type")):
        sub = _canonical(str(given["sub_event_type"]), list(kinds), "sub_event_type")
        changes.update(event_type=kinds[sub]["event_type"], sub_event_type=sub,
                       disorder_type=kinds[sub]["disorder_type"])  # fmt: skip
        if _text(given.get("event_type")):
            named = _canonical(
                str(given["event_type"]), sorted({k["event_type"] for k in kinds.values()}), "event_type"
            )
            if named != changes["event_type"]:
                raise _bad(
                    "event_type", given["event_type"], f"'{changes['event_type']}', the type of '{sub}'"
                )
        return
    if _text(given.get("event_type")):
        types = sorted({k["event_type"] for k in kinds.values()})
        kind = _canonical(str(given["event_type"]), types, "event_type")
        changes["event_type"] = kind
        if event.sub_event_type and kinds.get(event.sub_event_type, {}).get("event_type") != kind:
            changes["sub_event_type"] = None  # the old sub-type belongs to another type
        changes["disorder_type"] = next(k["disorder_type"] for k in kinds.values() if k["event_type"] == kind)


def _place_changes(given: Mapping[str, Any], event: Event, changes: dict[str, Any]) -> None:
    """A location found in the gazetteer brings its country, regions and coordinates; one it lacks
    needs latitude and longitude given with it."""
    has_point = "latitude" in given or "longitude" in given
    if has_point and not ("latitude" in given and "longitude" in given):
        raise WirewatchError(errors.BAD_OPTION, "latitude and longitude go together: give both")
    location = _text(given.get("location")) if "location" in given else None
    if location and not has_point:
        from wirewatch.resolve.places import country_of_name, resolve_place

        named_country = _text(given.get("country"))
        hint = country_of_name(named_country) if named_country else event.iso3
        place = resolve_place(location, country_hint=hint) or (
            None if named_country else resolve_place(location)  # moved to another country
        )
        if place is None:
            raise WirewatchError(
                errors.BAD_OPTION,
                f"location '{location}': not in the gazetteer; give latitude and longitude with it",
            )
        changes.update(
            location=place.name, country=place.country, iso=place.iso,
            iso3=place.iso3, admin1=place.admin1, admin2=place.admin2, latitude=place.latitude,
            longitude=place.longitude, geonameid=place.geonameid, geo_precision=place.geo_precision,
        )  # fmt: skip
        return
    if "location" in given:
        changes["location"] = location
    if has_point:
        changes["latitude"] = _degrees("latitude", given["latitude"], 90)
        changes["longitude"] = _degrees("longitude", given["longitude"], 180)
        changes["geonameid"] = None  # a point the analyst gave, not a gazetteer entry
        changes["geo_precision"] = 1 if location else event.geo_precision
    if "location" in given and not location:  # cleared: the event has no place below its regions
        for name in ("latitude", "longitude", "geonameid"):
            changes.setdefault(name, None)


def _date_and_actor_codes(given: Mapping[str, Any], event: Event, changes: dict[str, Any]) -> None:
    if "event_date" in given:
        day = _day(given["event_date"])
        changes.update(event_date=day, date_low=day, date_high=day, time_precision=1)
    if "time_precision" in given:
        precision = _count("time_precision", given["time_precision"])
        if precision not in (1, 2, 3):
            raise _bad("time_precision", given["time_precision"], "1 (day), 2 (week) or 3 (month)")
        changes["time_precision"] = precision
    for name in ("inter1", "inter2"):
        if name in given:
            code = _count(name, given[name])
            if code is not None and not 1 <= code <= 8:
                raise _bad(name, given[name], "an ACLED actor code, 1 to 8")
            changes[name] = code
    if "inter1" in changes or "inter2" in changes:
        from wirewatch.fuse.fields import interaction_code

        changes["interaction"] = interaction_code(
            changes.get("inter1", event.inter1), changes.get("inter2", event.inter2)
        )


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`FIELD=VALUE` words (the CLI's) -> {field: value}; a word without '=' is a W040 error."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise WirewatchError(errors.BAD_OPTION, f"'{item}': expected FIELD=VALUE (e.g. fatalities=3)")
        out[name.strip().lower().replace("-", "_")] = value
    return out
