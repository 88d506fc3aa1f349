"""The pipeline on Spark in local mode gives what `wirewatch run` gives on the same input: the same
articles, stories (by members), mentions and events (by mentions, field by field); its output
loads into SQLite and PostgreSQL and a later `wirewatch run` goes on from it.

The input is small on purpose (one job, a few seconds of work): the demo corpus (text, HTML,
JSONL), a generated feed with agency copies, scraped copies and republished stories, a WARC
file of generated pages, a missing file, and ../shared/seeds when it is there.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from wirewatch import errors
from wirewatch.config import Options
from wirewatch.pipeline import run_pipeline
from wirewatch.spark.compare import compare_with_store
from wirewatch.store import open_store

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
# two reports of one event published at the same moment, the larger article id read first
SAME_TIME_REPORTS = ROOT / "tests" / "data" / "same_time_reports.jsonl"
STAMP = "2026-01-01T00:00:00+00:00"
FEED_SIZE = 60


def _news_feed() -> Any:
    spec = importlib.util.spec_from_file_location("news_feed", ROOT / "bench" / "synth" / "news_feed.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look their module up
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _write_warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode()), http_headers=headers,
                warc_headers_dict={"WARC-Date": "2025-03-06T08:00:00Z"}))  # fmt: skip


def _inputs(root: Path) -> list[str]:
    from wirewatch.demo import corpus_path

    news_feed = _news_feed()
    feed = news_feed.generate_feed(FEED_SIZE, 11)
    news_feed.write_feed(feed, root / "feed")
    pages = [(f"https://archive.example.org/{a.name}", a.content) for a in news_feed.generate_feed(30, 12)
             if a.kind == "html" and a.fmt != "jsonl"]  # fmt: skip
    _write_warc(root / "crawl.warc.gz", pages[:8])
    given = [str(corpus_path()), str(root / "feed"), str(root / "crawl.warc.gz"), str(SAME_TIME_REPORTS),
             str(root / "missing.txt")]  # fmt: skip
    return given + ([str(SEEDS)] if SEEDS.is_dir() else [])


@pytest.fixture(scope="module")
def runs(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The same inputs through `wirewatch run` (SQLite) and through the Spark job."""
    from wirewatch.spark.job import SparkJob

    root = tmp_path_factory.mktemp("spark_inputs")
    inputs = _inputs(root)
    single_db = str(root / "single.db")
    store = open_store(single_db)
    with pytest.MonkeyPatch.context() as patch:  # a clock that ticks between articles, as a long run's does
        seconds = iter(range(10**6))
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        patch.setattr("wirewatch.pipeline.now_iso", lambda: (start + dt.timedelta(seconds=next(seconds))).isoformat())
        run_pipeline(inputs, store, Options())
    store.close()
    out = str(root / "out")
    # driver_links=0: stories as connected components on the cluster (large-star / small-star),
    # the path a corpus with millions of links takes
    summary = SparkJob(spark, inputs, out, Options(), partitions=2, stamp=STAMP, driver_links=0).run()
    return {"root": root, "inputs": inputs, "single_db": single_db, "out": out, "summary": summary}


def test_the_spark_job_gives_the_stories_and_events_of_wirewatch_run(runs: dict[str, Any]) -> None:
    store = open_store(runs["single_db"])
    comparison = compare_with_store(runs["out"], store)
    store.close()
    assert comparison.identical, "\n".join(comparison.lines() + [str(e) for e in comparison.examples])
    spark_articles, _ = comparison.articles
    spark_stories, _ = comparison.stories
    assert spark_stories < spark_articles - 10  # copies joined their stories
    assert comparison.events[0] >= 10 and comparison.mentions[0] > comparison.events[0]  # some fused
    # on this input the ids are the same too (docs/spark.md says when they can differ)
    assert comparison.story_ids_differ == 0 and comparison.event_ids_differ == 0


def test_the_summary_counts_and_problems_match_the_tables(runs: dict[str, Any]) -> None:
    from wirewatch.spark.output import OutputDir

    s = runs["summary"]
    out = OutputDir(runs["out"])
    assert out.read_summary()["events"] == s.events
    assert s.dedup_passes >= 1 and s.stories < s.articles_new
    # the missing file; with the seeds, also their gold.json (not article records), as `run` says
    expected = {errors.INPUT_NOT_FOUND: 1} | ({errors.RECORD_WITHOUT_TEXT: 1} if SEEDS.is_dir() else {})
    assert s.skipped == expected
    assert any("missing.txt" in line and errors.INPUT_NOT_FOUND in line for line in s.problem_lines)
    counts = {name: out.dataset(name).count_rows() for name in ("articles", "stories", "mentions", "events")}
    assert counts == {"articles": s.articles_new, "stories": s.stories, "mentions": s.mentions, "events": s.events}
    from wirewatch.export.columns import COLUMNS

    names = out.dataset("events").schema.names
    assert names[: len(COLUMNS)] == list(COLUMNS) and names[-2:] == ["sources", "mention_ids"]
    from wirewatch.cli import spark_summary_lines

    shown = "\n".join(spark_summary_lines(s))
    assert f"{s.articles_new} articles" in shown and f"events {s.events}" in shown and "W001 x1" in shown


def _load_and_check(runs: dict[str, Any], db: str) -> None:
    from wirewatch.spark.load import load_output

    first = load_output(runs["out"], db)
    again = load_output(runs["out"], db)  # a load run twice (after an interruption) adds nothing
    assert first.events == again.events == runs["summary"].events
    store = open_store(db)
    try:
        assert store.count("events") == runs["summary"].events
        comparison = compare_with_store(runs["out"], store)
        assert comparison.identical and comparison.event_ids_differ == comparison.story_ids_differ == 0
    finally:
        store.close()


def test_the_output_loads_into_sqlite_and_a_later_run_goes_on_from_it(runs: dict[str, Any]) -> None:
    db = str(runs["root"] / "loaded.db")
    _load_and_check(runs, db)
    # a new copy of a loaded story joins it through the loaded dedup index
    store = open_store(db)
    story = max(store.iter_stories(), key=lambda st: len(st.members))
    original = store.get_article(story.canonical_article_id)
    copy = runs["root"] / "late_copy.txt"
    copy.write_text(f"{original.title}\n\n{original.text}\n\nThis copy was published later.", encoding="utf-8")
    run_pipeline([str(copy)], store, Options())
    late = [a for a in store.iter_articles() if a.source == str(copy)]
    assert len(late) == 1 and late[0].story_id == story.story_id
    store.close()


def test_the_output_loads_into_postgresql(runs: dict[str, Any], postgres_url: str) -> None:
    _load_and_check(runs, postgres_url)


def test_connected_components_on_the_cluster_match_one_machine(spark: Any) -> None:
    from wirewatch.spark.components import component_labels
    from wirewatch.spark.stories import Link, components

    rng = random.Random(3)
    edges = [(rng.randrange(30), rng.randrange(30)) for _ in range(20)] + [(100 + i, 101 + i) for i in range(8)]
    labels = dict(component_labels(spark.sparkContext.parallelize(edges, 2), 2).collect())
    one = components(Link(u, v, 1.0, str(u), str(v)) for u, v in edges)
    assert labels == {node: root for node, (root, _name) in one.items() if node in labels}
    assert set(labels) == {n for e in edges for n in e if e[0] != e[1]}
    assert labels[108] == 100  # a chain of 9 nodes is one component named after its smallest
