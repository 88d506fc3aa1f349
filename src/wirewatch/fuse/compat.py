"""Do two mentions report the same event? Hard rules, then an agreement score (data/rules.json)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any, NamedTuple

from wirewatch.config import FuseOptions
from wirewatch.records import EventMention
from wirewatch.resolve.geo import haversine_km

_WORD = re.compile(r"[a-z0-9]+")
_DIGIT = re.compile(r"\d")
# a place within this share of max_km of a city at least this big and this many times bigger is part of it
_SUBURB_SHARE = 0.6
_CITY_POPULATION = 50_000
_CITY_TO_PART = 5


@functools.cache
def fusion_rules() -> dict[str, Any]:
    return json.loads(
        resources.files("wirewatch.fuse").joinpath("data/rules.json").read_text(encoding="utf-8")
    )


@functools.cache
def _compatible_pairs() -> frozenset[frozenset[str]]:
    return frozenset(frozenset(p) for p in fusion_rules()["compatible_sub_event_types"])


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def date_window(m: Any) -> tuple[dt.date, dt.date] | None:
    """The days a mention (or event) allows: [date_low, date_high], else the event_date."""
    low = _day(m.date_low) or _day(m.event_date)
    high = _day(m.date_high) or _day(m.event_date) or low
    if low is None or high is None:
        return None
    return (low, high) if low <= high else (high, low)


@functools.lru_cache(maxsize=1 << 16)  # place names repeat: a pass reads thousands of events' places
def _norm(text: str | None) -> str | None:
    """Case, accents, hyphens and apostrophes folded: "Al-Zayaynya" = "Al Zayaynya"."""
    if not text:
        return None
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"['’`]", "", folded).replace("-", " ").split()) or None


def _country(m: EventMention) -> str | None:
    return m.iso3 or _norm(m.country)


def _place_keys(
    country: str | None, location: str | None, admin1: str | None, admin2: str | None
) -> tuple[str | None, frozenset[str]]:
    """Where a mention or an event is, as the place rules compare it: the place (location, else
    admin1) and the places that contain it (admin1, admin2, country), normalised."""
    containers = frozenset(x for x in (_norm(admin1), _norm(admin2), _norm(country)) if x)
    return _norm(location or admin1), containers


def tokens(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_vague(m: EventMention) -> bool:
    vague = fusion_rules()["vague"]
    country_only = bool(m.country) and (not m.location or _norm(m.location) == _norm(m.country))
    return (
        country_only
        or (m.geo_precision or 0) >= vague["geo_precision_at_least"]
        or (m.time_precision or 0) >= vague["time_precision_at_least"]
        or date_window(m) is None
    )


@dataclass(slots=True, frozen=True)
class Features:
    """What the pair rules read from one mention, computed once (fusion compares many pairs)."""

    sub_event_type: str | None
    event_type: str | None
    country: str | None  # iso3 or normalised name
    place: str | None  # normalised location (or admin1)
    admin1: str | None  # normalised first-level region, when known
    containers: frozenset[str]  # normalised admin1, admin2, country: places that contain it
    latitude: float | None
    longitude: float | None
    window: tuple[dt.date, dt.date] | None
    actor1: str | None
    actor2: str | None
    actors: frozenset[str]
    fatalities: int | None
    words: frozenset[str]
    story_id: str | None
    placeless: bool  # neither a place nor a country: could be anywhere
    geonameid: int | None
    location: str | None
    iso3: str | None
    day_sure: bool  # its day is a given date, not one worked out from a weekday
    coarse: bool  # placed at a province or country, not a town: can contain another's place
    country_only: bool  # placed at its country and nowhere more precise


_UNNAMED = re.compile(r"^(?:Unidentified|Civilians|Protesters|Rioters)\b")


def named(actor: str | None) -> str | None:
    """An actor a source names; the unnamed ones ACLED's conventions fill in ("Unidentified Armed
    Group (Sudan)", "Civilians (Sudan)") say nothing another source could contradict."""
    return None if actor is None or _UNNAMED.match(actor) else actor


