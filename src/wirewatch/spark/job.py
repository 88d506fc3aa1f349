"""The Spark job: the pipeline's stage functions mapped over partitions, with shuffles where a
stage must see articles or mentions together.

    ingest + clean   one task per input unit (file, Parquet row group, JSONL range); the same
                     content read twice is kept once (the first read, as `wirewatch run` does)
    dedup            fingerprints per partition; exact copies by hash and LSH band buckets
                     through shuffles; candidates verified; stories as connected components
                     (spark/stories.py says how this reproduces single-machine assignment)
    extract          a map over partitions; each Python worker loads the spaCy model once
    fuse             mentions grouped by country and date window (spark/fusion.py), each group
                     clustered and fused by the fuse package
    write            Parquet tables under OUT (spark/tables.py), OUT/summary.json; optionally
                     loaded into a database (spark/load.py)
"""

from __future__ import annotations

import heapq
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from wirewatch import errors
from wirewatch.batching import batches
from wirewatch.config import CleanOptions, DedupOptions, ExtractOptions, FuseOptions, IngestOptions, Options
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.records import Article, EventMention, RawDocument
from wirewatch.spark import tables
from wirewatch.spark.components import component_labels
from wirewatch.spark.fusion import country_segments, fuse_group, fusion_key, group_segments, reach_days
from wirewatch.spark.inputs import InputUnit, plan_inputs, read_unit
from wirewatch.spark.output import OutputDir
from wirewatch.spark.stories import (
    ArticlePrint,
    Link,
    article_prints,
    bucket_sightings,
    build_story,
    candidate_plan,
    checks_needed,
    choose_links,
    components,
    date_from_story,
    exact_links,
    holder_rows,
    signature_row,
    stories_found,
    verify_pair,
)

MAX_DEDUP_PASSES = 8  # passes until the stories settle (two on every corpus we measured)
DRIVER_LINKS = 5_000_000  # up to this many dedup links, stories are joined on the driver (~1 GB)
PRINT_BATCH = 2000  # articles fingerprinted together in a partition
PROBLEM_LINES = 200  # problems the summary brings back to the driver to print


@dataclass(slots=True)
class SparkSummary:
    """What one job did (also written to OUT/summary.json)."""

    run_id: str
    inputs: list[str]
    out: str
    master: str = ""
    units: int = 0
    documents_read: int = 0
    articles_new: int = 0
    articles_known: int = 0  # read more than once: kept once
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    stories: int = 0
    dedup_passes: int = 0
    articles_extracted: int = 0
    mentions: int = 0
    events: int = 0
    fusion_groups: int = 0
    largest_fusion_group: int = 0  # mentions in the largest group (fused on one core)
    seconds: dict[str, float] = field(default_factory=dict)
    problem_lines: list[str] = field(default_factory=list)  # the first few, in input order
    loaded_into: str | None = None
    ingested_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


# -- functions the executors run (module level: pickled by reference) ------------------------------
def _read(item: tuple[int, InputUnit], options: IngestOptions) -> Iterator[tuple[tuple[int, int], Any]]:
    number, unit = item
    for position, found in enumerate(read_unit(unit, options)):
        yield (number, position), found


