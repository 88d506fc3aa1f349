"""Fusion rules on a real SQLite store: mentions in, events with sources and history out."""

from __future__ import annotations

import sqlalchemy as sa

from wirewatch.config import FuseOptions
from wirewatch.fuse import fuse_pending
from wirewatch.fuse.notes import generate_note
from wirewatch.records import Event
from wirewatch.store import open_store
from wirewatch.store import schema as s
from wirewatch.store.events_query import event_history

NOW = "2024-03-01T00:00:00+00:00"


def _store(tmp_path, name="w.db"):
    return open_store(str(tmp_path / name))


def _events(store):
    return sorted(store.iter_events(), key=lambda e: (e.first_reported_at or "", e.event_id))


def _wire_pair(world, base):
    """Two outlets running one agency story (same story_id) and a third outlet's own report."""
    world.article(
        "a1", [dict(base, sentence="A US drone strike hit a car in eastern Baghdad, killing three militia officials.")],
        outlet="Daily Ledger", url="https://ledger.example/a1", published_at="2024-02-08T09:15:00+05:30", story_id="st-wire",
    )  # fmt: skip
    world.article(
        "a2", [dict(base, sentence="A US drone strike hit a car in eastern Baghdad, killing three militia officials.")],
        outlet="Morning Post", url="https://post.example/a2", published_at="2024-02-08T11:00:00+05:30", story_id="st-wire",
    )  # fmt: skip
    world.article(
        "a3", [dict(base, fatalities=5, sentence="Five members of the group died when an American aircraft struck their vehicle in Baghdad.")],
        outlet="Gulf Observer", published_at="2024-02-08T20:00:00+03:00", story_id="st-own",
    )  # fmt: skip


