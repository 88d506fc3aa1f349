"""Metrics of `wirewatch eval` on small hand-made gold/prediction pairs (no NLP involved)."""

from __future__ import annotations

import pytest

from wirewatch.evaluate.gold import parse_gold
from wirewatch.evaluate.metrics import (
    Prediction,
    gold_key_for,
    haversine_km,
    predictions_from_records,
    score,
)
from wirewatch.records import Event, EventMention, Span

ART = "a01_wire_baghdad.txt"
ART2 = "a02_site_copy.txt"


def gold_doc(**overrides):
    event = {
        "key": "baghdad-strike",
        "sources": [ART],
        "event_type": "Explosions/Remote violence",
        "sub_event_type": {"any_of": ["Air/drone strike"]},
        "actor1": {"any_of": ["Military Forces of the United States", "US"]},
        "actor2": {"any_of": ["Kata'ib Hezbollah"]},
        "country": "Iraq",
        "admin1": "Baghdad",
        "location": {"any_of": ["Baghdad", "eastern Baghdad"]},
        "latitude": {"low": 33.0, "high": 33.7},
        "longitude": {"low": 44.0, "high": 44.8},
        "event_date": {"any_of": ["2024-02-07", "2024-02-08"]},
        "fatalities": {"low": 3, "high": 3},
    }
    event.update(overrides)
    return {
        "articles": {ART: {}, ART2: {}},
        "events": [event],
        "not_events": [
            {
                "text": "have fired on coalition outposts over 90 times since March 3",
                "why": "aggregate",
                "sources": [ART],
            }
        ],
        "optional_events": [
            {
                "text": "paused its raids on government convoys",
                "event_type": "Strategic developments",
            }
        ],
    }


def right_values(**overrides):
    values = {
        "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
        "actor1": "Military Forces of the United States (2021-)", "actor2": "Kataib Hezbollah",
        "country": "Iraq", "admin1": "Baghdad", "location": "Baghdad",
        "latitude": 33.34, "longitude": 44.4, "event_date": "2024-02-07", "fatalities": 3,
    }  # fmt: skip
    values.update(overrides)
    return values


def pred(pid="p1", articles=(ART,), sentence="A US drone strike killed three in eastern Baghdad.", **values):
    return Prediction(pid, right_values(**values), list(articles), [sentence])


def test_perfect_prediction_scores_one_everywhere():
    report = score(parse_gold(gold_doc()), [pred()])
    assert report.matched == 1 and report.extra_events == 0
    for row in report.fields:
        assert (row.tp, row.fp, row.fn) == (1, 0, 0), row.field
        assert row.f1 == 1.0


def test_wrong_value_is_a_false_positive_and_a_false_negative():
    report = score(
        parse_gold(gold_doc()), [pred(sub_event_type="Shelling/artillery/missile attack", fatalities=5)]
    )
    sub = report.field("sub_event_type")
    assert (sub.tp, sub.fp, sub.fn) == (0, 1, 1)
    fat = report.field("fatalities")
    assert (fat.tp, fat.fp, fat.fn) == (0, 1, 1)
    assert report.field("event_type").f1 == 1.0


def test_missing_value_is_a_false_negative_only():
    report = score(parse_gold(gold_doc()), [pred(actor2=None)])
    a2 = report.field("actor2")
    assert (a2.tp, a2.fp, a2.fn) == (0, 0, 1)
    assert a2.precision == 0.0 and a2.recall == 0.0


def test_unmatched_required_gold_event_is_missed_in_every_field():
    report = score(parse_gold(gold_doc()), [])
    assert report.field("found").fn == 1
    assert report.field("location").fn == 1
    assert report.matched == 0


def test_prediction_from_another_article_is_not_a_candidate():
    other = pred(articles=(ART2,), sentence="Unrelated sentence about a strike in Baghdad.")
    report = score(parse_gold(gold_doc()), [other])
    assert report.matched == 0
    assert report.extra_events == 1
    assert report.field("found").fp == 1


def test_location_within_25_km_of_the_gold_box_counts():
    near = pred(latitude=33.85, longitude=44.4)  # ~17 km north of the box edge at 33.7
    far = pred(latitude=34.2, longitude=44.4)  # ~55 km north
    assert score(parse_gold(gold_doc()), [near]).field("location").tp == 1
    assert score(parse_gold(gold_doc()), [far]).field("location").fp == 1


def test_location_name_is_used_when_coordinates_are_missing():
    named = pred(latitude=None, longitude=None, location="Eastern Baghdad")
    assert score(parse_gold(gold_doc()), [named]).field("location").tp == 1
    wrong = pred(latitude=None, longitude=None, location="Basra")
    assert score(parse_gold(gold_doc()), [wrong]).field("location").fp == 1


