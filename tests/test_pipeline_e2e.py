"""The whole pipeline on real files and a real SQLite database: reruns, resumes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch.cli import app
from wirewatch.config import Options
from wirewatch.demo import corpus_path
from wirewatch.ingest import read_inputs
from wirewatch.pipeline import RunSummary, process_pending, run_pipeline, store_documents
from wirewatch.store import open_store

WIRE = """KABUL, March 5 (Reuters) - Gunmen on motorbikes shot dead four police officers at a checkpoint in
the eastern Afghan city of Jalalabad on Tuesday night, a provincial spokesman said.

No group claimed the attack. The spokesman said two other officers were wounded and taken to hospital.

Reporting by Staff Writer; Editing by Desk Editor
"""


def _counts(store):
    return {t: store.count(t) for t in ("articles", "stories", "mentions", "events")}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("demo") / "demo.db")
    store = open_store(db)
    summary = run_pipeline([str(corpus_path())], store, Options())
    return db, store, summary


def test_demo_corpus_runs_through_every_stage(demo_db):
    _db, store, summary = demo_db
    assert summary.skipped_total == 0
    counts = _counts(store)
    assert counts["articles"] >= 15
    assert counts["stories"] < counts["articles"]  # republished wire copies share a story
    assert counts["mentions"] > 0 and counts["events"] > 0
    assert all(m.spans for m in store.iter_mentions())


def test_second_run_adds_nothing_and_keeps_event_ids(demo_db):
    _db, store, _summary = demo_db
    before = _counts(store)
    event_ids = sorted(e.event_id for e in store.iter_events())
    again = run_pipeline([str(corpus_path())], store, Options())
    assert again.articles_new == 0 and again.articles_known == again.documents_read
    assert _counts(store) == before
    assert sorted(e.event_id for e in store.iter_events()) == event_ids


def test_interrupted_run_resumes_without_loss_or_duplicates(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "wire.txt").write_text(WIRE)
    store = open_store(str(tmp_path / "w.db"))
    options = Options()
    # First run stops right after storing articles (as if killed before dedup/extract/fuse).
    first = RunSummary(run_id="r1", inputs=[str(folder)])
    store_documents(read_inputs([str(folder)], options.ingest), store, options, first)
    assert store.count("articles") == 1 and store.count("mentions") == 0
    resumed = run_pipeline([str(folder)], store, options)
    assert resumed.articles_new == 0 and resumed.articles_extracted == 1
    counts = _counts(store)
    assert counts["articles"] == 1 and counts["stories"] == 1 and counts["mentions"] >= 1
    process_pending(store, options, RunSummary(run_id="r3", inputs=[]))
    assert _counts(store) == counts


def test_bad_inputs_are_named_counted_and_the_run_goes_on(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(WIRE)
    (folder / "empty.txt").write_text("   \n")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 200)
    (folder / "big.txt").write_text("word " * 5000)
    (folder / "lines.jsonl").write_text('{"text": "' + WIRE.replace("\n", " ").replace("Jalalabad", "Kunar") + '"}\n{broken\n')
    (folder / "latin.txt").write_bytes(("Les manifestants réunis à Paris ont défilé jeudi contre la réforme. " * 3).encode("cp1252"))
    (folder / "page.html").write_text("<html><body><nav>Home</nav></body></html>")
    db = str(tmp_path / "w.db")
    result = subprocess.run(
        [sys.executable, "-m", "wirewatch.cli", "run", str(folder), str(tmp_path / "missing.txt"),
         "--db", db, "--max-bytes", "20000"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith(("error", "warning"))]
    named = " ".join(problem_lines)
    for name in ("empty.txt", "binary.txt", "big.txt", "lines.jsonl:2", "missing.txt", "page.html"):
        assert name in named, (name, result.stderr)
    assert "skipped:" in result.stdout
    store = open_store(db, create=False)
    langs = {a.source.rsplit("/", 1)[-1]: a.language for a in store.iter_articles()}
    assert langs["good.txt"] == "en" and langs["latin.txt"] == "fr"  # stored and marked, not dropped
    assert len(store.problems()) == len(problem_lines)


def test_cli_run_then_articles_jsonl_and_show(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "wire.txt").write_text(WIRE)
    db = str(tmp_path / "w.db")
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(folder), "--db", db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["articles", "--db", db, "--format", "jsonl"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows[0]["agency"] == "Reuters" and rows[0]["dateline_place"].lower() == "kabul"
    result = runner.invoke(app, ["show", rows[0]["article_id"][:8], "--db", db])
    assert result.exit_code == 0 and "Jalalabad" in result.output and "agency" in result.output
    result = runner.invoke(app, ["show", "nosuchid", "--db", db])
    assert result.exit_code == 2


def test_demo_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "events:" in result.output and "articles" in result.output
    # where to see it; a run without a terminal never waits at a prompt or starts a server
    assert "dashboard: wirewatch serve --db wirewatch-demo.db , then open http://127.0.0.1:8765/" in result.output


SAME_TIME_REPORTS = Path(__file__).parent / "data" / "same_time_reports.jsonl"


def test_one_run_is_one_ingestion_time_so_same_time_sources_are_ordered_by_id(tmp_path, monkeypatch):
    """Two reports of one event published at the same moment, the one with the larger id read
    first: the clock ticks between them, yet both get the run's stamp, and the event's sources
    (and its id, from its first mention) follow article ids, as the Spark job orders them."""
    ticks = iter(range(60))
    monkeypatch.setattr("wirewatch.pipeline.now_iso", lambda: f"2026-01-01T00:00:{next(ticks):02d}+00:00")
    store = open_store(str(tmp_path / "w.db"))
    run_pipeline([str(SAME_TIME_REPORTS)], store, Options())
    articles = list(store.iter_articles())
    ids = {a.url: a.article_id for a in articles}
    assert ids["https://two.example.net/b"] > ids["https://one.example.org/a"]  # read first, larger id
    assert {a.ingested_at for a in articles} == {"2026-01-01T00:00:00+00:00"}
    (event,) = store.iter_events()
    assert [s.article_id for s in event.sources] == sorted(a.article_id for a in articles)
    store.close()
