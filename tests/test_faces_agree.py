"""The CLI and the API are two faces of one library: the same article shows the same view, and
the same problem has the same code in both."""

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
    assert view["siblings"] == [{"article_id": "w2", "outlet": "Morning Post", "canonical": True}]


def test_no_such_article_is_w042_in_both_faces(db, client):
    answer = client.get("/articles/nosuchid")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "W042"
    result = runner.invoke(cli, ["show", "nosuchid", "--db", db])
    assert result.exit_code == 2
    assert result.stderr == "error W042: no article with id 'nosuchid'\n"
