"""What the dashboard reads, through the API on SQLite and PostgreSQL: map grid cells, the timeline,
the filters' values, an event's evidence, a story; and the pages' Content-Security-Policy."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from wirewatch.api import create_app
from wirewatch.config import FuseOptions, Options, load_options
from wirewatch.evidence import supporting_sentence
from wirewatch.fuse import fuse_pending
from wirewatch.records import Span, Story, StoryMember
from wirewatch.store import open_store
from wirewatch.web import STATIC

STRIKE_TEXT = (
    "Drone strike in Baghdad\n\nA US drone strike hit a car in eastern Baghdad on Wednesday, killing three "
    "militia officials, police said. Traffic was cut for hours."
)


def _span(field: str, words: str) -> Span:
    start = STRIKE_TEXT.index(words, STRIKE_TEXT.index("A US"))
    return Span(field, start, start + len(words), words)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, populated, event_world, baghdad_fields):
    path = str(tmp_path / "web.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    store = populated(open_store(path))
    # one more report of a strike with the words behind its fields, in a story of two copies
    spans = [_span("trigger", "drone strike"), _span("location", "Baghdad"), _span("date", "on Wednesday"),
             _span("fatalities", "killing three militia officials")]  # fmt: skip
    sentence = STRIKE_TEXT[STRIKE_TEXT.index("A US") : STRIKE_TEXT.index("Traffic") - 1]
    fields = dict(baghdad_fields, event_date="2024-03-06", date_low="2024-03-06", date_high="2024-03-06")
    for article_id, outlet in (("s1", "Wire Service"), ("s2", "City Paper")):
        event_world(store).article(
            article_id, [dict(fields, sentence=sentence, spans=spans)], text=STRIKE_TEXT, outlet=outlet,
            title="Drone strike in Baghdad", published_at="2024-03-06T12:00:00+00:00", story_id="st-strike",
        )  # fmt: skip
    store.save_stories([Story(
        story_id="st-strike", canonical_article_id="s1", agency="Wire", title="Drone strike in Baghdad",
        members=[StoryMember("s1", outlet="Wire Service", similarity=1.0, published_at="2024-03-06T12:00:00+00:00"),
                 StoryMember("s2", outlet="City Paper", similarity=0.93, published_at="2024-03-06T13:00:00+00:00")],
    )])  # fmt: skip
    fuse_pending(store, FuseOptions(), now="2024-03-07T00:00:00+00:00")
    yield store
    store.close()


@pytest.fixture
def client(store):
    with TestClient(create_app(store, Options())) as c:
        yield c


def test_map_clusters_at_low_zoom_and_shows_single_events_when_zoomed_in(client):
    world = client.get("/map", params={"zoom": 0}).json()
    assert world["events"] == 4 and world["unplaced"] == 1  # the protest has no coordinates
    (cluster,) = world["cells"]  # Baghdad, Basra and Quetta share one 90-degree cell
    assert cluster["kind"] == "cluster" and cluster["events"] == 4
    assert cluster["by_type"] == {"Explosions/Remote violence": 3, "Battles": 1}
    assert cluster["fatalities"] == 3 + 1 + 7 + 3
    basra = client.get("/map", params={"zoom": 9, "view": "47,30,48,31"}).json()
    (marker,) = basra["cells"]
    assert marker["kind"] == "event" and (marker["latitude"], marker["longitude"]) == (30.5085, 47.7804)
    assert "Air/drone strike · Basra, Iraq · 1 killed" in marker["summary"]
    # two events on one spot stay one cluster at any zoom, with the box it covers
    (baghdad,) = client.get("/map", params={"zoom": 20, "view": "44,33,45,34"}).json()["cells"]
    assert baghdad["kind"] == "cluster" and baghdad["events"] == 2
    assert baghdad["box"][0] <= 44.4009 <= baghdad["box"][2]


def test_map_and_timeline_take_the_event_filters(client):
    pakistan = client.get("/map", params={"country": "Pakistan", "zoom": 3}).json()
    assert pakistan["events"] == 1 and pakistan["unplaced"] == 1
    timeline = client.get("/timeline").json()
    assert timeline["days"][0] == "2024-01-20" and timeline["days"][-1] == "2024-03-06"
    assert len(timeline["days"]) == 47  # every day in between, for a chart without gaps
    assert sum(sum(counts) for counts in timeline["counts"].values()) == 5
    assert timeline["types"][0] == "Explosions/Remote violence"
    battles = client.get("/timeline", params={"type": "Battles"}).json()
    assert battles["types"] == ["Battles"] and battles["days"] == ["2024-01-20"]


def test_filter_values_and_independent_sources(client):
    facets = client.get("/facets").json()
    assert {(c["country"], c["events"]) for c in facets["countries"]} == {("Iraq", 3), ("Pakistan", 2)}
    assert {"country": "Iraq", "admin1": "Baghdad", "events": 2} in facets["admin1"]
    assert facets["first_date"] == "2024-01-20" and facets["last_date"] == "2024-03-06"
    assert client.get("/events", params={"min_sources": 1}).json()["total"] == 5
    # two copies of one wire story are one independent source
    assert client.get("/events", params={"min_sources": 2}).json()["total"] == 0


def test_bad_map_parameters_are_coded_errors(client):
    body = client.get("/map", params={"zoom": 40}).json()
    assert body["error"]["code"] == "W040"
    response = client.get("/map", params={"view": "200,0,10,10"})
    assert response.status_code == 400 and "bbox" in response.json()["error"]["message"]


def test_event_evidence_highlights_each_field_s_words_and_groups_sources_by_story(client):
    event_id = client.get("/events", params={"since": "2024-03-06"}).json()["events"][0]["event_id"]
    view = client.get(f"/events/{event_id}/evidence").json()
    fields = {f["field"]: f for f in view["fields"]}
    place = fields["location"]["evidence"]
    assert [e["outlet"] for e in place] == ["Wire Service", "City Paper"]
    first = place[0]
    assert first["text"].startswith("A US drone strike") and first["text"].endswith("police said.")
    (mark,) = first["highlights"]
    assert first["text"][mark["start"] : mark["end"]] == "Baghdad"
    assert fields["country"]["evidence"] == place  # filled from the same words
    assert fields["fatalities"]["evidence"][0]["highlights"][0]["text"] == "killing three militia officials"
    assert fields["notes"]["support"] is None and fields["notes"]["evidence"] == []
    (story,) = view["stories"]
    assert story["story_id"] == "st-strike" and story["cited"] == ["s1", "s2"]
    assert [c["canonical"] for c in story["copies"]] == [True, False]
    assert [s["fatalities"] for s in view["fatalities_by_source"]["by_source"]] == [3, 3]
    assert view["history"][0]["action"] == "created"
    assert client.get("/events/nosuch/evidence").json()["error"]["code"] == "W042"


def test_story_page_lists_copies_earliest_first(client):
    story = client.get("/stories/st-strike").json()
    assert [m["outlet"] for m in story["members"]] == ["Wire Service", "City Paper"]
    assert story["members"][0]["canonical"] and story["members"][1]["similarity"] == 0.93
    assert client.get("/stories/nosuch").status_code == 404


def test_supporting_sentence_finds_words_that_moved():
    text = "First line.\nThe army shelled Kharkiv on Monday. Later news."
    moved = Span("location", 3, 10, "Kharkiv")  # offsets of an older cleaning of the text
    found = supporting_sentence(text, [moved])
    assert found["text"] == "The army shelled Kharkiv on Monday."
    assert found["highlights"] == [{"start": 17, "end": 24, "text": "Kharkiv"}]
    assert supporting_sentence(text, [Span("location", 0, 4, "Aleppo")]) is None


def test_pages_send_a_csp_without_inline_scripts_or_outside_origins(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "http" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    for path in ("/event/abc", "/article/abc", "/story/abc", "/static/app.js", "/static/style.css"):
        response = client.get(path)
        assert response.status_code == 200 and "content-security-policy" in response.headers, path
    assert "content-security-policy" not in client.get("/events").headers  # API answers are left alone


def test_a_configured_tile_server_is_the_only_outside_origin_allowed(store):
    options = load_options(overrides={"web": {"tile_url": "https://{s}.tiles.example.org/{z}/{x}/{y}.png"}})
    with TestClient(create_app(store, options)) as c:
        csp = c.get("/").headers["content-security-policy"]
        assert "img-src 'self' data: https://*.tiles.example.org;" in csp
        assert c.get("/dashboard/settings").json()["tile_url"].startswith("https://{s}.tiles")


def test_the_pages_have_no_inline_script_and_never_write_html():
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert all('src="/static/' in tag for tag in re.findall(r"<script[^>]*>", html))
    assert " style=" not in html and "<style" not in html
    for module in STATIC.glob("*.js"):
        code = module.read_text(encoding="utf-8")
        for sink in (
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
        ):
            assert sink not in code, f"{module.name} uses {sink}"
