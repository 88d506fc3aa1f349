"""`wirewatch show ID` for events and stories: each field beside its supporting sentence and source,
fatalities by source, sources by story, history; the seeds' Baghdad strike (read from ../shared at
test time, never copied; skipped without it)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.demo import corpus_path

runner = CliRunner()
SEEDS = Path(os.environ.get("WIREWATCH_SHARED") or Path(__file__).resolve().parents[2].parent / "shared") / "seeds"


def cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("show") / "show.db")
    names = ["04_reuters_nyala_airstrike.txt", "05_nyala_airstrike_sahelnile.html", "01_ians_waziristan_clash.txt",
             "02_scraped_waziristan_clash.txt"]  # fmt: skip
    cli("run", *[str(corpus_path() / n) for n in names], "--db", db)
    return db


def test_an_event_shows_fields_with_sentences_tolls_stories_and_history(demo_db):
    nyala = next(json.loads(line) for line in cli("events", "--db", demo_db, "--format", "jsonl").splitlines()
                 if json.loads(line)["location"] == "Nyala")  # fmt: skip
    shown = cli("show", nyala["event_id"][:7], "--db", demo_db)
    lines = shown.splitlines()
    assert lines[0].startswith(f"event {nyala['event_id']}  Air/drone strike, Nyala, Sudan")
    date = lines.index(next(line for line in lines if line.startswith("  event_date ")))
    assert "Nyala" in lines[date + 1] and lines[date + 1].strip().startswith('"')  # the sentence, quoted
    assert "fatalities: 12 (range 12-15)" in shown
    assert "sources by story (2 independent)" in shown and "\nhistory\n" in shown
    record = json.loads(cli("show", nyala["event_id"], "--db", demo_db, "--json"))
    assert {"fields", "fatalities_by_source", "stories", "history", "corrections"} <= set(record)


def test_a_story_shows_its_copies_and_events(demo_db):
    story = json.loads(cli("stories", "--db", demo_db, "--format", "jsonl").splitlines()[0])
    shown = cli("show", story["story_id"], "--db", demo_db)
    assert shown.startswith(f"story {story['story_id']}") and "\ncopies\n" in shown and "\nevents (" in shown


def test_an_unknown_id_is_one_line(demo_db):
    result = runner.invoke(app, ["show", "0123456789", "--db", demo_db])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error W042: no event, story or article with id '0123456789'"
    wildcards = runner.invoke(app, ["show", "%%%%", "--db", demo_db])  # a prefix, not a LIKE pattern
    assert wildcards.exit_code == 2 and "W042" in wildcards.stderr


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
def test_the_seeds_baghdad_strike_shows_each_fields_sentence(tmp_path):
    db = str(tmp_path / "seeds.db")
    runner.invoke(app, ["run", str(SEEDS), "--db", db])
    events = [json.loads(line) for line in cli("events", "--db", db, "--format", "jsonl").splitlines()]
    strike = next(e for e in events if e["location"] == "Baghdad")
    lines = cli("show", strike["event_id"], "--db", db).splitlines()
    for name in ("event_date", "sub_event_type", "actor1", "actor2", "location", "fatalities"):
        at = next(i for i, line in enumerate(lines) if line.startswith(f"  {name} "))
        below = lines[at + 1].strip()
        assert below.startswith('"') or below == "(the same sentence)", (name, below)
    assert any("eastern Baghdad" in line for line in lines)
