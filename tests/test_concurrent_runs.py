"""Two `run`s at once on one database end exactly as one run does: the second waits for the
writer lock (or, without --wait, is refused) instead of re-extracting the same articles and
fusing the same events beside the first. A handful of tries on SQLite and PostgreSQL (threads,
each with its own connections) and one with two real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from wirewatch.config import Options
from wirewatch.demo import corpus_path
from wirewatch.errors import WirewatchError
from wirewatch.pipeline import run_pipeline
from wirewatch.store import open_store
from wirewatch.store.writer_lock import writer_lock

# wire copies of one story (dedup and fusion both have work), two other events, a feed dump
CORPUS = ["01_ians_waziristan_clash.txt", "02_scraped_waziristan_clash.txt", "03_republished_waziristan_clash.txt",
          "04_reuters_nyala_airstrike.txt", "05_nyala_airstrike_sahelnile.html", "10_masisi_clash_m23.txt"]  # fmt: skip


def inputs() -> list[str]:
    return [str(corpus_path() / name) for name in CORPUS]


def snapshot(db: str) -> dict[str, Any]:
    """What a run leaves, without the clock: articles, stories, mentions and events."""
    store = open_store(db, create=False)
    try:
        events = []
        for ev in store.iter_events():
            record = ev.to_dict()
            record.pop("updated_at")
            events.append(record)
        return {
            "articles": sorted((a.article_id, a.story_id) for a in store.iter_articles()),
            "stories": sorted((st.story_id, st.canonical_article_id, sorted(m.article_id for m in st.members))
                              for st in store.iter_stories()),  # fmt: skip
            "mentions": [(m.mention_id, m.event_id) for m in store.iter_mentions()],
            "events": sorted(events, key=lambda e: e["event_id"]),
        }
    finally:
        store.close()


def locked_run(db: str, outcomes: list[str], *, wait_s: float) -> None:
    store = open_store(db)
    try:
        with writer_lock(store, wait_s=wait_s):
            run_pipeline(inputs(), store, Options())
        outcomes.append("ran")
    except WirewatchError as exc:
        outcomes.append(exc.code)
    finally:
        store.close()


def two_at_once(db: str, *, wait_s: float) -> list[str]:
    outcomes: list[str] = []
    threads = [threading.Thread(target=locked_run, args=(db, outcomes), kwargs={"wait_s": wait_s}) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return sorted(outcomes)


@pytest.fixture(scope="module")
def one_run(tmp_path_factory) -> dict[str, Any]:
    db = str(tmp_path_factory.mktemp("reference") / "one.db")
    run_pipeline(inputs(), open_store(db), Options())
    return snapshot(db)


@pytest.mark.parametrize("attempt", range(3))
def test_two_waiting_runs_on_sqlite_end_as_one_run(tmp_path, one_run, attempt):
    db = str(tmp_path / f"twice-{attempt}.db")
    assert two_at_once(db, wait_s=120) == ["ran", "ran"]
    assert snapshot(db) == one_run


@pytest.mark.parametrize("attempt", range(2))
def test_two_waiting_runs_on_postgres_end_as_one_run(postgres_url, one_run, attempt):
    assert two_at_once(postgres_url, wait_s=120) == ["ran", "ran"]
    assert snapshot(postgres_url) == one_run


def test_without_wait_the_second_run_is_refused_and_the_first_finishes(tmp_path, one_run):
    db = str(tmp_path / "refused.db")
    outcomes = two_at_once(db, wait_s=0)
    assert outcomes in (["W022", "ran"], ["ran", "ran"])  # the first may finish before the second starts
    assert snapshot(db) == one_run


def test_two_cli_processes_end_as_one_run(tmp_path, one_run):
    db = str(tmp_path / "processes.db")
    command = [sys.executable, "-m", "wirewatch.cli", "run", *inputs(), "--db", db, "--wait", "300", "--json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in runs]
    for code, _out, err in results:
        assert code == 0, err
    new = sorted(json.loads(out)["articles_new"] for _code, out, _err in results)
    assert new == [0, len(CORPUS)]  # the second found every article already stored
    assert snapshot(db) == one_run
    assert Path(db + ".lock").exists()
