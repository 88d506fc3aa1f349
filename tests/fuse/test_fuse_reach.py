"""Which old events a fusion pass loads: only those a pending mention could join (`EventReach`),
so a pass's cost follows the events of the mentions' types and places, not every event of a busy
country in the same weeks."""

from __future__ import annotations

import itertools

from wirewatch.config import FuseOptions
from wirewatch.fuse import fuse_pending
from wirewatch.fuse.compat import EventPlace, EventReach, features, pair_score
from wirewatch.fuse.events import _neighbourhood
from wirewatch.records import EventMention
from wirewatch.store import fusion_queries as q
from wirewatch.store import open_store

OPTIONS = FuseOptions()
IRAQ = {"country": "Iraq", "iso3": "IRQ"}
SYRIA = {"country": "Syria", "iso3": "SYR"}
PLACES = {
    "city": dict(
        IRAQ, admin1="Baghdad", location="Baghdad", latitude=33.34, longitude=44.40, geo_precision=1
    ),
    "suburb": dict(
        IRAQ, admin1="Baghdad", location="Sadr City", latitude=33.39, longitude=44.46, geo_precision=1
    ),
    "other town": dict(
        IRAQ, admin1="Basra", location="Basra", latitude=30.51, longitude=47.78, geo_precision=1
    ),
    "province": dict(IRAQ, admin1="Baghdad", location="Baghdad Province", geo_precision=3),
    "country only": dict(IRAQ, location="Iraq", geo_precision=3),
    "no place in a country": dict(IRAQ),
    "other country": dict(
        SYRIA, admin1="Aleppo", location="Aleppo", latitude=36.2, longitude=37.16, geo_precision=1
    ),
    "place without country": {"location": "Camp Seven"},
    "nowhere": {},
}
TYPES = {
    "air strike": {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"},
    "shelling": {
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
    },
    "protest": {"event_type": "Protests", "sub_event_type": "Peaceful protest"},
    "battle, no sub-type": {"event_type": "Battles"},
}


def _fields(place: str, kind: str) -> dict:
    return dict(sentence="Fighting was reported.", event_date="2024-02-07", date_low="2024-02-07",
                date_high="2024-02-07", **PLACES[place], **TYPES[kind])  # fmt: skip


def _mention(n: int, place: str, kind: str) -> EventMention:
    return EventMention(mention_id=f"m{n}", article_id=f"a{n}", **_fields(place, kind))


def _as_event_row(m: EventMention, review_status: str | None = None) -> dict:
    row = {k: getattr(m, k) for k in ("country", "iso3", "location", "admin1", "admin2", "latitude", "longitude",
                                      "sub_event_type", "event_type")}  # fmt: skip
    return row | {"review_status": review_status}


def test_every_event_a_mention_could_join_is_within_reach():
    """Exhaustively over places and types: when the pair rules would let mention m join a
    one-mention event x, the reach of m keeps x. (The reach may keep more; never less.)"""
    mentions = [_mention(n, p, k) for n, (p, k) in enumerate(itertools.product(PLACES, TYPES))]
    for m, x in itertools.product(mentions, mentions):
        if m is x or pair_score(features(m), features(x), OPTIONS) is None:
            continue
        reach = EventReach([features(m)], OPTIONS.max_km)
        assert reach.may_join(EventPlace.of(_as_event_row(x))), (m.location, m.sub_event_type, x.location)


def test_the_reach_turns_away_other_types_and_other_places():
    reach = EventReach([features(_mention(0, "city", "air strike"))], OPTIONS.max_km)

    def keeps(place: str, kind: str, review_status: str | None = None) -> bool:
        return reach.may_join(EventPlace.of(_as_event_row(_mention(1, place, kind), review_status)))

    assert keeps("city", "air strike") and keeps("city", "shelling")  # a listed near pair
    assert keeps("suburb", "air strike")  # within max_km
    assert keeps("province", "air strike") and keeps("country only", "air strike")  # contain it
    assert not keeps("city", "protest")
    assert not keeps("other town", "air strike")
    assert not keeps("other country", "air strike")
    assert not keeps("nowhere", "air strike")  # no place at all: only its own story's copies
    assert keeps("city", "protest", review_status="corrected")  # an analyst's type: any mention's


def test_a_country_only_mention_reaches_its_countrys_events_of_its_type():
    reach = EventReach([features(_mention(0, "country only", "protest"))], OPTIONS.max_km)
    event = EventPlace.of(_as_event_row(_mention(1, "other town", "protest")))
    assert reach.may_join(event)
    assert not reach.may_join(EventPlace.of(_as_event_row(_mention(1, "other town", "air strike"))))
    assert not reach.may_join(EventPlace.of(_as_event_row(_mention(1, "other country", "protest"))))


def _stored(tmp_path, event_world):  # type: ignore[no-untyped-def]
    store = open_store(str(tmp_path / "reach.db"))
    strike = _fields("city", "air strike")
    world = event_world(store)
    world.article("s1", [dict(strike, sentence="A drone strike hit a car in Baghdad.")], story_id="st-1")
    for n, town in enumerate(("other town", "other country", "province")):
        world.article(f"p{n}", [_fields(town, "protest")], story_id=f"st-p{n}")
    fuse_pending(store, OPTIONS, now="2024-03-01T00:00:00+00:00")
    return store, world, strike


def test_a_pass_loads_only_the_events_its_mentions_could_join(tmp_path, event_world):
    store, world, strike = _stored(tmp_path, event_world)
    assert store.count("events") == 4
    world.article("s2", [dict(strike, sentence="An air strike in Baghdad killed three.")], story_id="st-2")
    pending = q.pending_mentions(store)
    hood = _neighbourhood(store, pending, set(), OPTIONS)
    assert {e.location for e in hood.old_events.values()} == {"Baghdad"}
    fuse_pending(store, OPTIONS, now="2024-03-02T00:00:00+00:00")
    assert store.count("events") == 4  # the second report joined the first


def test_a_mention_without_a_place_still_joins_its_own_storys_copies(tmp_path, event_world):
    store = open_store(str(tmp_path / "story.db"))
    world = event_world(store)
    nowhere = _fields("nowhere", "air strike")
    world.article(
        "c1", [dict(nowhere, sentence="A drone strike killed three, officials said.")], story_id="st-w"
    )
    fuse_pending(store, OPTIONS, now="2024-03-01T00:00:00+00:00")
    world.article(
        "c2", [dict(nowhere, sentence="A drone strike killed three, officials said.")], story_id="st-w"
    )
    world.article(
        "c3", [dict(nowhere, sentence="A drone strike killed three, officials said.")], story_id="st-x"
    )
    assert q.events_of_stories(store, ["st-w"]) == {e.event_id for e in store.iter_events()}
    fuse_pending(store, OPTIONS, now="2024-03-02T00:00:00+00:00")
    events = sorted(store.iter_events(), key=lambda e: e.source_count)
    assert [e.source_count for e in events] == [1, 2]  # the copy joined its story; another story did not
