"""The issue's test as a user runs it: a correction made through the CLI and one made through the
API both survive `wirewatch run` over new copies of the same stories and a full re-extraction;
`review`, `show EVENT_ID` and the export show them. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from wirewatch.api.app import create_app
from wirewatch.cli import app
from wirewatch.config import Options
from wirewatch.demo import corpus_path
from wirewatch.store import open_store

runner = CliRunner()
FIRST = ["01_ians_waziristan_clash.txt", "04_reuters_nyala_airstrike.txt"]
COPIES = ["02_scraped_waziristan_clash.txt", "03_republished_waziristan_clash.txt", "05_nyala_airstrike_sahelnile.html"]


def files(names: list[str]) -> list[str]:
    return [str(corpus_path() / name) for name in names]


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def event_of(db: str, article_name: str) -> dict:
    """The event an article reports with the highest toll (an article may report more than one)."""
    store = open_store(db, create=False)
    try:
        article = next(a for a in store.iter_articles() if a.source.endswith(article_name))
        held = [e.to_dict() for e in store.iter_events() if article.article_id in {s.article_id for s in e.sources}]
        return max(held, key=lambda e: (e["fatalities"] or -1, e["event_id"]))
    finally:
        store.close()


def event_now(db: str, event_id: str) -> dict:
    return json.loads(cli("show", event_id, "--db", db, "--json"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    return str(tmp_path / "loop.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")


def test_cli_and_api_corrections_survive_new_copies_and_a_full_re_extraction(db):
    cli("run", *files(FIRST), "--db", db)
    clash = event_of(db, FIRST[0])
    strike = event_of(db, FIRST[1])
    out = cli("correct", clash["event_id"][:8], "fatalities=11", "--reason", "the district hospital's list",
              "--by", "ana", "--db", db)  # fmt: skip
    assert f"corrected event {clash['event_id']}: fatalities {clash['fatalities']} -> 11" in out
    options = Options()
    options.api.review_token = "secret"
    with TestClient(create_app(db, options)) as client:
        answer = client.post(f"/events/{strike['event_id']}/corrections", headers={"Authorization": "Bearer secret"},
                             json={"author": "ben", "reason": "the army says drone", "fields": {"actor1": "Rapid Support Forces"}})  # fmt: skip
        assert answer.status_code == 201, answer.text
        refused = client.post(f"/events/{strike['event_id']}/reject", json={"author": "eve", "reason": "x"})
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "W041"
        client.app.state.store.close()

    cli("run", *files(COPIES), "--db", db)  # new copies of both stories
    cli("run", *files(FIRST + COPIES), "--db", db, "--re-extract")  # every article extracted again

    clash_now, strike_now = event_now(db, clash["event_id"]), event_now(db, strike["event_id"])
    assert clash_now["fatalities"] == 11 and strike_now["actor1"] == "Rapid Support Forces"
    assert clash_now["hand_set"] == ["fatalities"] and strike_now["hand_set"] == ["actor1"]
    assert clash_now["source_count"] > clash["source_count"]  # the copies joined the corrected event

    shown = cli("show", clash["event_id"], "--db", db)
    assert "fatalities         11   [set by hand]" in shown
    assert "corrected by ana (the district hospital's list): fatalities" in shown
    rows = list(csv.DictReader(io.StringIO(cli("export", "--format", "csv", "--output", "-", "--db", db))))
    by_id = {r["event_id"]: r for r in rows}
    assert by_id[clash["event_id"]]["hand_set_fields"] == "fatalities"
    assert by_id[strike["event_id"]]["hand_set_fields"] == "actor1"
    history = strike_now["history"]
    assert [h["author"] for h in history if h["action"] == "corrected"] == ["ben"]


def test_review_lists_what_needs_a_look_and_verdicts_take_events_out(tmp_path):
    db = str(tmp_path / "queue.db")
    cli("run", *files(FIRST + COPIES), "--db", db)
    listed = json.loads("[" + ",".join(cli("review", "--db", db, "--format", "jsonl").split("\n")[:-1]) + "]")
    assert listed and all(row["reasons"] for row in listed)
    first = listed[0]["event_id"]
    cli("confirm", first, "--by", "ana", "--db", db)
    again = cli("review", "--db", db)
    assert first not in again
    rejected = listed[-1]["event_id"]
    cli("reject", rejected, "--by", "ana", "--reason", "a commentary, not an event", "--db", db)
    assert rejected not in cli("events", "--db", db) and rejected not in cli("review", "--db", db)
    assert rejected in cli("events", "--review", "rejected", "--db", db)
    missing_reason = runner.invoke(app, ["reject", first, "--by", "ana", "--db", db])
    assert missing_reason.exit_code == 2 and "error W040: why? give a reason" in missing_reason.stderr
    unknown = runner.invoke(app, ["correct", "ffffffff", "fatalities=2", "--reason", "r", "--by", "a", "--db", db])
    assert unknown.exit_code == 2 and unknown.stderr.strip() == "error W042: no event with id 'ffffffff'"
