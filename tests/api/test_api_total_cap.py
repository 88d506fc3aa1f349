"""/events counts its matches exactly up to [api] total_cap and past it says "at least"
(total_exact false), so a broad filter on a large database is not slowed by counting every
match; ?exact_total=true counts them all. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from wirewatch.api import create_app
from wirewatch.config import Options
from wirewatch.store import open_store
from wirewatch.store.event_filter import EventFilter
from wirewatch.store.events_query import count_events


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path, populated):
    if request.param == "sqlite":
        db = str(tmp_path / "cap.db")
    else:
        db = request.getfixturevalue("postgres_url")
    s = populated(open_store(db))
    yield s
    s.close()


def _client(store, cap: int) -> TestClient:
    options = Options()
    options.api.total_cap = cap
    return TestClient(create_app(store, options))


def test_count_stops_past_the_cap(store):
    every = count_events(store)
    assert every == 4
    assert count_events(store, cap=10) == every  # under the cap: exact
    assert count_events(store, cap=2) == 3  # past it: cap + 1, "more than two"
    assert count_events(store, EventFilter(country="irq"), cap=1) == 2


def test_under_the_cap_the_total_is_exact(store):
    with _client(store, 10) as client:
        body = client.get("/events").json()
    assert body["total"] == 4 and body["total_exact"] is True


def test_past_the_cap_the_total_is_at_least(store):
    with _client(store, 2) as client:
        first = client.get("/events", params={"limit": 1}).json()
        assert first["total"] == 2 and first["total_exact"] is False
        # the pages go on past the cap: the total never says fewer than the page shows
        last = client.get("/events", params={"limit": 1, "offset": 3}).json()
        assert len(last["events"]) == 1 and last["total"] == 4 and last["total_exact"] is False
        exact = client.get("/events", params={"exact_total": "true"}).json()
        assert exact["total"] == 4 and exact["total_exact"] is True
        narrow = client.get("/events", params={"country": "Pakistan"}).json()
        assert narrow["total"] == 2 and narrow["total_exact"] is True
