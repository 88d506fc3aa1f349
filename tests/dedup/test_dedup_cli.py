"""`wirewatch stories`: one row per story, in every output format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.config import DedupOptions
from wirewatch.dedup import assign_stories
from wirewatch.records import Article
from wirewatch.store import open_store

BODY = (
    "Rescue teams reached the mountain village on Tuesday after a landslide buried the only road, "
    "officials said, and began moving families to a school in the valley. The district chief said "
    "at least forty houses were damaged and that engineers would need a week to reopen the road. "
    "Villagers said the slope had been cracking since the heavy rain began on Sunday night."
)


def build(tmp_path: Path) -> str:
    db = str(tmp_path / "cli.db")
    store = open_store(db)
    arts = [
        Article(article_id="c1", source="c1", text=BODY, title="Landslide buries road", agency="PTI",
                published_at="2024-07-02T08:00:00"),
        Article(article_id="c2", source="c2", text="Home | India\n" + BODY + "\nRelated stories", outlet="Daily",
                published_at="2024-07-02T09:30:00"),
        Article(article_id="c3", source="c3", text="Markets closed higher on Tuesday in thin trade.", title="Brief"),
    ]  # fmt: skip
    store.add_articles(arts)
    assign_stories(store, arts, DedupOptions())
    store.close()
    return db


def test_stories_command_lists_stories(tmp_path: Path) -> None:
    db = build(tmp_path)
    runner = CliRunner()
    table = runner.invoke(app, ["stories", "--db", db])
    assert table.exit_code == 0, table.output
    assert "story_id" in table.output and "Landslide buries road" in table.output
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["stories", "--db", db, "--format", "csv"]).output))
    )
    assert sorted(r["members"] for r in rows) == ["1", "2"]
    assert {r["agency"] for r in rows} == {"PTI", ""}
    lines = runner.invoke(
        app, ["stories", "--db", db, "--format", "jsonl", "--limit", "1"]
    ).output.splitlines()
    assert len(lines) == 1 and "member_list" in json.loads(lines[0])


def test_stories_command_on_missing_database_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["stories", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0 and "Traceback" not in result.output