def _first(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
    return a if a[0] <= b[0] else b


def _clean(
    items: Iterable[tuple[tuple[int, int], RawDocument]], options: CleanOptions, stamp: str
) -> Iterator[tuple[str, Any]]:
    from wirewatch.clean import clean_document

    for seq, raw in items:
        try:
            result = clean_document(raw, options)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop the job or lose the rest
            result = InputProblem(
                raw.source, errors.INTERNAL_ERROR, f"cleaning failed: {type(exc).__name__}: {exc}"
            )
        if isinstance(result, InputProblem):
            yield "problem", (seq, result)
        else:
            result.ingested_at = stamp
            yield "article", result


def _prints(articles: Iterable[Article], options: DedupOptions) -> Iterator[tuple[str, ArticlePrint]]:
    for batch in batches(articles, PRINT_BATCH):
        yield from ((p.article_id, p) for p in article_prints(batch, options))


def _sightings(item: tuple[int, Iterable[tuple[int, str, str]]], cap: int) -> Iterator[tuple[int, Any]]:
    return bucket_sightings(list(item[1]), cap)


def _extract(articles: Iterable[Article], options: ExtractOptions) -> Iterator[tuple[str, Any]]:
    """Mentions of each article with what fusion reads of the article (its meta), and problems,
    extracted in batches as `wirewatch run` extracts them (extract_batch.extract_each): the view
    capped by extract.max_chars, the model run once over a batch, an article alone when the batch
    fails or runs over. The spaCy model is loaded once per Python worker."""
    from wirewatch.extract import EXTRACTOR_VERSION
    from wirewatch.extract_batch import CODED_LANGUAGES, EXTRACT_BATCH, extract_each, warm_up_extraction
    from wirewatch.limits import extraction_view

    for batch in batches(articles, EXTRACT_BATCH):
        ready = []
        for a in batch:
            if a.language not in CODED_LANGUAGES:
                yield "article", (a, EXTRACTOR_VERSION)  # stored, not coded, as `run` does
                continue
            view, capped = extraction_view(a, options)
            if capped:
                yield "problem", capped
            ready.append((a, view))
        if ready:
            warm_up_extraction(options)
        for (a, _view), found in zip(ready, extract_each(ready, options), strict=True):
            yield from _extracted(a, found, options, EXTRACTOR_VERSION)


def _extracted(
    a: Article, found: list[EventMention] | BaseException, options: ExtractOptions, version: str
) -> Iterator[tuple[str, Any]]:
    from wirewatch.budget import OverBudget

    if isinstance(found, OverBudget):  # marked and skipped, as `wirewatch run` does
        reason = f"extraction {found} (extract.time_budget_s); marked and skipped"
        yield "problem", InputProblem(a.source, errors.OVER_TIME_BUDGET, reason)
        yield "article", (a, version)
        return
    if isinstance(found, BaseException):  # a bug must not stop the job; the article is retried by a later run
        reason = f"extraction failed: {type(found).__name__}: {found}"
        yield "problem", InputProblem(a.source, errors.INTERNAL_ERROR, reason)
        yield "article", (a, None)
        return
    yield "article", (a, version)
    meta = {"outlet": a.outlet, "url": a.url, "published_at": a.published_at, "story_id": a.story_id,
            "ingested_at": a.ingested_at}  # fmt: skip
    for m in found:
        if m.confidence >= options.min_confidence:
            m.story_id = a.story_id
            yield "mention", (m, meta)


def _fuse(
    item: tuple[Any, Iterable[tuple[EventMention, dict[str, Any]]]], options: FuseOptions, stamp: str
) -> Iterator[tuple[str, Any]]:
    pairs = list(item[1])
    meta = {m.article_id: info for m, info in pairs}
    mentions = [m for m, _ in pairs]
    for event in fuse_group(mentions, meta, options, stamp):
        yield "event", event
    for m in mentions:
        yield "mention", m


# -- the job ----------------------------------------------------------------------------------------
class _Stages:
    def __init__(self, summary: SparkSummary):
        self.summary = summary

    def timed(self, stage: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        try:
            return fn()
        finally:
            self.summary.seconds[stage] = round(
                self.summary.seconds.get(stage, 0.0) + time.perf_counter() - t0, 3
            )


class SparkJob:
    """One run of the pipeline on a SparkSession; `run()` returns the summary."""

    def __init__(
        self,
        session: Any,
        inputs: list[str],
        out: str,
        options: Options,
        *,
        partitions: int | None = None,
        stamp: str | None = None,
        driver_links: int = DRIVER_LINKS,
    ):
        from wirewatch.dedup.presets import effective_options
        from wirewatch.store.db import now_iso

        self.session, self.sc = session, session.sparkContext
        self.options = options
        self.dedup = effective_options(options.dedup)
        self.out = OutputDir(out)
        # one partition per core: each Python task costs ~50 ms of fixed work beside its records,
        # and twice the cores cost 2,000 articles at local[2] a fifth more CPU (docs/spark.md)
        self.parts = partitions or max(self.sc.defaultParallelism, 1)
        self.driver_links = driver_links
        self.stamp = stamp or now_iso()
        self.summary = SparkSummary(run_id=uuid.uuid4().hex[:16], inputs=list(inputs), out=out,
                                    master=self.sc.master, ingested_at=self.stamp)  # fmt: skip
        self.stages = _Stages(self.summary)
        self.cached: list[Any] = []

    def keep(self, rdd: Any) -> Any:
        from pyspark import StorageLevel

        rdd = rdd.persist(StorageLevel.MEMORY_AND_DISK)
        self.cached.append(rdd)
        return rdd

    def run(self) -> SparkSummary:
        self.out.prepare()
        try:
            articles, problems = self.stages.timed("ingest+clean", self.ingest_and_clean)
            articles, stories, index = self.stages.timed("dedup", lambda: self.deduplicate(articles))
            articles, mentions, problems2 = self.stages.timed("extract", lambda: self.extract(articles))
            problems = self.keep(problems.union(problems2).coalesce(self.parts))
            events, mentions = self.stages.timed("fuse", lambda: self.fuse(mentions))
            self.stages.timed(
                "write",
                lambda: self.write(articles, stories, mentions, events, problems, index),
            )
        finally:
            for rdd in self.cached:
                rdd.unpersist()
        self.out.write_summary(self.summary.to_dict())
        return self.summary

    # -- ingest and clean ---------------------------------------------------------------------------
    def ingest_and_clean(self) -> tuple[Any, Any]:
        plan = plan_inputs(self.summary.inputs, self.options.ingest)
        self.summary.units = len(plan.units)
        units = list(enumerate(plan.units))
        slices = max(1, min(len(units), self.parts * 4))
        read = self.keep(
            self.sc.parallelize(units, slices).flatMap(partial(_read, options=self.options.ingest))
        )
        planned = self.sc.parallelize([((-1, i), p) for i, p in enumerate(plan.problems)], 1)
        read_problems = planned.union(read.filter(lambda x: isinstance(x[1], InputProblem)))
        documents = read.filter(lambda x: isinstance(x[1], RawDocument))
        first_reads = documents.map(lambda x: (x[1].raw_id, x)).reduceByKey(_first, self.parts).values()
        cleaned = self.keep(
            first_reads.mapPartitions(partial(_clean, options=self.options.clean, stamp=self.stamp))
        )
        articles = self.keep(cleaned.filter(lambda x: x[0] == "article").map(lambda x: x[1]))
        problems = read_problems.union(cleaned.filter(lambda x: x[0] == "problem").map(lambda x: x[1]))
        kinds = read.map(lambda x: isinstance(x[1], RawDocument)).countByValue()
        self.summary.documents_read = kinds.get(True, 0)
        outcome = cleaned.map(lambda x: x[0]).countByValue()
        self.summary.articles_new = outcome.get("article", 0)
        unique = outcome.get("article", 0) + outcome.get("problem", 0)
        self.summary.articles_known = self.summary.documents_read - unique
        return articles, problems

    # -- dedup --------------------------------------------------------------------------------------
    def deduplicate(self, articles: Any) -> tuple[Any, Any, tuple[Any, Any]]:
        parts, opts = self.parts, self.dedup
        prints = articles.mapPartitions(partial(_prints, options=opts))
        # publication ranks; the prints stay partitioned by rank, so the joins of every pass
        # with them move only the other side
        ranked = prints.map(lambda kv: (kv[1].order, kv[1])).sortByKey(numPartitions=parts).zipWithIndex()
        by_rank = self.keep(ranked.map(lambda x: (x[1], x[0][1])).partitionBy(parts))
        hashed = by_rank.map(lambda rp: (rp[1].text_hash, (rp[0], rp[1].article_id, rp[1].band_keys)))
        exact_and_entries = self.keep(hashed.groupByKey(parts).flatMap(_exact_and_entries))
        exact = exact_and_entries.filter(lambda x: x[0] == "link").map(lambda x: x[1])
        entries = exact_and_entries.filter(lambda x: x[0] == "entry").map(lambda x: x[1])
        labels = _Labels.own(self.sc)
        links, buckets = exact, None
        for number in range(1, MAX_DEDUP_PASSES + 1):
            links, buckets = self.dedup_pass(by_rank, entries, labels, exact)
            new_labels = self.story_labels(by_rank, links)
            changed = new_labels.differs(labels, by_rank, parts)
            labels = new_labels
            self.summary.dedup_passes = number
            if not changed:
                break
        stories, articles = self.stories(articles, by_rank, links, labels)
        signatures = labels.attach(by_rank, parts).map(lambda kv: signature_row(kv[1][0], kv[1][1]))
        cap = opts.max_bucket_stories
        # the last pass looked up the final stories: its buckets give the index rows
        bands = buckets.flatMap(lambda kv: [(kv[0], row[2]) for row in holder_rows(kv[1], cap)])
        return articles, stories, (signatures, bands)

    def dedup_pass(self, by_rank: Any, entries: Any, labels: _Labels, exact: Any) -> tuple[Any, Any]:
        """One pass of candidate look-ups and checks against the stories of the pass before;
        returns the links and the band buckets (band key, its members as (rank, story, id))."""
        parts, opts = self.parts, self.dedup
        members = labels.attach(entries, parts).map(lambda kv: (kv[1][0][0], (kv[0], kv[1][1], kv[1][0][1])))
        buckets = self.keep(members.groupByKey(parts).mapValues(list))
        sightings = buckets.flatMap(partial(_sightings, cap=opts.max_bucket_stories))
        plans = sightings.groupByKey(parts).mapValues(lambda rows: candidate_plan(list(rows), opts))
        wanted = plans.flatMap(lambda kv: [(y, kv[0]) for y in checks_needed(kv[1])])
        copies = wanted.join(by_rank, parts).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))  # x -> (y, print)
        near = by_rank.groupWith(plans, copies).flatMap(partial(_check_and_link, options=opts))
        return self.keep(exact.union(near)), buckets

    def story_labels(self, by_rank: Any, links: Any) -> _Labels:
        """rank -> story id: the components of the links, each named after its earliest member.
        A few links (up to `driver_links`) are joined on the driver; more with large-star /
        small-star on the cluster."""
        few = links.collect() if self.driver_links and links.count() <= self.driver_links else None
        if few is not None:
            from wirewatch.dedup.stories import story_id_for

            # only the articles whose story is another's (a root keeps its own id)
            named = {rank: story_id_for(aid) for rank, (root, aid) in components(few).items() if root != rank}
            similarity: dict[int, float] = {}
            for link in few:
                similarity[link.later] = max(similarity.get(link.later, 0.0), link.similarity)
            return _Labels.from_driver(named, similarity, self.sc)
        parts = self.parts
        roots = component_labels(links.map(lambda link: (link.later, link.earlier)), parts)  # (rank, root)
        article_of = by_rank.mapValues(lambda p: p.article_id)
        named_rdd = (
            roots.map(lambda kv: (kv[1], kv[0])).join(article_of, parts).map(lambda kv: (kv[1][0], kv[1][1]))
        )
        ids = self.keep(article_of.leftOuterJoin(named_rdd, parts).mapValues(_story_of_root))
        similarity_rdd = links.map(lambda link: (link.later, link.similarity)).reduceByKey(max, parts)
        return _Labels(ids, similarity_rdd)

    def stories(self, articles: Any, by_rank: Any, links: Any, labels: _Labels) -> tuple[Any, Any]:
        parts = self.parts
        members = labels.attach_members(by_rank, parts).map(lambda kv: (kv[1][1], _member(*kv[1][0])))
        stories = self.keep(members.groupByKey(parts).map(lambda kv: build_story(kv[1])))
        story_of = stories.flatMap(
            lambda st: [(m.article_id, (st.story_id, st.first_seen)) for m in st.members]
        )
        dated = (
            articles.map(lambda a: (a.article_id, a))
            .join(story_of, parts)
            .map(lambda kv: date_from_story(kv[1][0], *kv[1][1]))
        )
        self.summary.stories = stories.count()
        return stories, self.keep(dated)

    # -- extract ------------------------------------------------------------------------------------
    def extract(self, articles: Any) -> tuple[Any, Any, Any]:
        found = self.keep(articles.mapPartitions(partial(_extract, options=self.options.extract)))
        extracted = found.filter(lambda x: x[0] == "article").map(lambda x: x[1])
        mentions = self.keep(found.filter(lambda x: x[0] == "mention").map(lambda x: x[1]))
        problems = found.filter(lambda x: x[0] == "problem").map(lambda x: ((1 << 30, 0), x[1]))
        outcome = found.map(lambda x: x[0] if x[0] != "article" or x[1][1] else "failed").countByValue()
        self.summary.articles_extracted = outcome.get("article", 0)
        self.summary.mentions = outcome.get("mention", 0)
        return extracted, mentions, problems

    # -- fuse ---------------------------------------------------------------------------------------
    def fuse(self, mentions: Any) -> tuple[Any, Any]:
        parts, reach = self.parts, reach_days(self.options.fuse)
        keyed = mentions.map(lambda mm: (mm[0].mention_id, mm))
        # keyed by country, "" for none: a shuffle that spills sorts its keys, and None sorts with no text
        windows = mentions.map(lambda mm: (fusion_key(mm[0]), mm[0].mention_id)).map(
            lambda kv: (kv[0][0] or "", (kv[1], kv[0][1]))
        )
        segmented = self.keep(
            windows.groupByKey(parts).map(lambda kv: country_segments(kv[0], list(kv[1]), reach))
        )
        summaries = segmented.flatMap(lambda t: t[1]).collect()
        group_of = self.sc.broadcast(group_segments(summaries, reach))
        sizes: dict[Any, int] = {}
        for s in summaries:
            group = group_of.value[s.key]
            sizes[group] = sizes.get(group, 0) + s.mentions
        self.summary.fusion_groups = len(sizes)
        self.summary.largest_fusion_group = max(sizes.values(), default=0)
        segment_of = segmented.flatMap(lambda t: t[0])
        grouped = keyed.join(segment_of, parts).map(lambda kv: (group_of.value[kv[1][1]], kv[1][0]))
        fused = self.keep(
            grouped.groupByKey(parts).flatMap(partial(_fuse, options=self.options.fuse, stamp=self.stamp))
        )
        events = fused.filter(lambda x: x[0] == "event").map(lambda x: x[1])
        linked = fused.filter(lambda x: x[0] == "mention").map(lambda x: x[1])
        self.summary.events = events.count()
        return events, linked

    # -- write --------------------------------------------------------------------------------------
    def write(
        self, articles: Any, stories: Any, mentions: Any, events: Any, problems: Any, index: tuple[Any, Any]
    ) -> None:
        rows = {
            "articles": articles.map(lambda ax: tables.article_row(ax[0], ax[1])),
            "stories": stories.map(tables.story_row),
            "mentions": mentions.map(tables.mention_row),
            "events": events.map(tables.event_table_row),
            "problems": problems.map(lambda kv: tables.problem_row(kv[1])),
            "dedup_signatures": index[0].map(lambda r: tuple(r[c] for c, _ in tables.SIGNATURE_COLUMNS)),
            "dedup_bands": index[1],
        }
        for name, rdd in rows.items():
            frame = self.session.createDataFrame(rdd, tables.spark_schema(tables.TABLES[name]))
            frame.write.mode("overwrite").option("compression", "zstd").parquet(self.out.table(name))
        counts, first = problems.mapPartitions(_problem_digest).reduce(_merge_digests)
        for (code, fatal), n in sorted(counts.items()):
            target = self.summary.skipped if fatal else self.summary.warnings
            target[code] = target.get(code, 0) + n
        self.summary.problem_lines = [p.line() for _, p in first]