def test_date_window_and_any_of():
    doc = gold_doc(event_date={"low": "2024-01-29", "high": "2024-02-04"})
    assert score(parse_gold(doc), [pred(event_date="2024-02-01")]).field("event_date").tp == 1
    assert score(parse_gold(doc), [pred(event_date="2024-02-05")]).field("event_date").fp == 1
    assert score(parse_gold(gold_doc()), [pred(event_date="2024-02-08T10:00:00")]).field("event_date").tp == 1


def test_null_fatalities_accept_zero_or_none():
    doc = gold_doc(fatalities=None)
    assert score(parse_gold(doc), [pred(fatalities=None)]).field("fatalities").tp == 1
    assert score(parse_gold(doc), [pred(fatalities=0)]).field("fatalities").tp == 1
    assert score(parse_gold(doc), [pred(fatalities=85)]).field("fatalities").fp == 1


def test_fatalities_range():
    doc = gold_doc(fatalities={"low": 12, "high": 15})
    assert score(parse_gold(doc), [pred(fatalities=12)]).field("fatalities").tp == 1
    assert score(parse_gold(doc), [pred(fatalities=16)]).field("fatalities").fp == 1


def test_country_by_name_or_code():
    doc = gold_doc(country="Palestine")
    assert score(parse_gold(doc), [pred(country="Palestine, State of")]).field("country").tp == 1
    assert score(parse_gold(doc), [pred(country=None, iso3="PSE")]).field("country").tp == 1
    assert score(parse_gold(doc), [pred(country="Israel")]).field("country").fp == 1


def test_admin1_ignores_unit_words_and_articles():
    doc = gold_doc(admin1={"any_of": ["Anbar"]})
    assert score(parse_gold(doc), [pred(admin1="Al Anbar Governorate")]).field("admin1").tp == 1


def test_battle_actors_may_be_either_way_round():
    doc = gold_doc(event_type="Battles", sub_event_type="Armed clash",
                   actor1={"any_of": ["Syrian Democratic Forces"]}, actor2={"any_of": ["Islamic State"]})  # fmt: skip
    p = pred(event_type="Battles", sub_event_type="Armed clash", actor1="Islamic State (Syria)", actor2="SDF")
    doc["events"][0]["actor2"] = {"any_of": ["Islamic State"]}
    doc["events"][0]["actor1"] = {"any_of": ["Syrian Democratic Forces", "SDF"]}
    report = score(parse_gold(doc), [p])
    assert report.field("actor1").tp == 1 and report.field("actor2").tp == 1


def test_actor_order_matters_outside_battles():
    p = pred(actor1="Kataib Hezbollah", actor2="Military Forces of the United States")
    report = score(parse_gold(gold_doc()), [p])
    assert report.field("actor1").fp == 1 and report.field("actor2").fp == 1


def test_greedy_assignment_is_one_to_one_and_best_first():
    doc = gold_doc()
    second = dict(doc["events"][0], key="jordan-attack", country="Jordan", admin1=None,
                  location={"any_of": ["Tower 22"]}, latitude={"low": 33.2, "high": 33.4},
                  longitude={"low": 38.6, "high": 38.8}, fatalities={"low": 3, "high": 3},
                  event_date={"low": "2024-01-20", "high": "2024-01-31"})  # fmt: skip
    second.pop("admin1")
    doc["events"].append(second)
    jordan = pred("pj", country="Jordan", location="Tower 22", latitude=33.3, longitude=38.7,
                  event_date="2024-01-28", admin1=None)  # fmt: skip
    baghdad = pred("pb")
    report = score(parse_gold(doc), [jordan, baghdad])
    by_key = {e["key"]: e["prediction"] for e in report.events}
    assert by_key == {"baghdad-strike": "pb", "jordan-attack": "pj"}
    assert report.field("found").tp == 2


def test_duplicate_predictions_leave_one_extra():
    report = score(parse_gold(gold_doc()), [pred("p1"), pred("p2")])
    assert report.matched == 1 and report.extra_events == 1
    assert report.field("found").precision == 0.5


def test_optional_gold_event_counts_only_when_found():
    doc = gold_doc(required=False)
    missed = score(parse_gold(doc), [])
    assert missed.field("found").fn == 0 and missed.field("found").tp == 0
    found = score(parse_gold(doc), [pred()])
    assert found.field("found").tp == 1


