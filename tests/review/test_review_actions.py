"""Corrections through the library every face calls: set fields, reject, confirm, merge, split and
withdraw, each with who/when/why in the history; kept by every later fusion pass; flagged (never
overwritten) when the sources' view changes; the review queue. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from wirewatch.errors import WirewatchError
from wirewatch.fuse import fuse_pending
from wirewatch.review.actions import (
    confirm_event,
    correct_event,
    merge_events,
    reject_event,
    split_event,
    withdraw_correction,
)
from wirewatch.review.queue import review_queue
from wirewatch.store import open_store
from wirewatch.store.event_filter import EventFilter
from wirewatch.store.events_query import event_history, iter_matching_events

NOW = "2024-03-01T00:00:00+00:00"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, populated):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "review.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    st = populated(open_store(db), now=NOW)
    yield st
    st.close()


def event_at(store, location):  # type: ignore[no-untyped-def]
    return next(e for e in store.iter_events() if e.location == location)


def test_a_field_set_by_hand_is_stored_with_who_when_why_and_shown_in_history(store):
    ev = event_at(store, "Baghdad")
    done = correct_event(store, ev.event_id[:6], {"fatalities": "5"}, author="ana", reason="hospital list")
    assert done["event_id"] == ev.event_id and done["hand_set"] == ["fatalities"]
    now = store.get_event(ev.event_id)
    assert (now.fatalities, now.fatalities_high, now.machine_values) == (5, 5, {"fatalities": 3})
    assert "killing 5" in now.notes
    last = event_history(store, ev.event_id)[-1]
    assert (last["action"], last["author"], last["reason"]) == ("corrected", "ana", "hospital list")
    assert last["changes"]["fatalities"] == [3, 5]


def test_bad_corrections_are_one_line_errors(store):
    ev = event_at(store, "Baghdad")
    cases = [
        ({"fatalities": "many"}, "fatalities 'many': expected a whole number"),
        ({"colour": "red"}, "field 'colour' cannot be set"),
        ({"sub_event_type": "Picnic"}, "sub_event_type 'Picnic': expected one of"),
        ({"event_date": "last week"}, "event_date 'last week': expected a date"),
        ({"latitude": "33"}, "latitude and longitude go together"),
    ]
    for given, message in cases:
        with pytest.raises(WirewatchError, match=message):
            correct_event(store, ev.event_id, given, author="ana", reason="r")
    with pytest.raises(WirewatchError, match="give a reason"):
        correct_event(store, ev.event_id, {"fatalities": 2}, author="ana", reason=" ")
    with pytest.raises(WirewatchError, match="no event with id"):
        reject_event(store, "ffffffffffff", author="ana", reason="r")


def test_a_type_brings_its_family_and_a_place_its_region_and_point(store):
    ev = event_at(store, "Baghdad")
    correct_event(store, ev.event_id, {"sub_event_type": "armed clash", "location": "Basra"}, author="ana", reason="r")
    now = store.get_event(ev.event_id)
    assert (now.event_type, now.sub_event_type, now.disorder_type) == ("Battles", "Armed clash", "Political violence")
    assert now.location.startswith("Basra") and (now.admin1, now.country) == ("Basra", "Iraq")
    assert abs(now.latitude - 30.5) < 0.2


def test_corrections_survive_refusion_and_a_changed_source_view_flags_instead(store):
    ev = event_at(store, "Baghdad")
    correct_event(store, ev.event_id, {"fatalities": "5", "actor2": "Kataib Hezbollah commanders"},
                  author="ana", reason="named in the funeral notices")  # fmt: skip
    # a new extractor reads ten dead in both copies: the sources' own view of fatalities changes
    line = "A US drone strike hit a car in eastern Baghdad, killing ten militia officials."
    for article_id in ("w1", "w2"):
        ms = list(store.iter_mentions(article_id=article_id))
        for m in ms:
            m.fatalities, m.fatalities_low, m.fatalities_high, m.sentence = 10, 10, 10, line
            m.event_id = None
        store.replace_mentions(article_id, ms, "a-newer-extractor")
    fuse_pending(store)
    now = store.get_event(ev.event_id)
    assert (now.fatalities, now.actor2) == (5, "Kataib Hezbollah commanders")  # never overwritten
    assert now.machine_values["fatalities"] == 10
    assert now.needs_review and now.review_flags[0].startswith("fatalities: the sources now say")
    page = review_queue(store)
    assert page["events"][0]["event_id"] == ev.event_id
    assert page["events"][0]["reasons"][0].startswith("flagged: fatalities")
    # a full re-fusion (every event fused again) keeps it too
    fuse_pending(store, refuse=[e.event_id for e in store.iter_events()])
    assert store.get_event(ev.event_id).fatalities == 5
    confirm_event(store, ev.event_id, author="ben", reason="checked the new reports")
    after = store.get_event(ev.event_id)
    assert (after.review_status, after.review_flags, after.fatalities) == ("confirmed", [], 5)
    assert ev.event_id not in [e["event_id"] for e in review_queue(store)["events"]]


def test_a_rejected_event_leaves_listings_and_new_copies_join_it(store, event_world):
    ev = event_at(store, "Quetta")
    reject_event(store, ev.event_id, author="ana", reason="a drill, not a clash")
    assert ev.event_id not in [e.event_id for e in iter_matching_events(store, EventFilter())]
    assert [e.event_id for e in iter_matching_events(store, EventFilter(review="rejected"))] == [ev.event_id]
    clash = {k: v for k, v in ev.to_dict().items() if k in (
        "event_type", "sub_event_type", "disorder_type", "actor1", "inter1", "actor2", "inter2", "iso", "iso3",
        "country", "admin1", "location", "latitude", "longitude", "geonameid", "geo_precision", "event_date",
        "date_low", "date_high", "time_precision", "fatalities")}  # fmt: skip
    event_world(store).article("w8", [dict(clash, confidence=0.6, sentence="x")], outlet="Other",
                               published_at="2024-01-22", story_id="st-other")  # fmt: skip
    fuse_pending(store)
    now = store.get_event(ev.event_id)
    assert now.review_status == "rejected" and now.source_count == 2
    assert now.review_flags and "new source(s) since" in now.review_flags[0]
    assert len([e for e in store.iter_events() if e.location == "Quetta"]) == 1


def test_merge_and_split_are_kept_by_later_fusion(store, event_world, baghdad_fields):
    baghdad, basra = event_at(store, "Baghdad"), event_at(store, "Basra")
    done = merge_events(store, [basra.event_id, baghdad.event_id], author="ana", reason="one strike, two places")
    merged = store.get_event(done["event_id"])
    assert sorted(s.article_id for s in merged.sources) == ["w1", "w2", "w3"]
    world = event_world(store)
    world.article("w9", [dict(baghdad_fields, sentence="y")], outlet="Late", published_at="2024-02-12", story_id="st-9")
    fuse_pending(store, refuse=[e.event_id for e in store.iter_events()])
    holding = [e for e in store.iter_events() if {"w1", "w3"} <= {s.article_id for s in e.sources}]
    assert len(holding) == 1
    last = event_history(store, done["event_id"])
    assert any(h["action"] == "merged" and h["author"] == "ana" for h in last)
    # split the Basra report out again: it stays apart through a later pass
    split = split_event(store, holding[0].event_id, ["w3"], author="ben", reason="different day and city")
    assert len(split["new_event_ids"]) == 1
    fuse_pending(store, refuse=[e.event_id for e in store.iter_events()])
    apart = [e for e in store.iter_events() if "w3" in {s.article_id for s in e.sources}]
    assert len(apart) == 1 and {s.article_id for s in apart[0].sources} == {"w3"}
    with pytest.raises(WirewatchError, match="reject it instead"):
        split_event(store, apart[0].event_id, ["w3"], author="ben", reason="r")


def test_withdrawing_a_correction_gives_the_sources_value_back(store):
    ev = event_at(store, "Baghdad")
    done = correct_event(store, ev.event_id, {"fatalities": "5"}, author="ana", reason="r")
    withdraw_correction(store, done["correction_id"], author="ana", reason="the list was wrong")
    now = store.get_event(ev.event_id)
    assert (now.fatalities, now.hand_set) == (3, [])
    assert event_history(store, ev.event_id)[-1]["action"] == "withdrawn"
    with pytest.raises(WirewatchError, match="already withdrawn"):
        withdraw_correction(store, done["correction_id"], author="ana", reason="again")


def test_a_type_may_be_named_by_the_start_of_its_name(store):
    ev = event_at(store, "Quetta")
    correct_event(store, ev.event_id, {"sub_event_type": "shelling"}, author="ana", reason="artillery, not rifles")
    assert store.get_event(ev.event_id).sub_event_type == "Shelling/artillery/missile attack"
    with pytest.raises(WirewatchError, match="sub_event_type 'a': expected one of"):  # several begin with it
        correct_event(store, ev.event_id, {"sub_event_type": "a"}, author="ana", reason="r")
