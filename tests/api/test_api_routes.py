"""REST API on a real SQLite database: every filter, pagination, sort, errors, token, ingest."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from wirewatch.api import create_app
from wirewatch.config import Options
from wirewatch.store import open_store

TOKEN = "s3cret-token"


@pytest.fixture
def client(tmp_path, populated):
    store = populated(open_store(str(tmp_path / "api.db")))
    options = Options()
    options.api.ingest_token = TOKEN
    with TestClient(create_app(store, options)) as c:
        yield c


def _locations(client, **params):
    body = client.get("/events", params=params).json()
    return {e["location"] for e in body["events"]}


def test_health_and_openapi(client):
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["schema_version"] >= 1
    spec = client.get("/openapi.json").json()
    assert {
        "/events",
        "/events/{event_id}",
        "/stories",
        "/articles",
        "/articles/{article_id}",
        "/stats",
    } <= set(spec["paths"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"Baghdad", "Basra", "Quetta", None}),
        ({"since": "2024-02-01"}, {"Baghdad", "Basra", None}),
        ({"until": "2024-01-31"}, {"Quetta"}),
        ({"since": "2024-02-05", "until": "2024-02-09"}, {"Baghdad"}),
        ({"country": "Pakistan"}, {"Quetta", None}),
        ({"country": "irq"}, {"Baghdad", "Basra"}),
        ({"admin1": "Balochistan"}, {"Quetta"}),
        ({"type": "Explosions/Remote violence"}, {"Baghdad", "Basra"}),
        ({"sub_type": "Peaceful protest"}, {None}),
        ({"actor": "pakistan"}, {"Quetta", None}),
        ({"bbox": "44,33,45,34"}, {"Baghdad"}),
        ({"bbox": "40,25,70,35"}, {"Baghdad", "Basra", "Quetta"}),
        ({"min_fatalities": 3}, {"Baghdad", "Quetta"}),
        ({"q": "clashed"}, {"Quetta"}),
        ({"q": "basra"}, {"Basra"}),
    ],
)
def test_every_filter(client, params, expected):
    assert _locations(client, **params) == expected


def test_pagination_and_total(client):
    first = client.get("/events", params={"limit": 2, "offset": 0, "sort": "event_date"}).json()
    second = client.get("/events", params={"limit": 2, "offset": 2, "sort": "event_date"}).json()
    assert first["total"] == second["total"] == 4
    assert len(first["events"]) == len(second["events"]) == 2
    ids = [e["event_id"] for e in first["events"] + second["events"]]
    assert len(set(ids)) == 4
    assert [e["event_date"] for e in first["events"]] == ["2024-01-20", "2024-02-02"]
    assert "sources" not in first["events"][0]


def test_sort_orders(client):
    by_toll = client.get("/events", params={"sort": "-fatalities"}).json()["events"]
    assert [e["fatalities"] for e in by_toll] == [7, 3, 1, 0]
    newest = client.get("/events").json()["events"]  # default: newest first
    assert newest[0]["event_date"] == "2024-02-10"


def test_event_detail_has_sources_spans_and_history(client):
    ev = client.get("/events", params={"country": "Iraq", "min_fatalities": 3}).json()["events"][0]
    detail = client.get(f"/events/{ev['event_id']}").json()
    assert detail["source_count"] == 2 and detail["independent_source_count"] == 1
    assert all("spans" in s and "values" in s for s in detail["sources"])
    assert detail["history"][0]["action"] == "created"


def test_stats_stories_articles(client):
    stats = client.get("/stats").json()
    assert stats["events"] == 4 and stats["fatalities"] == 11
    assert {r["key"]: r["events"] for r in stats["by_country"]} == {"Iraq": 2, "Pakistan": 2}
    assert {r["key"] for r in stats["by_type"]} == {"Battles", "Explosions/Remote violence", "Protests"}
    assert len(stats["by_day"]) == 4
    assert client.get("/stats", params={"country": "Iraq"}).json()["events"] == 2
    assert client.get("/stories").json()["total"] == 0  # the fixture made no stories
    article = client.get("/articles/w1").json()
    assert article["article_id"] == "w1" and len(article["mentions"]) == 1


def test_errors_are_json_with_codes(client):
    missing = client.get("/events/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "W042"
    assert client.get("/articles/nope").json()["error"]["code"] == "W042"
    bad_bbox = client.get("/events", params={"bbox": "1,2,3"})
    assert bad_bbox.status_code == 400 and bad_bbox.json()["error"]["code"] == "W040"
    bad_sort = client.get("/events", params={"sort": "colour"})
    assert bad_sort.status_code == 400 and "colour" in bad_sort.json()["error"]["message"]
    bad_date = client.get("/events", params={"since": "yesterday"})
    assert bad_date.status_code == 422 and bad_date.json()["error"]["code"] == "W040"
    too_many = client.get("/events", params={"limit": 100000})
    assert too_many.status_code == 422
    assert client.get("/no/such/route").json()["error"]["code"] == "W042"


def test_the_routes_that_answer_a_bad_filter_with_400_document_it(client):
    # the reference said 422 for a bad parameter, and /events listed only 200 and 422, while a
    # bad box answered 400
    paths = client.get("/openapi.json").json()["paths"]
    for route in ("/events", "/stats", "/map", "/timeline"):
        bad = client.get(route, params={"bbox": "1,2,x,4"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "W040", route
        assert "400" in paths[route]["get"]["responses"], route


ARTICLE = {
    "url": "https://harbour-gazette.example/2024/03/04/mortar",
    "outlet": "Harbour Gazette",
    "published_at": "2024-03-04T08:00:00Z",
    "title": "Mortar fire kills two near Kismayo market",
    "text": (
        "KISMAYO, March 4 - Two people were killed on Sunday when mortar shells fired by al-Shabaab "
        "militants landed near a busy market in Kismayo, a regional police officer said.\n\n"
        "Residents said the shells struck shortly after morning prayers. Several stalls were destroyed "
        "and four other people were wounded, the officer added."
    ),
}


def test_post_article_needs_the_token(client):
    assert client.post("/articles", json=ARTICLE).status_code == 401
    wrong = client.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "W041"


def test_post_article_runs_the_pipeline(client):
    done = client.post("/articles", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"})
    assert done.status_code == 201, done.text
    body = done.json()
    assert body["new"] is True and body["article_id"]
    stored = client.get(f"/articles/{body['article_id']}").json()
    assert stored["outlet"] == "Harbour Gazette" and "Kismayo" in stored["text"]
    again = client.post("/articles", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert again["new"] is False and again["article_id"] == body["article_id"]
    bad = client.post("/articles", json={"title": "no body"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "W013"


def test_post_is_disabled_without_a_configured_token(tmp_path, populated):
    store = populated(open_store(str(tmp_path / "closed.db")))
    with TestClient(create_app(store, Options())) as c:
        r = c.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer anything"})
    assert r.status_code == 403 and "disabled" in r.json()["error"]["message"]


def test_an_internal_error_is_still_a_json_error(tmp_path, populated, monkeypatch):
    import wirewatch.api.app as api_app

    store = populated(open_store(str(tmp_path / "bug.db")))

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api_app, "event_stats", broken)
    with TestClient(create_app(store, Options()), raise_server_exceptions=False) as c:
        r = c.get("/stats")
    error = r.json()["error"]
    assert r.status_code == 500 and error["code"] == "W090"
    # what went wrong is in the server's log; the client gets a reference, never the details
    assert error["message"].startswith("internal error (a bug: please report it with reference ")
    assert "disk on fire" not in error["message"]


def test_no_pages_that_load_scripts_from_a_cdn(client):
    # FastAPI's /docs and /redoc fetch Swagger and ReDoc from a CDN; the schema itself is served
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["info"]["title"] == "wirewatch"