def test_prediction_coding_a_not_event_is_an_extra_and_is_listed():
    aggregate = pred(
        "pagg", sentence="Armed factions have fired on coalition outposts over 90 times since March 3.",
        event_type="Battles", sub_event_type="Armed clash", actor1="Islamic Resistance in Iraq", actor2=None,
        location="Syria", latitude=None, longitude=None, event_date="2024-03-03", fatalities=90, admin1=None,
    )  # fmt: skip
    report = score(parse_gold(gold_doc()), [pred(), aggregate])
    assert report.not_events_coded == 1
    assert report.not_event_hits[0].prediction == "pagg"
    assert report.extra_events == 1


def test_prediction_coding_an_optional_event_is_neutral():
    change = pred(
        "popt", sentence="The militia paused its raids on government convoys in Iraq.",
        event_type="Strategic developments", sub_event_type="Change to group/activity", actor1="Kataib Hezbollah",
        actor2=None, fatalities=None, event_date="2024-01-30", latitude=None, longitude=None, location=None,
    )  # fmt: skip
    report = score(parse_gold(gold_doc()), [pred(), change])
    assert report.extra_events == 0 and report.optional_events_coded == 1
    assert report.field("found").precision == 1.0


def test_predictions_outside_the_gold_articles_are_ignored():
    stray = pred("ps", articles=("unrelated.txt",))
    report = score(parse_gold(gold_doc()), [pred(), stray])
    assert report.predicted_events == 1 and report.extra_events == 0


def test_gold_key_for_matches_file_names_at_a_path_boundary():
    keys = {ART, "me01.txt"}
    assert gold_key_for(f"/data/devset/articles/{ART}", keys) == ART
    assert gold_key_for("C:\\news\\me01.txt", keys) == "me01.txt"
    assert gold_key_for("/data/xme01.txt", keys) is None
    assert gold_key_for(None, keys) is None


def test_predictions_from_events_and_from_mentions():
    mention = EventMention(mention_id="m1", article_id="aid1", sentence="A strike hit Baghdad.",
                           event_type="Explosions/Remote violence", spans=[Span("trigger", 2, 8, "strike")])  # fmt: skip
    event = Event(event_id="e1", event_type="Explosions/Remote violence", country="Iraq",
                  sources=[{"article_id": "aid1", "mention_id": "m1"}, {"article_id": "aid2", "mention_id": "m2"}])  # fmt: skip
    sources = {"aid1": f"/x/{ART}", "aid2": f"https://site.example/{ART2}"}
    from_events = predictions_from_records([event], [mention], sources, {ART, ART2})
    assert len(from_events) == 1
    assert from_events[0].articles == [ART, ART2]
    assert from_events[0].sentences == ["A strike hit Baghdad."]
    assert from_events[0].span_texts == ["strike"]
    from_mentions = predictions_from_records([], [mention], sources, {ART, ART2})
    assert [(p.pred_id, p.articles) for p in from_mentions] == [("m1", [ART])]


def test_haversine_km():
    assert haversine_km(33.34, 44.40, 33.34, 44.40) == 0
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.2, abs=0.2)


def test_report_rows_and_dict():
    report = score(parse_gold(gold_doc()), [pred()])
    rows = report.rows()
    assert rows[0]["field"] == "event found" and rows[0]["f1"] == 1.0
    assert rows[-2]["key"] == "not_events_coded" and rows[-1]["key"] == "extra_events"
    d = report.to_dict()
    assert d["fields"][0]["field"] == "found" and d["matched"] == 1
    assert report.f1()["location"] == 1.0


def test_story_pairs_count_same_story_article_pairs():
    from wirewatch.evaluate.metrics import story_pairs

    doc = gold_doc()
    doc["articles"]["a03.txt"] = {}
    doc["stories"] = [{"members": [ART, ART2]}, {"members": ["a03.txt"]}]
    gold = parse_gold(doc)
    right = story_pairs(gold, {ART: "s1", ART2: "s1", "a03.txt": "s2"})
    assert (right.tp, right.fp, right.fn) == (1, 0, 0)
    split = story_pairs(gold, {ART: "s1", ART2: "s2", "a03.txt": "s3"})
    assert (split.tp, split.fp, split.fn) == (0, 0, 1)
    lumped = story_pairs(gold, {ART: "s1", ART2: "s1", "a03.txt": "s1"})
    assert (lumped.tp, lumped.fp, lumped.fn) == (1, 2, 0)
    assert story_pairs(parse_gold(gold_doc()), {ART: "s1"}) is None


def test_fields_the_gold_never_scores_are_shown_as_dashes_and_not_pinned():
    doc = gold_doc()
    del doc["events"][0]["admin1"]
    report = score(parse_gold(doc), [pred(admin1=None)])
    assert "admin1" not in report.f1()
    row = next(r for r in report.table_rows() if r["key"] == "admin1")
    assert row["f1"] == "-"
