"""The CLI and the API are two faces of one library: the same filter finds the same events, the
same article shows the same view, and the same problem has the same code in both."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from wirewatch.api import create_app
from wirewatch.cli import app as cli
from wirewatch.config import Options
from wirewatch.records import Story
from wirewatch.store import open_store

runner = CliRunner()

# (API query parameters, the same filter as CLI options)
FILTERS = [
    ({}, []),
    ({"since": "2024-02-01"}, ["--since", "2024-02-01"]),
    ({"until": "2024-01-31"}, ["--until", "2024-01-31"]),
    ({"since": "2024-02-05", "until": "2024-02-09"}, ["--since", "2024-02-05", "--until", "2024-02-09"]),
    (
        {"since": "2024-02-07T18:30:00+05:30"},
        ["--since", "2024-02-07T18:30:00+05:30"],
    ),  # a time names its day
    ({"until": "2024-02-02 08:00"}, ["--until", "2024-02-02 08:00"]),
    ({"country": "Pakistan"}, ["--country", "Pakistan"]),
    ({"country": "irq"}, ["--country", "irq"]),
    ({"admin1": "Balochistan"}, ["--admin1", "Balochistan"]),
    ({"type": "Explosions/Remote violence"}, ["--type", "Explosions/Remote violence"]),
    ({"sub_type": "Peaceful protest"}, ["--sub-type", "Peaceful protest"]),
    ({"actor": "pakistan"}, ["--actor", "pakistan"]),
    ({"bbox": "44,33,45,34"}, ["--bbox", "44,33,45,34"]),
    ({"bbox": "40,25,70,35"}, ["--bbox", "40,25,70,35"]),
    ({"min_fatalities": 3}, ["--min-fatalities", "3"]),
    ({"q": "clashed"}, ["--q", "clashed"]),
    ({"q": "basra"}, ["--q", "basra"]),
    ({"country": "Iraq", "min_fatalities": 2}, ["--country", "Iraq", "--min-fatalities", "2"]),
    ({"min_sources": 1}, ["--min-sources", "1"]),
    ({"min_sources": 2}, ["--min-sources", "2"]),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path, populated) -> str:
    path = (
        str(tmp_path / "faces.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    )
    populated(open_store(path)).close()
    return path


@pytest.fixture
def client(db):
    with TestClient(create_app(db, Options())) as c:
        yield c


def _cli_ids(*args: str) -> list[str]:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return [json.loads(line)["event_id"] for line in result.stdout.splitlines() if line.startswith("{")]


@pytest.mark.parametrize(("params", "options"), FILTERS)
def test_each_filter_finds_the_same_events_in_both_faces(db, client, params, options):
    body = client.get("/events", params=params).json()
    api_ids = {e["event_id"] for e in body["events"]}
    assert body["total"] == len(api_ids)
    listed = _cli_ids("events", "--db", db, "--format", "jsonl", *options)
    exported = _cli_ids("export", "--db", db, "--format", "jsonl", *options)
    assert set(listed) == set(exported) == api_ids
    assert len(listed) == len(exported) == len(api_ids)


def test_the_filter_narrows_something(client):
    # the table above is not vacuous: the filters pick different events
    picked = {
        frozenset(e["event_id"] for e in client.get("/events", params=p).json()["events"]) for p, _ in FILTERS
    }
    assert len(picked) >= 6


@pytest.mark.parametrize(
    ("params", "options"),
    [
        ({"since": "2024-02-30"}, ["--since", "2024-02-30"]),  # no such day
        ({"until": "2024-13-01"}, ["--until", "2024-13-01"]),
        ({"bbox": "1,2,3"}, ["--bbox", "1,2,3"]),
        ({"bbox": "10,5,20,95"}, ["--bbox", "10,5,20,95"]),  # latitude beyond the pole
        ({"bbox": "30,5,20,6"}, ["--bbox", "30,5,20,6"]),  # min above max
        ({"bbox": "nan,1,2,3"}, ["--bbox", "nan,1,2,3"]),
    ],
)
def test_a_bad_filter_is_w040_in_both_faces(db, client, params, options):
    answer = client.get("/events", params=params)
    assert 400 <= answer.status_code < 500 and answer.json()["error"]["code"] == "W040"
    for command in ("events", "export", "mentions"):
        result = runner.invoke(cli, [command, "--db", db, *options])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("error W040: ")


def test_a_date_that_is_no_iso_date_is_refused_before_the_database(db, client):
    assert client.get("/events", params={"since": "yesterday"}).json()["error"]["code"] == "W040"
    result = runner.invoke(cli, ["events", "--db", db, "--since", "02/07/2024"])
    assert result.exit_code == 2 and "error W040: since '02/07/2024'" in result.stderr


def test_show_json_is_the_api_article(db, client):
    stored = open_store(db)  # the fixture's articles name stories it did not write: give w1 one
    members = [{"article_id": "w1", "outlet": "Daily Ledger"}, {"article_id": "w2", "outlet": "Morning Post"}]
    stored.save_stories([Story(story_id="st-wire", canonical_article_id="w2", members=members)])
    stored.close()
    shown = runner.invoke(cli, ["show", "w1", "--db", db, "--json"])
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.stdout)
    answer = client.get("/articles/w1").json()
    assert view == answer
    # what each face answered before both used the one view
    assert {"article", "story", "siblings", "mentions"} <= set(view)
    assert view["article_id"] == view["article"]["article_id"] == "w1" and len(view["mentions"]) == 1
    assert view["story"]["story_id"] == "st-wire"
    (sibling,) = view["siblings"]  # a typed story member: every member key, unset ones null
    assert (sibling["article_id"], sibling["outlet"], sibling["canonical"]) == ("w2", "Morning Post", True)


def test_no_such_article_is_w042_in_both_faces(db, client):
    answer = client.get("/articles/nosuchid")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "W042"
    result = runner.invoke(cli, ["show", "nosuchid", "--db", db])
    assert result.exit_code == 2
    assert result.stderr == "error W042: no event, story or article with id 'nosuchid'\n"  # show takes any kind of id


def test_mentions_take_the_filter_on_their_own_fields(db):
    def mention_articles(*options: str) -> list[str]:
        result = runner.invoke(cli, ["mentions", "--db", db, "--format", "jsonl", *options])
        assert result.exit_code == 0, result.output
        return [json.loads(line)["article_id"] for line in result.stdout.splitlines()]

    assert mention_articles() == ["w1", "w2", "w3", "w4", "w5"]
    assert mention_articles("--country", "IRQ") == ["w1", "w2", "w3"]
    assert mention_articles("--country", "pakistan", "--min-fatalities", "1") == ["w4"]
    assert mention_articles("--bbox", "44,33,45,34") == ["w1", "w2"]
    assert mention_articles("--since", "2024-02-08", "--admin1", "basra") == ["w3"]
    assert mention_articles("--sub-type", "peaceful protest", "--actor", "protesters") == ["w5"]
    assert mention_articles("--q", "baghdad", "--limit", "1") == ["w1"]
