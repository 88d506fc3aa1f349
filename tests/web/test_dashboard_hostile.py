"""The dashboard's routes against a hostile client (issue 14): every bad parameter is a coded 4xx,
one request's work is bounded however many events, sources or copies there are (the caps say what
they left out), and a server with a read token still loads its pages, which ask for the token.
SQLite and PostgreSQL; the token form also in headless Chromium."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from wirewatch import aggregate, errors, evidence
from wirewatch.api import create_app
from wirewatch.config import Options
from wirewatch.records import Story, StoryMember
from wirewatch.store import open_store

READ = "read-token"


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path, populated):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "dash.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    st = populated(open_store(db))
    st.save_stories([Story(
        story_id="st-wire", canonical_article_id="w1", agency="Wire", title="Strike in Baghdad",
        members=[StoryMember("w1", outlet="Daily Ledger", published_at="2024-02-08T09:15:00+05:30"),
                 StoryMember("w2", outlet="Morning Post", published_at="2024-02-08T11:00:00+05:30")],
    )])  # fmt: skip
    yield st
    st.close()


def _client(store, **api) -> TestClient:  # type: ignore[no-untyped-def]
    options = Options()
    for key, value in api.items():
        setattr(options.api, key, value)
    return TestClient(create_app(store, options), raise_server_exceptions=False)


def _coded(answer, status: int, code: str) -> str:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    message = answer.json()["error"]["message"]
    assert answer.json()["error"]["code"] == code
    assert "SELECT" not in message and "Traceback" not in message and "\n" not in message
    assert len(message) < 400 and message.isprintable()
    return message


BAD = [
    ("/map?zoom=9223372036854775808", 422), ("/map?zoom=-1", 422), ("/map?zoom=x", 422),
    ("/map?view=nan,nan,nan,nan", 400), ("/map?view=1e400,0,1,1", 400), ("/map?view=10,10,5,5", 400),
    ("/map?view=%00", 400), ("/map?view=" + "1," * 3000, 400), ("/map?q=%00", 400),
    ("/map?min_sources=9223372036854775808", 422), ("/timeline?since=2025-13-45", 400),
    ("/timeline?country=" + "x" * 5000, 400), ("/timeline?actor=%1b%5b2J", 400),
    ("/timeline?min_fatalities=-1", 422),
]  # fmt: skip


def test_bad_dashboard_parameters_are_coded_4xx(store):  # type: ignore[no-untyped-def]
    with _client(store) as client:
        for path, status in BAD:
            _coded(client.get(path), status, errors.BAD_OPTION)
        for path in ("/events/%00/evidence", "/events/" + "x" * 5000 + "/evidence", "/stories/%00",
                     "/stories/" + "y" * 5000, "/stories/st%25", "/stories/%1b%5b2J"):  # fmt: skip
            message = _coded(client.get(path), 404, errors.NO_SUCH_RECORD)
            assert "x" * 100 not in message and "y" * 100 not in message
        # pages are one static file whatever the id; files outside static/ are never served
        assert client.get("/event/%00").status_code == 200
        for path in ("/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/config.py"):
            assert client.get(path).status_code == 404


def test_a_deep_zoom_over_the_world_is_drawn_on_a_coarser_grid(store, monkeypatch):  # type: ignore[no-untyped-def]
    with _client(store) as client:
        street = client.get("/map?zoom=20&view=44.39,33.33,44.41,33.35").json()  # a real client's view
        world = client.get("/map?zoom=20").json()
        monkeypatch.setattr(aggregate, "MAX_MAP_CELLS", 2)
        capped = client.get("/map?zoom=20").json()
    assert street["cell_degrees"] == aggregate.cell_degrees(20) and street["events"] == 1
    # the database groups the world by a grid of at most MAX_GRID_CELLS, not one cell per event
    assert (360 / world["cell_degrees"]) * (180 / world["cell_degrees"]) <= aggregate.MAX_GRID_CELLS
    assert len(world["cells"]) == 3 and world["events"] == 3
    assert len(capped["cells"]) <= 2 and capped["events"] == 3 and capped["cell_degrees"] > world["cell_degrees"]
    assert sum(c["events"] for c in capped["cells"]) == 3
    for cell in capped["cells"]:
        if cell["kind"] == "cluster":
            assert sum(cell["by_type"].values()) == cell["events"]
            lon0, lat0, lon1, lat1 = cell["box"]
            assert lon0 <= cell["longitude"] <= lon1 and lat0 <= cell["latitude"] <= lat1


def test_evidence_and_story_pages_are_capped_and_say_so(store, monkeypatch):  # type: ignore[no-untyped-def]
    with _client(store) as client:
        baghdad = next(e for e in client.get("/events").json()["events"] if e["location"] == "Baghdad")
        whole = client.get(f"/events/{baghdad['event_id']}/evidence").json()
        assert whole["evidence_sources"] == {"shown": 2, "total": 2}
        assert [len(g["copies"]) for g in whole["stories"]] == [2] and whole["stories"][0]["copy_count"] == 2
        monkeypatch.setattr(evidence, "MAX_EVIDENCE_SOURCES", 1)
        monkeypatch.setattr(evidence, "MAX_LISTED_COPIES", 1)
        capped = client.get(f"/events/{baghdad['event_id']}/evidence").json()
        story = client.get("/stories/st-wire").json()
    assert capped["evidence_sources"] == {"shown": 1, "total": 2}
    assert {e["article_id"] for f in capped["fields"] for e in f["evidence"]} <= {"w1"}
    assert len(capped["sources"]) == 2 and len(capped["fatalities_by_source"]["by_source"]) == 2
    group = capped["stories"][0]
    assert group["copy_count"] == 2 and len(group["copies"]) == 1 and group["copies"][0]["cited"]
    assert story["member_count"] == 2 and [m["article_id"] for m in story["members"]] == ["w1"]
    assert story["canonical"]["article_id"] == "w1"


def test_evidence_reads_only_the_start_of_each_text(store, monkeypatch):  # type: ignore[no-untyped-def]
    from wirewatch.records import Article

    long_text = "A drone strike hit Baghdad. " + "Filler words here. " * 2000
    store.add_articles([Article(article_id="longtext", source="long.txt", text=long_text)])
    assert len(store.article_texts(["longtext"])["longtext"]) == len(long_text)
    assert store.article_texts(["longtext"], max_chars=27) == {"longtext": long_text[:27]}


def test_a_read_token_keeps_the_data_not_the_pages(store):  # type: ignore[no-untyped-def]
    with _client(store, read_token=READ, review_token="review-token") as client:
        for path in ("/", "/event/abc", "/story/abc", "/static/app.js", "/static/api.js"):
            answer = client.get(path)
            assert answer.status_code == 200, path
            assert "script-src 'self'" in answer.headers["content-security-policy"], path
            assert answer.headers["x-frame-options"] == "DENY"
        for path in ("/map", "/timeline", "/facets", "/dashboard/settings", "/stories/st-wire"):
            _coded(client.get(path), 401, errors.NOT_AUTHORISED)
            for token in (READ, "review-token"):  # an analyst's review token reads too
                assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 200


# -- in the browser ---------------------------------------------------------------------------------
@pytest.fixture
def token_server(demo_db):  # type: ignore[no-untyped-def]
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = Options()
    options.api.read_token = READ
    server = uvicorn.Server(
        uvicorn.Config(create_app(demo_db["path"], options), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # a bounded wait for the server to listen, not a timing assertion
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.browser
def test_the_dashboard_asks_for_the_read_token(browser, token_server, screenshot_dir):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def wait(condition, message):  # type: ignore[no-untyped-def]
        return WebDriverWait(browser, 20).until(lambda d: condition(d), message)

    browser.get(token_server + "/")
    form = wait(lambda d: d.find_elements(By.ID, "token-form"), "the token form")[0]
    assert "needs a read token" in form.text
    assert not browser.find_elements(By.CSS_SELECTOR, "#events tbody tr[data-event-id]")
    browser.find_element(By.ID, "token-input").send_keys("wrong")
    browser.find_element(By.CSS_SELECTOR, "#token-form button").click()
    wait(lambda d: "rejected" in d.find_element(By.ID, "token-form").text, "the token rejected")
    field = browser.find_element(By.ID, "token-input")
    field.send_keys(READ)
    browser.find_element(By.CSS_SELECTOR, "#token-form button").click()
    wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#events tbody tr[data-event-id]"), "events with the token")
    assert not browser.find_elements(By.ID, "token-form")
    browser.save_screenshot(str(screenshot_dir / "20-read-token-accepted.png"))