def features(m: EventMention) -> Features:
    names = {named(m.actor1), named(m.actor2)}
    for assoc in (m.assoc_actor_1, m.assoc_actor_2):
        names.update(x.strip() for x in (assoc or "").split(";"))
    place, containers = _place_keys(m.country, m.location, m.admin1, m.admin2)
    return Features(
        sub_event_type=m.sub_event_type, event_type=m.event_type, country=_country(m),
        place=place, admin1=_norm(m.admin1), containers=containers,
        latitude=m.latitude, longitude=m.longitude, window=date_window(m),
        actor1=named(m.actor1), actor2=named(m.actor2), actors=frozenset(n for n in names if n),
        fatalities=m.fatalities, words=tokens(m.sentence), story_id=m.story_id,
        placeless=not (m.location or m.admin1 or m.country), geonameid=m.geonameid, location=m.location, iso3=m.iso3,
        day_sure=_day_sure(m), coarse=m.geo_precision is None or m.geo_precision >= 3,
        country_only=bool(m.country) and (not m.location or _norm(m.location) == _norm(m.country)),
    )  # fmt: skip


def _f(x: EventMention | Features) -> Features:
    return x if isinstance(x, Features) else features(x)


def type_match(a: EventMention | Features | TypeKey, b: EventMention | Features | TypeKey) -> str | None:
    """'same' sub-type, 'family' (same event type, one vaguer or a listed near pair), or None."""
    if a.sub_event_type and b.sub_event_type:
        if a.sub_event_type == b.sub_event_type:
            return "same"
        if frozenset((a.sub_event_type, b.sub_event_type)) in _compatible_pairs():
            return "family"
        return None
    if a.event_type and b.event_type and a.event_type != b.event_type:
        return None
    return "family"


def place_match(a: EventMention | Features, b: EventMention | Features, max_km: float) -> str | None:
    """'same', 'nested', 'unknown' (one side has no place), or None (apart: another country or
    province, two differently named places neither of which contains the other, or two places
    of one name more than `max_km` apart, namesakes)."""
    fa, fb = _f(a), _f(b)
    if fa.country and fb.country and fa.country != fb.country:
        return None
    if fa.admin1 and fb.admin1 and fa.admin1 != fb.admin1:
        return None
    if not fa.place or not fb.place:
        return "unknown"
    if fa.place == fb.place or (fa.geonameid is not None and fa.geonameid == fb.geonameid):
        if None not in (fa.latitude, fa.longitude, fb.latitude, fb.longitude):
            if haversine_km(fa.latitude, fa.longitude, fb.latitude, fb.longitude) > max_km:  # type: ignore[arg-type]
                return None
        return "same"
    # nested: one names the province or country that contains the other, or the city that the
    # other, a small place beside it, is part of ("Mugunga" and "Goma")
    # a town named like its province ("Rio de Janeiro", "Santa Fe") contains only what is near it
    if fa.place in fb.containers or fb.place in fa.containers:
        if (fa.coarse if fa.place in fb.containers else fb.coarse) or not _apart(fa, fb, max_km):
            return "nested"
        return None
    if _part_of_city(fa, fb, max_km):
        return "nested"
    return None


def _apart(fa: Features, fb: Features, max_km: float) -> bool:
    if None in (fa.latitude, fa.longitude, fb.latitude, fb.longitude):
        return False
    return haversine_km(fa.latitude, fa.longitude, fb.latitude, fb.longitude) > max_km  # type: ignore[arg-type]


def _part_of_city(fa: Features, fb: Features, max_km: float) -> bool:
    if None in (fa.latitude, fa.longitude, fb.latitude, fb.longitude):
        return False
    if haversine_km(fa.latitude, fa.longitude, fb.latitude, fb.longitude) > max_km * _SUBURB_SHARE:  # type: ignore[arg-type]
        return False
    from wirewatch.resolve.places import population_of  # only for the few pairs that get here

    small, big = sorted(population_of(f.geonameid, f.location, f.iso3) for f in (fa, fb))
    return big >= _CITY_POPULATION and big >= _CITY_TO_PART * max(small, 1) and small < _CITY_POPULATION


def _day_sure(m: EventMention) -> bool:
    """A day given as a date ("On 9 May 2020", "May 9"), not worked out from "on Monday"."""
    expr = m.date_expression or ""
    return m.time_precision == 1 and bool(_DIGIT.search(expr))