def _story_of_root(ids: tuple[str, str | None]) -> str:
    from wirewatch.dedup.stories import story_id_for

    own, root = ids
    return story_id_for(root or own)


class _Labels:
    """Each article's story id while dedup runs, and the similarity it joined with.

    Worked out on the driver (a few links): a broadcast table of the articles whose story is
    another's, and every other article keeps its own id. Worked out on the cluster: RDDs keyed
    by rank, joined where they are needed."""

    def __init__(self, ids: Any, similarity: Any, named: dict[int, str] | None = None, table: Any = None):
        self.ids, self.similarity, self.named, self.table = ids, similarity, named, table

    @classmethod
    def own(cls, sc: Any) -> _Labels:
        return cls.from_driver({}, {}, sc)

    @classmethod
    def from_driver(cls, named: dict[int, str], similarity: dict[int, float], sc: Any) -> _Labels:
        return cls(None, None, named, sc.broadcast((named, similarity)))

    def attach(self, rdd: Any, parts: int) -> Any:
        """(rank, value) -> (rank, (value, story id))."""
        if self.table is None:
            return rdd.join(self.ids, parts)
        table = self.table
        return rdd.map(lambda kv: (kv[0], (kv[1], table.value[0].get(kv[0]) or _own_story(kv[1]))))

    def attach_members(self, by_rank: Any, parts: int) -> Any:
        """(rank, print) -> (rank, ((print, similarity or None), story id))."""
        if self.table is None:
            with_similarity = by_rank.leftOuterJoin(self.similarity, parts)
            return with_similarity.join(self.ids, parts)
        table = self.table
        return by_rank.map(
            lambda kv: (
                kv[0],
                ((kv[1], table.value[1].get(kv[0])), table.value[0].get(kv[0]) or _own_story(kv[1])),
            )
        )

    def differs(self, other: _Labels, by_rank: Any, parts: int) -> bool:
        if self.named is not None and other.named is not None:
            return self.named != other.named
        mine, theirs = self.attach(by_rank, parts), other.attach(by_rank, parts)
        pairs = mine.mapValues(lambda v: v[1]).join(theirs.mapValues(lambda v: v[1]), parts)
        return not pairs.filter(lambda kv: kv[1][0] != kv[1][1]).isEmpty()


