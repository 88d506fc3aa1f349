"""The API's review routes: the queue, corrections with who and why, verdicts, merge, split and
withdraw, the token, and a busy database. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from wirewatch.api import create_app
from wirewatch.config import Options
from wirewatch.store import open_store
from wirewatch.store.writer_lock import writer_lock

AUTH = {"Authorization": "Bearer tok"}


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request, tmp_path, populated):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "api.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    store = populated(open_store(db))
    options = Options()
    options.api.review_token, options.api.lock_wait_s = "tok", 0.0
    with TestClient(create_app(store, options)) as client:
        yield client, store
    store.close()


def ids_by_place(client) -> dict:  # type: ignore[no-untyped-def]
    return {e["location"]: e["event_id"] for e in client.get("/events", params={"review": "all"}).json()["events"]}


def test_corrections_verdicts_and_the_queue(served):
    client, _store = served
    ids = ids_by_place(client)
    baghdad = ids["Baghdad"]
    done = client.post(f"/events/{baghdad}/corrections", headers=AUTH,
                       json={"author": "ana", "reason": "hospital", "fields": {"fatalities": 6}})  # fmt: skip
    assert done.status_code == 201 and done.json()["hand_set"] == ["fatalities"]
    listed = client.get(f"/events/{baghdad}/corrections").json()["corrections"]
    assert [(c["action"], c["author"], c["reason"], c["changes"]["fatalities"]) for c in listed] == [
        ("set", "ana", "hospital", 6)
    ]
    queue = client.get("/review", params={"country": "Pakistan"}).json()
    assert queue["total"] == len(queue["events"]) and all(e["country"] == "Pakistan" for e in queue["events"])
    assert all(e["reasons"] for e in queue["events"])
    quetta = ids["Quetta"]
    assert client.post(f"/events/{quetta}/reject", headers=AUTH, json={"author": "ana", "reason": "drill"}).status_code == 201
    assert quetta not in {e["event_id"] for e in client.get("/events").json()["events"]}
    assert [e["event_id"] for e in client.get("/events", params={"review": "rejected"}).json()["events"]] == [quetta]
    assert client.post(f"/events/{quetta}/confirm", headers=AUTH, json={"author": "ben"}).status_code == 201
    assert client.get(f"/events/{quetta}").json()["review_status"] == "confirmed"
    bad = client.post(f"/events/{baghdad}/corrections", headers=AUTH, json={"author": "ana", "reason": "r", "fields": {"fatalities": "lots"}})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "W040"
    missing = client.post("/events/ffffffffffff/reject", headers=AUTH, json={"author": "a", "reason": "r"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "W042"


def test_merge_split_and_withdraw(served):
    client, _store = served
    ids = ids_by_place(client)
    merged = client.post("/events/merge", headers=AUTH,
                         json={"author": "ana", "reason": "one strike", "event_ids": [ids["Baghdad"], ids["Basra"]]})  # fmt: skip
    assert merged.status_code == 201, merged.text
    event_id = merged.json()["event_id"]
    sources = {s["article_id"] for s in client.get(f"/events/{event_id}").json()["sources"]}
    assert sources == {"w1", "w2", "w3"}
    split = client.post(f"/events/{event_id}/split", headers=AUTH, json={"author": "ben", "reason": "two cities", "sources": ["w3"]})
    assert split.status_code == 201 and len(split.json()["new_event_ids"]) == 1
    withdrawn = client.post(f"/corrections/{split.json()['correction_id']}/withdraw", headers=AUTH,
                            json={"author": "ben", "reason": "the merge was right after all"})  # fmt: skip
    assert withdrawn.status_code == 201
    held = [e for e in client.get("/events", params={"limit": 100}).json()["events"] if e["location"] in ("Baghdad", "Basra")]
    assert len(held) == 1  # the merge holds again


def test_corrections_need_the_token_and_a_free_database(served):
    client, store = served
    event_id = ids_by_place(client)["Baghdad"]
    body = {"author": "ana", "reason": "r"}
    assert client.post(f"/events/{event_id}/reject", json=body).status_code == 401
    assert client.post(f"/events/{event_id}/reject", json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
    no_author = client.post(f"/events/{event_id}/reject", json={"reason": "r"}, headers=AUTH)
    assert no_author.status_code == 422 and no_author.json()["error"]["code"] == "W040"
    other = open_store(store.db)
    with writer_lock(other, purpose="run"):
        busy = client.post(f"/events/{event_id}/reject", json=body, headers=AUTH)
    other.close()
    assert busy.status_code == 503 and busy.json()["error"]["code"] == "W022"
    off = Options()
    with TestClient(create_app(store, off)) as closed:
        refused = closed.post(f"/events/{event_id}/reject", json=body, headers=AUTH)
    assert refused.status_code == 403 and "set [api] review_token" in refused.json()["error"]["message"]