def date_match(a: EventMention | Features, b: EventMention | Features, slack_days: int) -> str | None:
    """'same' day, 'overlap' of the windows (with slack), 'unknown', or None (apart)."""
    fa, fb = _f(a), _f(b)
    wa, wb = fa.window, fb.window
    if wa is None or wb is None:
        return "unknown"
    if wa[0] == wa[1] == wb[0] == wb[1]:
        return "same"
    if fa.day_sure and fb.day_sure and wa != wb:
        return None  # two reports that each give their own date: two days, two events
    slack = dt.timedelta(days=slack_days)
    if wa[0] - slack <= wb[1] and wb[0] - slack <= wa[1]:
        return "overlap"
    return None


def actor_match(a: EventMention | Features, b: EventMention | Features) -> int | None:
    """How many sides agree (0-2), or None when a side names different actors on both."""
    fa, fb = _f(a), _f(b)
    agree = 0
    for side_a, side_b in ((fa.actor1, fb.actor1), (fa.actor2, fb.actor2)):
        if side_a and side_b:
            if side_a == side_b:
                agree += 1
            elif side_a not in fb.actors and side_b not in fa.actors:
                return None
    return agree


def pair_score(a: EventMention | Features, b: EventMention | Features, options: FuseOptions) -> float | None:
    """Agreement score of two mentions, or None when a hard rule keeps them apart."""
    fa, fb = _f(a), _f(b)
    if (fa.placeless or fb.placeless) and not (fa.story_id and fa.story_id == fb.story_id):
        return None  # a report that could be anywhere joins only its own story's copies
    t = type_match(fa, fb)
    if t is None:
        return None
    p = place_match(fa, fb, options.max_km)
    if p is None:
        return None
    d = date_match(fa, fb, options.date_slack_days)
    if d is None:
        return None
    act = actor_match(fa, fb)
    if act is None:
        return None
    similarity = jaccard(fa.words, fb.words)
    if not (fa.story_id and fa.story_id == fb.story_id) and not _corroborated(fa, fb, act, similarity):
        return None
    w = fusion_rules()["weights"]
    score = w["same_sub_event_type"] if t == "same" else w["same_family_only"]
    score += {"same": w["same_location"], "nested": w["nested_place"], "near": w["near_place"]}.get(p, 0.0)
    score += {"same": w["same_day"], "overlap": w["overlapping_dates"]}.get(d, 0.0)
    score += {2: w["both_actors_agree"], 1: w["one_actor_agrees"]}.get(act, 0.0)
    if fa.fatalities is not None and fa.fatalities == fb.fatalities:
        score += w["same_fatalities"]
    score += options.text_similarity_weight * similarity
    return round(score, 6)


def _corroborated(fa: Features, fb: Features, act: int, similarity: float) -> bool:
    """Where many killings and shoot-outs happen on one day (a city of millions, a whole country),
    sharing the place, day and type says little: two reports must also name the same actor (on
    either side) or tell it in much the same words."""
    crowded = fusion_rules()["crowded"]
    if act > 0 or fa.actors & fb.actors or fa.event_type not in crowded["event_types"]:
        return True
    if similarity >= crowded["text_similarity_at_least"]:
        return True
    if fa.country_only or fb.country_only:
        return not (fa.country_only and fb.country_only)
    from wirewatch.resolve.places import population_of  # only for the pairs that get here

    return min(population_of(f.geonameid, f.location, f.iso3) for f in (fa, fb)) < crowded["population"]


def threshold(a: EventMention, b: EventMention) -> float:
    rules = fusion_rules()
    # two mentions in one article are usually two events the writer told apart
    return rules["same_article_threshold"] if a.article_id == b.article_id else rules["threshold"]


_CELL_DEGREES = 0.5  # grid cell of `EventReach`'s look-up by coordinates


class TypeKey(NamedTuple):
    """What `type_match` reads: a mention's, or an event's (a fused event's sub-type and type
    are those of one of its mentions, so a mention that does not type-match it cannot join)."""

    sub_event_type: str | None
    event_type: str | None


_ANY_TYPE = TypeKey(None, None)  # type-matches everything: an event an analyst retyped