def _own_story(value: Any) -> str:
    """The story id an article has alone: from its print, or its id in an index entry."""
    from wirewatch.dedup.stories import story_id_for

    return story_id_for(value.article_id if isinstance(value, ArticlePrint) else value[1])


def _exact_and_entries(
    item: tuple[str, Iterable[tuple[int, str, tuple[int, ...]]]],
) -> Iterator[tuple[str, Any]]:
    """Articles with one text hash: links of the later ones to the earliest, and the band-index
    entries (rank, (band key, id)) of the earliest (an exact copy adds nothing to the index)."""
    holders = sorted(item[1])
    for link in exact_links((rank, aid) for rank, aid, _keys in holders):
        yield "link", link
    rank, aid, keys = holders[0]
    for key in keys:
        yield "entry", (rank, (key, aid))


def _check_and_link(
    item: tuple[int, tuple[Iterable[Any], Iterable[Any], Iterable[Any]]], options: DedupOptions
) -> list[Link]:
    """One article: its print, its candidate stories and the prints of the copies to check ->
    the checks, then its links."""
    x, (own, plans, copies) = item
    plan = next(iter(plans), None)
    mine = next(iter(own), None)
    if plan is None or mine is None:
        return []
    checked = {y: verify_pair((x, mine), (y, p), options) for y, p in copies}
    return choose_links(stories_found(plan, checked), options)


