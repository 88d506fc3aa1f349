"""The Spark job's pure parts, without Spark: input planning and reading, fusion groups, story
components, Parquet rows, the output folder and the command's errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wirewatch import errors
from wirewatch.cli import app
from wirewatch.config import FuseOptions, IngestOptions
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.fuse import cluster_mentions
from wirewatch.ingest import read_inputs
from wirewatch.records import EventMention, RawDocument, Story, StoryMember
from wirewatch.spark import inputs as spark_inputs
from wirewatch.spark import tables
from wirewatch.spark.fusion import country_segments, fuse_group, fusion_key, group_segments, reach_days
from wirewatch.spark.inputs import plan_inputs, read_unit
from wirewatch.spark.output import OutputDir
from wirewatch.spark.stories import Link, components

RECORDS = [
    {"title": f"Report {i}", "text": f"Line {i} of a report written for this test. " * 3,
     "url": f"https://example.org/report/{i}", "published_at": f"2025-03-{i + 1:02d}"}
    for i in range(9)
]  # fmt: skip


def _docs(items: list) -> list[tuple[str, str]]:
    return [(d.source, d.content) for d in items if isinstance(d, RawDocument)]


# -- inputs -----------------------------------------------------------------------------------------
def test_a_large_jsonl_file_is_read_in_ranges_with_its_own_line_numbers(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps(r) for r in RECORDS]
    lines.insert(4, "")  # a blank line is numbered and passed over
    lines.insert(6, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(spark_inputs, "SPLIT_BYTES", 300)
    plan = plan_inputs([str(path)], IngestOptions())
    assert len(plan.units) > 2 and not plan.problems
    assert plan.units[0].start == 0 and plan.units[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in zip(plan.units, plan.units[1:], strict=False))
    ranged = [item for unit in plan.units for item in read_unit(unit, IngestOptions())]
    whole = list(read_inputs([str(path)], IngestOptions()))
    assert _docs(ranged) == _docs(whole) and len(_docs(ranged)) == len(RECORDS)
    assert [(p.source, p.code) for p in ranged if isinstance(p, InputProblem)] == [
        (p.source, p.code) for p in whole if isinstance(p, InputProblem)
    ]


def test_parquet_rows_are_read_as_input_records_one_unit_per_row_group(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "records.parquet"
    pq.write_table(pa.Table.from_pylist(RECORDS), path, row_group_size=4)
    jsonl = tmp_path / "records.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    plan = plan_inputs([str(path)], IngestOptions())
    assert [u.part for u in plan.units] == [0, 1, 2] and [u.first_row for u in plan.units] == [0, 4, 8]
    docs = [d for unit in plan.units for d in read_unit(unit, IngestOptions())]
    assert [d.source for d in docs] == [f"{path}[{i}]" for i in range(len(RECORDS))]
    from_jsonl = [d for d in read_inputs([str(jsonl)], IngestOptions()) if isinstance(d, RawDocument)]
    assert [(d.raw_id, d.given_title, d.given_published_at) for d in docs] == [
        (d.raw_id, d.given_title, d.given_published_at) for d in from_jsonl
    ]


def test_a_damaged_parquet_file_is_one_problem_and_the_rest_is_planned(tmp_path: Path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    (tmp_path / "note.txt").write_text("A short note written for this test.", encoding="utf-8")
    plan = plan_inputs([str(tmp_path)], IngestOptions())
    assert [u.path for u in plan.units] == [str(tmp_path / "note.txt")]
    assert [(p.code, "Parquet" in p.message) for p in plan.problems] == [(errors.INPUT_NOT_READABLE, True)]


def test_urls_feeds_stdin_and_missing_paths_are_problems_not_units(tmp_path: Path) -> None:
    feed = tmp_path / "news.rss"
    feed.write_text("<rss><channel></channel></rss>", encoding="utf-8")
    plan = plan_inputs(["-", "https://example.org/a", str(feed), str(tmp_path / "gone.txt")], IngestOptions())
    assert not plan.units
    codes = [p.code for p in plan.problems]
    assert codes == [errors.UNSUPPORTED_INPUT] * 3 + [errors.INPUT_NOT_FOUND]
    assert "no network" in plan.problems[2].message


# -- fusion groups ----------------------------------------------------------------------------------
def _m(n: int, country: str | None, day: str | None, **fields) -> EventMention:
    return EventMention(mention_id=f"m{n:02d}", article_id=f"a{n:02d}", sentence=fields.pop("sentence", ""),
                        country=country, event_date=day, **fields)  # fmt: skip


def _groups(mentions: list[EventMention], options: FuseOptions) -> dict[str, tuple[str, int]]:
    reach = reach_days(options)
    by_country: dict[str | None, list] = {}
    for m in mentions:
        country, window = fusion_key(m)
        by_country.setdefault(country, []).append((m.mention_id, window))
    segment_of, segments = {}, []
    for country, windows in by_country.items():
        assigned, found = country_segments(country, windows, reach)
        segment_of.update(assigned)
        segments.extend(found)
    group_of = group_segments(segments, reach)
    return {mid: group_of[key] for mid, key in segment_of.items()}


def test_mentions_within_reach_of_each_other_are_never_cut_apart() -> None:
    options = FuseOptions()
    reach = reach_days(options)
    # a chain of reports each a few days after the last: one group however long it runs
    chain = [_m(i, "Sudan", f"2025-01-{1 + i * reach:02d}") for i in range(4)]
    far = _m(9, "Sudan", "2025-03-20")
    other = _m(10, "Kenya", "2025-01-01")
    groups = _groups([*chain, far, other], options)
    assert len({groups[m.mention_id] for m in chain}) == 1
    assert groups[far.mention_id] != groups[chain[0].mention_id]
    assert groups[other.mention_id] not in {groups[m.mention_id] for m in [*chain, far]}


def test_an_undated_or_countryless_mention_joins_every_group_it_could_match() -> None:
    options = FuseOptions()
    early, late = _m(1, "Sudan", "2025-01-01"), _m(2, "Sudan", "2025-06-01")
    kenya = _m(3, "Kenya", "2025-06-02")
    assert len({*_groups([early, late, kenya], options).values()}) == 3
    undated = _m(4, "Sudan", None)
    groups = _groups([early, late, kenya, undated], options)
    assert groups[early.mention_id] == groups[late.mention_id] == groups[undated.mention_id] != groups["m03"]
    nowhere = _m(5, None, "2025-06-03")  # no country: may report Kenya's or Sudan's June event
    groups = _groups([early, late, kenya, nowhere], options)
    assert groups["m02"] == groups["m03"] == groups["m05"] != groups["m01"]


def test_fusing_each_group_alone_gives_the_clusters_of_fusing_everything() -> None:
    options = FuseOptions()
    said = "Fighters attacked the town, killing {n} people, officials said."
    fields = {"event_type": "Battles", "sub_event_type": "Armed clash", "location": "Nyala",
              "admin1": "South Darfur", "actor1": "Rapid Support Forces"}  # fmt: skip
    mentions = [
        _m(1, "Sudan", "2025-01-05", sentence=said.format(n=5), fatalities=5, **fields),
        _m(2, "Sudan", "2025-01-05", sentence=said.format(n=6), fatalities=6, **fields),
        _m(3, "Sudan", "2025-02-20", sentence=said.format(n=3), fatalities=3, **fields),
        _m(4, None, "2025-02-21", sentence=said.format(n=3), fatalities=3, **fields),
        _m(5, "Kenya", "2025-01-05", sentence="Police fired tear gas at protesters in Nairobi.",
           event_type="Protests", sub_event_type="Protest with intervention", location="Nairobi"),
    ]  # fmt: skip
    whole = sorted(sorted(m.mention_id for m in c) for c in cluster_mentions(mentions, options))
    by_group: dict[tuple[str, int], list[EventMention]] = {}
    for mid, group in _groups(mentions, options).items():
        by_group.setdefault(group, []).append(next(m for m in mentions if m.mention_id == mid))
    parts = sorted(
        sorted(s.mention_id for s in ev.sources)
        for group in by_group.values()
        for ev in fuse_group(group, {}, options, "2025-03-01T00:00:00+00:00")
    )
    assert parts == whole and len(by_group) >= 2


# -- stories ----------------------------------------------------------------------------------------
def test_story_components_are_named_after_their_earliest_member() -> None:
    links = [Link(5, 3, 0.9, "e", "c"), Link(3, 1, 1.0, "c", "a"), Link(7, 6, 0.8, "g", "f")]
    found = components(links)
    assert {rank: root for rank, (root, _aid) in found.items()} == {1: 1, 3: 1, 5: 1, 6: 6, 7: 6}
    assert found[5] == (1, "a") and found[7] == (6, "f")


# -- tables -----------------------------------------------------------------------------------------
def test_records_round_trip_through_their_parquet_rows() -> None:
    mention = _m(1, "Sudan", "2025-01-05", sentence="A clash.", fatalities=2, story_id="s1")
    row = dict(zip([c for c, _ in tables.MENTION_COLUMNS], tables.mention_row(mention), strict=True))
    assert tables.mention_from_row(row).to_dict() == mention.to_dict()
    story = Story(story_id="s1", canonical_article_id="a1", members=[
        StoryMember(article_id="a1", outlet="Courier", similarity=1.0, chars=120, prose_words=20)])  # fmt: skip
    row = dict(zip([c for c, _ in tables.STORY_COLUMNS], tables.story_row(story), strict=True))
    assert row["member_count"] == 1
    assert tables.story_from_row(row).to_dict() == story.to_dict()
    problem = InputProblem("x.txt", errors.INPUT_EMPTY, "empty file", fatal=False)
    row = dict(zip([c for c, _ in tables.PROBLEM_COLUMNS], tables.problem_row(problem), strict=True))
    assert tables.problem_from_row(row).line() == problem.line()


# -- output folder and the command ------------------------------------------------------------------
def test_the_output_folder_must_be_empty_or_an_earlier_output(tmp_path: Path) -> None:
    OutputDir(str(tmp_path / "new" / "out")).prepare()  # created
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.docx").write_text("mine", encoding="utf-8")
    with pytest.raises(WirewatchError) as caught:
        OutputDir(str(tmp_path / "busy")).prepare()
    assert caught.value.code == errors.BAD_OPTION and "holds other files" in str(caught.value)
    earlier = OutputDir(str(tmp_path / "earlier"))
    earlier.prepare()
    earlier.write_summary({"run_id": "r1"})
    earlier.prepare()  # an earlier output is written over
    assert earlier.read_summary() == {"run_id": "r1"}


def test_the_command_reports_a_bad_setting_and_a_missing_spark_in_one_line(tmp_path: Path, monkeypatch) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["spark", str(tmp_path), "--out", str(tmp_path / "o"), "--conf", "nokey"])
    assert bad.exit_code != 0 and errors.BAD_OPTION in bad.output and "Traceback" not in bad.output
    from wirewatch.spark import session

    monkeypatch.setattr(session, "pyspark_installed", lambda: False)
    missing = runner.invoke(app, ["spark", str(tmp_path), "--out", str(tmp_path / "o")])
    assert missing.exit_code != 0 and "Traceback" not in missing.output
    assert errors.SPARK_UNAVAILABLE in missing.output and "wirewatch[spark]" in missing.output


def test_the_spark_submit_entry_point_is_the_spark_command(capsys) -> None:
    from wirewatch.spark.submit import main

    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert "--out" in shown and "--master" in shown and "Apache Spark" in shown


# -- extraction -------------------------------------------------------------------------------------
def test_extraction_reads_the_capped_view_in_batches_as_wirewatch_run_does() -> None:
    from wirewatch.config import ExtractOptions
    from wirewatch.extract import EXTRACTOR_VERSION, extract_mentions
    from wirewatch.limits import extraction_view
    from wirewatch.records import Article
    from wirewatch.spark.job import _extract

    report = "Gunmen shot dead four police officers at a checkpoint in Jalalabad on Tuesday night, police said. "
    long = Article(article_id="long", source="long.txt", text=report + "Officials met to discuss the budget. " * 40,
                   published_at="2025-03-05")  # fmt: skip
    french = Article(article_id="fr", source="fr.txt", text="Un texte en français.", language="fr")
    opts = ExtractOptions(max_chars=len(report) + 20)
    out = list(_extract([long, french], opts))
    problems = [x[1] for x in out if x[0] == "problem"]
    assert [p.code for p in problems] == [errors.PART_SKIPPED] and not problems[0].fatal
    assert sorted((a.article_id, v) for k, (a, v) in ((k, x) for k, x in out if k == "article")) == [
        ("fr", EXTRACTOR_VERSION), ("long", EXTRACTOR_VERSION)]  # fmt: skip
    mentions = [m for k, (m, _meta) in ((k, x) for k, x in out if k == "mention")]
    expected = extract_mentions(extraction_view(long, opts)[0], opts)
    kept = [m.to_dict() for m in expected if m.confidence >= opts.min_confidence]
    assert mentions and [m.to_dict() for m in mentions] == kept


def test_a_python_worker_keeps_its_zip_importers_between_tasks(spark) -> None:  # type: ignore[no-untyped-def]
    import sys
    import zipimport

    def patched(_: int) -> str:
        import zipimport

        import wirewatch.spark  # noqa: F401  (what a worker imports with the job's first function)

        return zipimport.zipimporter.invalidate_caches.__name__

    names = spark.sparkContext.parallelize([0, 1], 2).map(patched).collect()
    expected = "invalidate_caches" if sys.version_info >= (3, 12) else "_keep_directory"
    assert names == [expected, expected]
    assert zipimport.zipimporter.invalidate_caches.__name__ == "invalidate_caches"  # the driver keeps its own


def test_a_group_is_fused_with_story_copies_collapsed_as_wirewatch_run_fuses() -> None:
    """Two copies of one story (a country-level place) and another story's report nearby: one
    machine clusters the copies once, by their earliest, and that one links to the other report;
    the Spark job fuses each group the same way (the 20,000-article bench found three such)."""
    from wirewatch.fuse.events import cluster_with_story_copies

    common = {"event_type": "Strategic developments", "sub_event_type": "Arrests", "disorder_type": "Strategic developments",
              "iso3": "SOM", "country": "Somalia", "time_precision": 1}  # fmt: skip
    town = EventMention(mention_id="m-town", article_id="a-town", sentence="Police in Baidoa detained activists on Monday.",
                        event_date="2025-03-10", date_low="2025-03-10", date_high="2025-03-10", actor2="Protesters (Somalia)",
                        inter2=6, location="Baidoa", admin1="Bay", latitude=3.11, longitude=43.65, geo_precision=1,
                        modality="alleged", confidence=0.5, story_id="s-town", **common)  # fmt: skip
    copies = [EventMention(mention_id=f"m-copy{i}", article_id=f"a-copy{i}", sentence="Students were arrested on Tuesday." + tail,
                           event_date="2025-03-11", date_low="2025-03-11", date_high="2025-03-11",
                           actor1="Protesters (Somalia)", inter1=6, location="Somalia", latitude=2.04, longitude=45.34,
                           geo_precision=3, modality="reported", confidence=0.5, story_id="s-copy", **common)
              for i, tail in ((1, ""), (2, " ..."))]  # fmt: skip  # an edited copy: other words
    mentions = [town, *copies]
    meta = {m.article_id: {"published_at": "2025-03-12", "story_id": m.story_id} for m in mentions}
    expected, _capped = cluster_with_story_copies(mentions, FuseOptions(), meta)
    events = fuse_group(mentions, meta, FuseOptions(), "2026-01-01T00:00:00+00:00")
    assert sorted(sorted(s.mention_id for s in e.sources) for e in events) == sorted(
        sorted(m.mention_id for m in c) for c in expected
    )
    assert len(expected) == 1 and len(cluster_mentions(mentions, FuseOptions(), meta)) == 2  # the case itself