@dataclass(slots=True, frozen=True)
class EventPlace:
    """What fusion reads of an old event near a pass before loading it whole: where it is, as
    `place_match` reads a mention's place, and its type."""

    country: str | None  # iso3 or normalised name
    place: str | None
    containers: frozenset[str]
    latitude: float | None
    longitude: float | None
    kind: TypeKey

    @classmethod
    def of(cls, row: dict[str, Any]) -> EventPlace:
        """From a row of `store.fusion_queries.events_near_places`."""
        corrected = row["review_status"] is not None  # its type may be an analyst's, no mention's
        place, containers = _place_keys(row["country"], row["location"], row["admin1"], row["admin2"])
        return cls(
            country=row["iso3"] or _norm(row["country"]), place=place, containers=containers,
            latitude=row["latitude"], longitude=row["longitude"],
            kind=_ANY_TYPE if corrected else TypeKey(row["sub_event_type"], row["event_type"]),
        )  # fmt: skip


class EventReach:
    """The old events that one pass's pending mentions could join, told from the events' own
    places and types by `pair_score`'s hard rules: a type that matches, the same country (or one
    unknown), and the same place, one containing the other, one without a place, or within
    `max_km`. An event it turns away is apart from every pending mention, so leaving it out of
    the pass changes nothing: of a busy country's events on the same days, few are of the type
    and at the place of the mentions. Mentions without any place join only their own story's
    copies: the caller finds those by story."""

    def __init__(self, mentions: Iterable[Features], max_km: float) -> None:
        self.max_km = max_km
        # by country (None: unknown): the types of the mentions without a place (they join any)
        self.anywhere: dict[str | None, set[TypeKey]] = {}
        # by country, then place: the types of the mentions there, and of those it contains
        self.places: dict[str | None, dict[str, set[TypeKey]]] = {}
        self.wide: dict[str | None, dict[str, set[TypeKey]]] = {}
        self.cells: dict[tuple[int, int], list[tuple[str | None, float, float, TypeKey]]] = {}
        for f in mentions:
            if f.placeless:
                continue
            kind = TypeKey(f.sub_event_type, f.event_type)
            if f.place is None:
                self.anywhere.setdefault(f.country, set()).add(kind)
                continue
            self.places.setdefault(f.country, {}).setdefault(f.place, set()).add(kind)
            wide = self.wide.setdefault(f.country, {})
            for name in {f.place, *f.containers}:
                wide.setdefault(name, set()).add(kind)
            if f.latitude is not None and f.longitude is not None:
                self._add_point(f.country, f.latitude, f.longitude, kind)

    def _add_point(self, country: str | None, lat: float, lon: float, kind: TypeKey) -> None:
        dlat = self.max_km / 111.0
        dlon = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.0))), 0.01)
        for i in range(_cell(lat - dlat), _cell(lat + dlat) + 1):
            for j in range(_cell(lon - dlon), _cell(lon + dlon) + 1):
                self.cells.setdefault((i, j), []).append((country, lat, lon, kind))

    def may_join(self, event: EventPlace) -> bool:
        if event.country is None and event.place is None:
            return False  # an event with no place holds only mentions with none: found by story
        countries = {event.country, None} if event.country else {*self.places, *self.anywhere}
        kinds: set[TypeKey] = set()
        for c in countries:
            kinds |= self.anywhere.get(c, set())
            places = self.places.get(c)
            if places is None:
                continue
            if event.place is None:
                kinds.update(*places.values())
                continue
            kinds |= self.wide[c].get(event.place, set())
            for name in event.containers:
                kinds |= places.get(name, set())
        if any(type_match(k, event.kind) for k in kinds):
            return True
        return self._near(countries, event)

    def _near(self, countries: set[str | None], event: EventPlace) -> bool:
        if event.latitude is None or event.longitude is None:
            return False
        for country, lat, lon, kind in self.cells.get((_cell(event.latitude), _cell(event.longitude)), ()):
            if country in countries and type_match(kind, event.kind) and (
                haversine_km(lat, lon, event.latitude, event.longitude) <= self.max_km
            ):  # fmt: skip
                return True
        return False


def _cell(degrees: float) -> int:
    return math.floor(degrees / _CELL_DEGREES)