def _problem_digest(items: Iterable[tuple[tuple[int, int], InputProblem]]) -> Iterator[tuple[Counter, list]]:
    """A partition's problems: counts by (code, fatal) and the first few in input order."""
    counts: Counter[tuple[str, bool]] = Counter()
    first: list[tuple[tuple[int, int], InputProblem]] = []
    for seq, problem in items:
        counts[(problem.code, problem.fatal)] += 1
        first.append((seq, problem))
        if len(first) > 2 * PROBLEM_LINES:
            first = heapq.nsmallest(PROBLEM_LINES, first, key=lambda sp: sp[0])
    yield counts, heapq.nsmallest(PROBLEM_LINES, first, key=lambda sp: sp[0])


def _merge_digests(a: tuple[Counter, list], b: tuple[Counter, list]) -> tuple[Counter, list]:
    return a[0] + b[0], heapq.nsmallest(PROBLEM_LINES, a[1] + b[1], key=lambda sp: sp[0])


def _member(p: ArticlePrint, similarity: float | None) -> Any:
    member = p.member
    member.similarity = similarity if similarity is not None else 1.0
    return member


def run_spark(
    inputs: list[str], out: str, options: Options | None = None, *, session: Any = None,
    master: str | None = None, conf: dict[str, str] | None = None, partitions: int | None = None,
    load: str | None = None, stamp: str | None = None,
) -> SparkSummary:  # fmt: skip
    """Run the whole pipeline on Spark over `inputs` (files and folders: WARC, JSONL, Parquet,
    text, HTML) and write Parquet tables to `out`; with `load`, load them into that database.

    `session`: a SparkSession to use (else one is started: `master`, else the one spark-submit
    set up, else local[*], with `conf` added). `stamp` is every article's ingested_at and every
    event's updated_at (the job's start unless given)."""
    from wirewatch.spark.session import spark_session

    options = options or Options()
    own = session is None
    session = session or spark_session(master, conf)
    try:
        summary = SparkJob(session, inputs, out, options, partitions=partitions, stamp=stamp).run()
    except WirewatchError:
        raise
    except Exception as exc:  # noqa: BLE001 - a failed Spark job (Py4JJavaError and kin) is one line
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        raise WirewatchError(errors.SPARK_UNAVAILABLE, f"the Spark job failed ({reason})") from None
    finally:
        if own:
            session.stop()
    if load:
        from wirewatch.spark.load import load_output

        load_output(out, load, options)
        summary.loaded_into = load
        OutputDir(out).write_summary(summary.to_dict())
    return summary


def summary_json(summary: SparkSummary) -> str:
    return json.dumps(summary.to_dict(), indent=2)