def test_same_event_in_different_words_is_one_event(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    _wire_pair(event_world(store), baghdad_fields)
    result = fuse_pending(store, FuseOptions(), now=NOW)
    events = _events(store)
    assert len(events) == 1 and result.events_created == 1 and result.mentions_fused == 3
    ev = events[0]
    assert ev.source_count == 3
    assert ev.independent_source_count == 2  # two outlets ran one wire story: it counts once
    assert ev.first_reported_at == "2024-02-08T09:15:00+05:30"
    assert {src["outlet"] for src in ev.sources} == {"Daily Ledger", "Morning Post", "Gulf Observer"}
    # each mention now points at its event
    assert {m.event_id for m in store.iter_mentions()} == {ev.event_id}


def test_disagreeing_tolls_keep_the_conservative_figure_and_the_range(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    _wire_pair(event_world(store), baghdad_fields)
    fuse_pending(store, FuseOptions(), now=NOW)
    ev = _events(store)[0]
    assert (ev.fatalities, ev.fatalities_low, ev.fatalities_high) == (3, 3, 5)
    per_source = sorted(src["values"]["fatalities"] for src in ev.sources)
    assert per_source == [3, 3, 5]  # the disagreement stays visible
    assert "killing 3 (reports range from 3 to 5)" in ev.notes


def test_confidence_rises_with_independent_corroboration(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    world = event_world(store)
    world.article("b1", [dict(baghdad_fields)], published_at="2024-02-08", story_id="s1")
    fuse_pending(store, FuseOptions(), now=NOW)
    single = _events(store)[0].confidence
    world.article("b2", [dict(baghdad_fields)], published_at="2024-02-08", story_id="s1")
    fuse_pending(store, FuseOptions(), now=NOW)
    same_story = _events(store)[0].confidence
    world.article("b3", [dict(baghdad_fields)], published_at="2024-02-09", story_id="s2")
    fuse_pending(store, FuseOptions(), now=NOW)
    two_stories = _events(store)[0].confidence
    assert single == same_story == 0.7
    assert two_stories > same_story and two_stories <= 0.99


def test_same_topic_different_events_stay_apart(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    world = event_world(store)
    world.article("c1", [dict(baghdad_fields)], published_at="2024-02-08", story_id="s1")
    # same kind of strike in Basra (about 450 km away) the same day
    basra = dict(
        baghdad_fields, admin1="Basra", location="Basra", latitude=30.5085, longitude=47.7804, geonameid=99532
    )
    world.article("c2", [basra], published_at="2024-02-08", story_id="s2")
    # same place a week later
    later = dict(baghdad_fields, event_date="2024-02-14", date_low="2024-02-14", date_high="2024-02-14")
    world.article("c3", [later], published_at="2024-02-15", story_id="s3")
    # same place and day, but a protest, not a strike
    protest = dict(baghdad_fields, event_type="Protests", sub_event_type="Peaceful protest", actor1="Protesters (Iraq)",
                   actor2=None, fatalities=0)  # fmt: skip
    world.article("c4", [protest], published_at="2024-02-08", story_id="s4")
    fuse_pending(store, FuseOptions(), now=NOW)
    assert len(_events(store)) == 4


def test_two_events_in_one_article_stay_apart(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    vaguer = dict(baghdad_fields, location="Iraq", admin1=None, geo_precision=3, event_date="2024-02-03",
                  date_low="2024-01-29", date_high="2024-02-04", time_precision=2, fatalities=None)  # fmt: skip
    event_world(store).article("d1", [dict(baghdad_fields), vaguer], published_at="2024-02-08", story_id="s1")
    fuse_pending(store, FuseOptions(), now=NOW)
    assert len(_events(store)) == 2


def test_rerun_is_stable_and_ids_do_not_depend_on_the_database(tmp_path, event_world, baghdad_fields):
    first = _store(tmp_path, "one.db")
    _wire_pair(event_world(first), baghdad_fields)
    fuse_pending(first, FuseOptions(), now=NOW)
    before = [e.to_dict() for e in _events(first)]
    again = fuse_pending(first, FuseOptions(), now="2030-01-01T00:00:00+00:00")
    assert again.events_touched == 0
    assert [e.to_dict() for e in _events(first)] == before
    second = _store(tmp_path, "two.db")
    _wire_pair(event_world(second), baghdad_fields)
    fuse_pending(second, FuseOptions(), now=NOW)
    assert [e.event_id for e in _events(second)] == [e["event_id"] for e in before]


def test_new_source_updates_the_event_and_history_records_it(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    world = event_world(store)
    world.article("e1", [dict(baghdad_fields, fatalities=4)], published_at="2024-02-08", story_id="s1")
    fuse_pending(store, FuseOptions(), now=NOW)
    ev_id = _events(store)[0].event_id
    world.article("e2", [dict(baghdad_fields, fatalities=3)], published_at="2024-02-09", story_id="s2")
    result = fuse_pending(store, FuseOptions(), now="2024-03-02T00:00:00+00:00")
    assert result.events_updated == 1 and result.events_created == 0
    ev = store.get_event(ev_id)
    assert ev is not None and ev.fatalities == 3 and ev.source_count == 2
    assert ev.updated_at == "2024-03-02T00:00:00+00:00"
    hist = event_history(store, ev_id)
    assert [h["action"] for h in hist] == ["created", "updated"]
    assert hist[1]["cause_article_id"] == "e2"
    assert hist[1]["changes"]["fatalities"] == [4, 3]
    assert hist[1]["changes"]["source_count"] == [1, 2]


def _bridge_world(world, base):
    # Two reports that could be one event (compatible: same district, same days, near sub-types)
    # but agree too little to link (a drone strike in Karrada; shelling somewhere in Baghdad,
    # no actors named); a later third report links strongly to both.
    world.article("f1", [dict(base, location="Karrada", latitude=33.31, longitude=44.42, geonameid=None, event_date="2024-02-05",
                              date_low="2024-02-05", date_high="2024-02-05", sentence="A drone hit a car in Karrada.")],
                  published_at="2024-02-05", story_id="s1")  # fmt: skip
    world.article("f2", [dict(base, sub_event_type="Shelling/artillery/missile attack", location=None, latitude=None, geonameid=None,
                              longitude=None, geo_precision=2, actor1=None, actor2=None, fatalities=None,
                              event_date="2024-02-05", date_low="2024-02-05", date_high="2024-02-06",
                              sentence="Shells fell on the capital overnight.")],
                  published_at="2024-02-06", story_id="s2")  # fmt: skip


def _bridge(base):
    return dict(base, sub_event_type="Shelling/artillery/missile attack", location="Karrada", latitude=33.31,
                longitude=44.42, actor1=None, actor2=None, fatalities=None, event_date="2024-02-05",
                date_low="2024-02-05", date_high="2024-02-05", sentence="Rockets struck Karrada on Monday night.")  # fmt: skip


def test_a_bridging_mention_merges_two_events_keeping_the_older_id(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    world = event_world(store)
    _bridge_world(world, baghdad_fields)
    fuse_pending(store, FuseOptions(), now=NOW)
    older, newer = _events(store)
    world.article("f3", [_bridge(baghdad_fields)], published_at="2024-02-09", story_id="s3")
    result = fuse_pending(store, FuseOptions(), now="2024-03-02T00:00:00+00:00")
    assert result.events_merged == 1
    events = _events(store)
    assert [e.event_id for e in events] == [older.event_id]
    assert events[0].source_count == 3
    assert store.get_event(newer.event_id) is None
    kept = event_history(store, older.event_id)
    assert kept[-1]["action"] == "merged" and kept[-1]["changes"]["merged"] == [[], [newer.event_id]]
    gone = event_history(store, newer.event_id)
    assert gone[-1]["action"] == "merged" and gone[-1]["changes"]["merged_into"] == [
        newer.event_id,
        older.event_id,
    ]


def test_a_chain_of_near_reports_never_joins_two_days_apart(tmp_path, event_world, baghdad_fields):
    # two strikes on one place three days apart, and a week-wide report that fits both: it joins
    # one of them (its best), never both, since they are two events by the date rule
    store = _store(tmp_path)
    world = event_world(store)
    for aid, day in (("h1", "2024-02-05"), ("h2", "2024-02-08")):
        world.article(aid, [dict(baghdad_fields, event_date=day, date_low=day, date_high=day)],
                      published_at=day, story_id="s" + aid)  # fmt: skip
    week = dict(
        baghdad_fields,
        event_date="2024-02-06",
        date_low="2024-02-05",
        date_high="2024-02-08",
        time_precision=2,
    )
    world.article("h3", [week], published_at="2024-02-09", story_id="sh3")
    fuse_pending(store, FuseOptions(), now=NOW)
    assert sorted(e.source_count for e in _events(store)) == [1, 2]


def test_places_in_two_provinces_or_far_apart_never_fuse(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    world = event_world(store)
    world.article("p1", [dict(baghdad_fields)], published_at="2024-02-08", story_id="sp1")
    hilla = dict(baghdad_fields, admin1="Babil", location="Hilla", latitude=32.48, longitude=44.43)
    world.article("p2", [hilla], published_at="2024-02-08", story_id="sp2")
    taji = dict(baghdad_fields, location="Taji", latitude=33.52, longitude=44.27)  # Baghdad province, ~24 km
    falluja_road = dict(baghdad_fields, location="Abu Ghraib", latitude=33.29, longitude=44.06)  # ~32 km
    world.article("p3", [taji], published_at="2024-02-08", story_id="sp3")
    world.article("p4", [falluja_road], published_at="2024-02-08", story_id="sp4")
    fuse_pending(store, FuseOptions(), now=NOW)
    by_place = {e.location: e.source_count for e in _events(store)}
    assert by_place["Hilla"] == 1 and by_place["Abu Ghraib"] == 1


def test_a_town_named_like_its_province_does_not_contain_the_provinces_far_towns(
    tmp_path, event_world, baghdad_fields
):
    """'Rio de Janeiro' the city is not 'Rio de Janeiro' the state: a town of the state 30 km
    away is another place; the state itself (a coarse place) still contains it."""
    store = _store(tmp_path)
    world = event_world(store)
    city = dict(baghdad_fields, location="Baghdad", admin1="Baghdad", geo_precision=1)
    far_town = dict(baghdad_fields, location="Mahmudiya", admin1="Baghdad", geo_precision=1, geonameid=None,
                    latitude=33.06, longitude=44.36)  # ~30 km south of the city's point  # fmt: skip
    near_town = dict(far_town, location="Kadhimiya", latitude=33.38, longitude=44.34)  # ~6 km
    world.article("q1", [city], published_at="2024-02-08", story_id="sq1")
    world.article("q2", [far_town], published_at="2024-02-08", story_id="sq2")
    world.article("q3", [near_town], published_at="2024-02-08", story_id="sq3")
    fuse_pending(store, FuseOptions(), now=NOW)
    by_place = {e.location: e.source_count for e in _events(store)}
    assert by_place["Mahmudiya"] == 1 and sum(by_place.values()) == 3 and len(by_place) == 2


def test_re_extraction_that_drops_the_bridge_splits_the_event(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    world = event_world(store)
    _bridge_world(world, baghdad_fields)
    bridge = _bridge(baghdad_fields)
    world.article("f3", [bridge], published_at="2024-02-09", story_id="s3")
    fuse_pending(store, FuseOptions(), now=NOW)
    (merged,) = _events(store)
    # the extractor now reads f3 as a report of something else (a protest)
    world.store.replace_mentions("f3", [], "test-extractor-2")
    world.article(
        "f3",
        [
            dict(
                bridge,
                event_type="Protests",
                sub_event_type="Peaceful protest",
                actor1="Protesters (Iraq)",
                actor2=None,
            )
        ],
    )
    result = fuse_pending(store, FuseOptions(), now="2024-03-02T00:00:00+00:00")
    events = _events(store)
    assert len(events) == 3 and result.events_split == 2  # f2 and the re-read f3 leave the merged event
    assert merged.event_id in {e.event_id for e in events}  # the earliest part keeps the id
    actions = [h["action"] for h in event_history(store, merged.event_id)]
    assert actions[0] == "created" and "split" in actions


def test_history_rows_are_in_the_event_history_table(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    event_world(store).article("g1", [dict(baghdad_fields)], published_at="2024-02-08")
    fuse_pending(store, FuseOptions(), now=NOW)
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(s.event_history)).all()
    assert len(rows) == 1 and rows[0].action == "created" and rows[0].revision == 1 and rows[0].at == NOW


def test_notes_read_like_acled():
    ev = Event(event_id="x", event_date="2024-02-07", date_low="2024-02-07", date_high="2024-02-07", time_precision=1,
               event_type="Explosions/Remote violence", sub_event_type="Air/drone strike",
               actor1="Military Forces of the United States", actor2="Kata'ib Hezbollah", country="Iraq",
               admin1="Baghdad", location="Baghdad", geo_precision=1, fatalities=3)  # fmt: skip
    assert generate_note(ev) == (
        "On 7 February 2024, Military Forces of the United States conducted an air/drone strike on "
        "Kata'ib Hezbollah in Baghdad (Baghdad, Iraq), killing 3."
    )
    week = Event(event_id="y", event_date="2024-02-03", date_low="2024-01-29", date_high="2024-02-04", time_precision=2,
                 event_type="Protests", sub_event_type="Peaceful protest", country="Pakistan", location="Pakistan")  # fmt: skip
    assert (
        generate_note(week)
        == "Between 29 January and 4 February 2024, Protesters held a peaceful protest in Pakistan."
    )
    month = Event(event_id="z", event_date="2024-01-15", time_precision=3, event_type="Battles",
                  sub_event_type="Armed clash", actor1="Military Forces of Pakistan", actor2="Balochistan Liberation Army",
                  country="Pakistan", admin1="Balochistan", location="Balochistan", geo_precision=3, fatalities=0)  # fmt: skip
    assert generate_note(month) == (
        "In January 2024, Military Forces of Pakistan clashed with Balochistan Liberation Army "
        "in Balochistan (Pakistan), with no reported fatalities."
    )


def test_re_extraction_that_changes_nothing_keeps_ids_and_history(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    world = event_world(store)
    _wire_pair(world, baghdad_fields)
    fuse_pending(store, FuseOptions(), now=NOW)
    before = [e.to_dict() for e in _events(store)]
    # a new extractor version re-reads every article and finds the same mentions (same ids, no event yet)
    for article_id in ("a1", "a2", "a3"):
        mentions = list(store.iter_mentions(article_id=article_id))
        for m in mentions:
            m.event_id = None
        store.replace_mentions(article_id, mentions, "test-extractor-2")
    result = fuse_pending(store, FuseOptions(), now="2030-01-01T00:00:00+00:00")
    assert result.mentions_fused == 3 and result.events_touched == 0
    assert [e.to_dict() for e in _events(store)] == before
    assert {m.event_id for m in store.iter_mentions()} == {before[0]["event_id"]}
    assert [h["action"] for h in event_history(store, before[0]["event_id"])] == ["created"]


def test_two_reports_that_each_give_their_own_date_are_two_days(tmp_path, event_world, baghdad_fields):
    store = _store(tmp_path)
    world = event_world(store)
    for aid, day, words in (("d1", "2024-02-05", "on 5 February"), ("d2", "2024-02-06", "on 6 February")):
        world.article(aid, [dict(baghdad_fields, event_date=day, date_low=day, date_high=day, date_expression=words)],
                      published_at=day, story_id="s" + aid)  # fmt: skip
    # a report dated only by a weekday may be a day off: it still joins its neighbour
    world.article("d3", [dict(baghdad_fields, event_date="2024-02-06", date_low="2024-02-06", date_high="2024-02-06",
                              date_expression="on Tuesday")], published_at="2024-02-07", story_id="sd3")  # fmt: skip
    fuse_pending(store, FuseOptions(), now=NOW)
    assert sorted(e.source_count for e in _events(store)) == [1, 2]


def test_a_small_place_beside_a_city_is_part_of_it_but_two_towns_are_two(
    tmp_path, event_world, baghdad_fields
):
    store = _store(tmp_path)
    world = event_world(store)
    goma = dict(baghdad_fields, iso3="COD", country="Democratic Republic of Congo", admin1="Nord-Kivu", geonameid=None,
                location="Goma", latitude=-1.6792, longitude=29.2228)  # fmt: skip
    world.article("g1", [goma], published_at="2024-02-08", story_id="sg1")
    # a camp the gazetteer lacks, a few km from the city: the same event told from closer in
    world.article("g2", [dict(goma, location="Mugunga", latitude=-1.62, longitude=29.16)],
                  published_at="2024-02-08", story_id="sg2")  # fmt: skip
    # another town of the province over 20 km away: another event
    world.article("g3", [dict(goma, location="Sake", latitude=-1.573, longitude=29.045)],
                  published_at="2024-02-08", story_id="sg3")  # fmt: skip
    fuse_pending(store, FuseOptions(), now=NOW)
    by_place = {e.location: e.source_count for e in _events(store)}
    assert by_place == {"Goma": 2, "Sake": 1}


def test_copies_of_one_story_are_one_vote_when_sources_disagree(tmp_path, event_world, baghdad_fields):
    # two newsrooms report a drone strike; one wire story, republished three times, calls it
    # shelling: three copies are still one source, so they cannot flip the type
    store = _store(tmp_path)
    world = event_world(store)
    for aid in ("own1", "own2"):
        world.article(aid, [dict(baghdad_fields)], published_at="2024-02-08", story_id="s" + aid)
    shelling = dict(baghdad_fields, sub_event_type="Shelling/artillery/missile attack")
    for aid in ("wire1", "wire2", "wire3"):
        world.article(aid, [shelling], published_at="2024-02-08", story_id="s-wire")
    fuse_pending(store, FuseOptions(), now=NOW)
    (event,) = _events(store)
    assert event.sub_event_type == "Air/drone strike" and event.independent_source_count == 3
    assert event.source_count == 5


def test_in_a_city_of_millions_two_unattributed_killings_on_one_day_stay_two_events(
    tmp_path, event_world, baghdad_fields
):
    """Same city, day and type say little where many killings happen a day: without a named actor
    in common or much the same words, two stories' reports stay apart; a named actor joins them."""
    store = _store(tmp_path)
    world = event_world(store)
    killing = dict(baghdad_fields, event_type="Violence against civilians", sub_event_type="Attack",
                   actor1="Unidentified Armed Group (Iraq)", inter1=3, actor2="Civilians (Iraq)", inter2=7,
                   fatalities=1)  # fmt: skip
    world.article("k1", [dict(killing, sentence="A shopkeeper was shot dead outside his store in Baghdad.")],
                  published_at="2024-02-08", story_id="sk1")  # fmt: skip
    world.article("k2", [dict(killing, sentence="Gunmen killed a taxi driver at a fuel station in Baghdad.")],
                  published_at="2024-02-08", story_id="sk2")  # fmt: skip
    named = dict(killing, actor1="Kata'ib Hezbollah", inter1=3)
    world.article("k3", [dict(named, sentence="Kata'ib Hezbollah gunmen shot a judge in Baghdad.")],
                  published_at="2024-02-08", story_id="sk3")  # fmt: skip
    world.article("k4", [dict(named, sentence="A judge was shot by Kata'ib Hezbollah in Baghdad.")],
                  published_at="2024-02-08", story_id="sk4")  # fmt: skip
    fuse_pending(store, FuseOptions(), now=NOW)
    assert sorted(e.source_count for e in _events(store)) == [1, 1, 2]
