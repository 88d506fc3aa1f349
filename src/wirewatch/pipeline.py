"""The stage chain: ingest -> clean -> store, then dedup -> extract -> fuse over what is pending.

Articles are stored as soon as they are clean; every later stage works on what the
database says is pending (no story yet, extracted by an older extractor, mentions
without an event). So an interrupted run, rerun, finishes the work with no
duplicates and no loss, and a rerun on the same input adds nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from wirewatch import errors
from wirewatch.batching import batches
from wirewatch.config import Options
from wirewatch.errors import InputProblem, WirewatchError
from wirewatch.extract_batch import (
    CODED_LANGUAGES,
    EXTRACT_BATCH,
    extract_alone,
    extract_batch,
    warm_up_extraction,
)
from wirewatch.records import Article, RawDocument
from wirewatch.store import Store
from wirewatch.store.db import now_iso

BATCH_SIZE = 256


@dataclass(slots=True)
class RunSummary:
    run_id: str
    inputs: list[str]
    documents_read: int = 0
    articles_new: int = 0
    articles_known: int = 0  # already in the database: a rerun adds nothing
    skipped: dict[str, int] = field(default_factory=dict)  # error code -> count
    warnings: dict[str, int] = field(default_factory=dict)
    stories_assigned: int = 0
    articles_extracted: int = 0
    mentions: int = 0
    events_touched: int = 0
    interrupted_runs: list[str] = field(default_factory=list)  # earlier runs found killed, now marked
    seconds: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    not_coded: dict[str, int] = field(default_factory=dict)  # language -> articles stored but not coded
    events_new: int = 0  # events created (or split off) by this run
    events_changed: int = 0  # events revised, merged or removed by this run
    stopped: bool = False  # asked to stop (a signal): what was read is stored, the rest resumes next time

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


ProblemHandler = Callable[[InputProblem], None]
StageStart = Callable[[str, "int | None"], None]  # a stage begins: its name and how many items it has
StopCheck = Callable[[], bool]  # True once the caller wants the run to stop (between articles)


class _Timer:
    def __init__(self, summary: RunSummary, stage: str):
        self.summary, self.stage = summary, stage

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *_exc: object) -> None:
        spent = time.perf_counter() - self.t0
        self.summary.seconds[self.stage] = round(self.summary.seconds.get(self.stage, 0.0) + spent, 4)


def _note_problem(summary: RunSummary, problem: InputProblem, problems: list[InputProblem],
                  on_problem: ProblemHandler | None) -> None:  # fmt: skip
    counter = summary.skipped if problem.fatal else summary.warnings
    counter[problem.code] = counter.get(problem.code, 0) + 1
    problems.append(problem)
    if on_problem:
        on_problem(problem)


def store_documents(
    documents: Iterable[RawDocument | InputProblem], store: Store, options: Options, summary: RunSummary,
    *, on_problem: ProblemHandler | None = None, on_document: Callable[[], None] | None = None,
) -> list[str]:  # fmt: skip
    """Clean each document and store the new articles; returns the ids of new articles.

    Every article of one call has one ingestion time (as the Spark job stamps its articles):
    sources published at the same time are then ordered by id, not by the second the clock
    happened to be in when each was cleaned."""
    new_ids: list[str] = []
    stamp = now_iso()
    for batch in batches(documents, BATCH_SIZE):
        problems: list[InputProblem] = []
        raws: list[RawDocument] = []
        for item in batch:
            if isinstance(item, InputProblem):
                _note_problem(summary, item, problems, on_problem)
            else:
                raws.append(item)
        summary.documents_read += len(raws)
        known = store.known_article_ids(r.raw_id for r in raws)
        fresh: list[Article] = []
        seen: set[str] = set()
        with _Timer(summary, "clean"):
            for raw in raws:
                if on_document:
                    on_document()
                if raw.raw_id in known or raw.raw_id in seen:
                    summary.articles_known += 1
                    continue
                seen.add(raw.raw_id)
                result = _clean_one(raw, options)
                if isinstance(result, InputProblem):
                    _note_problem(summary, result, problems, on_problem)
                    continue
                result.ingested_at = result.ingested_at or stamp
                fresh.append(result)
        with _Timer(summary, "store"):
            stored = store.store_articles(fresh)
            for article in fresh:
                for problem in _storage_problems(article, stored):
                    _note_problem(summary, problem, problems, on_problem)
            store.add_problems(summary.run_id, problems)
        summary.articles_new += stored.added
        new_ids.extend(a.article_id for a in fresh if a.article_id not in stored.refused)
    return new_ids


def _clean_one(raw: RawDocument, options: Options) -> Article | InputProblem:
    """One document cleaned within its time budget; a failure is a problem, never a stop."""
    from wirewatch.budget import OverBudget, time_budget
    from wirewatch.clean import clean_document

    try:
        with time_budget(options.clean.time_budget_s):
            return clean_document(raw, options.clean)
    except OverBudget as over:
        return InputProblem(
            raw.source, errors.OVER_TIME_BUDGET, f"cleaning {over} (clean.time_budget_s); skipped"
        )
    except Exception as exc:  # a bug must not stop the run or lose the rest
        return InputProblem(
            raw.source, errors.INTERNAL_ERROR, f"cleaning failed: {type(exc).__name__}: {exc}"
        )


def _storage_problems(article: Article, stored: Any) -> list[InputProblem]:
    """What storing one article needed (characters repaired) or could not do (refused)."""
    out = []
    repaired = stored.repaired.get(article.article_id)
    if repaired:
        out.append(InputProblem(
            article.source, errors.TEXT_REPAIRED,
            f"{repaired} invalid character{'s' if repaired != 1 else ''} (lone surrogate or NUL) "
            "replaced with U+FFFD before storing", fatal=False,
        ))  # fmt: skip
    refused = stored.refused.get(article.article_id)
    if refused:
        out.append(
            InputProblem(
                article.source, errors.DATABASE_ERROR, f"not stored: the database refused it ({refused})"
            )
        )
    return out


def _stop_requested(summary: RunSummary, should_stop: StopCheck | None) -> bool:
    if should_stop is not None and should_stop():
        summary.stopped = True
    return summary.stopped


def _until_stopped(items: Iterable[Any], summary: RunSummary, should_stop: StopCheck | None) -> Iterator[Any]:
    """The items, until the caller asks to stop (checked before each one)."""
    for item in items:
        if _stop_requested(summary, should_stop):
            return
        yield item


def process_pending(store: Store, options: Options, summary: RunSummary,
                    *, on_stage: Callable[[str, int], None] | None = None,
                    on_problem: ProblemHandler | None = None, on_stage_start: StageStart | None = None,
                    should_stop: StopCheck | None = None) -> None:  # fmt: skip
    """Run dedup, extract and fuse over everything the database says is pending.

    `on_stage_start(name, total)` announces each stage with its number of items; `should_stop`
    is checked between articles: once it says stop, the rest stays pending for the next run."""
    from wirewatch.dedup import assign_stories
    from wirewatch.extract import EXTRACTOR_VERSION

    if on_stage_start:
        on_stage_start("dedup", store.count_articles(without_story=True))
    with _Timer(summary, "dedup"):
        for batch in batches(
            _until_stopped(
                store.iter_articles(without_story=True, by_publication=True), summary, should_stop
            ),
            1000,
        ):
            if on_stage:
                on_stage("dedup", len(batch))
            summary.stories_assigned += len(assign_stories(store, batch, options.dedup))
    if summary.stopped:
        return

    def report(problem: InputProblem) -> None:
        _note_problem(summary, problem, [], on_problem)
        store.add_problems(summary.run_id, [problem])

    if on_stage_start:
        on_stage_start("extract", store.count_articles(needs_extraction=EXTRACTOR_VERSION))
    with _Timer(summary, "extract"):
        pending = _until_stopped(
            store.iter_articles(needs_extraction=EXTRACTOR_VERSION), summary, should_stop
        )
        for batch in batches(pending, EXTRACT_BATCH):
            if on_stage:
                on_stage("extract", len(batch))
            ready = [
                prepared
                for article in batch
                if (
                    prepared := _prepare_extraction(
                        article, store, options, summary, EXTRACTOR_VERSION, report
                    )
                )
            ]
            results = extract_batch(ready, options.extract)
            for article, view in ready:
                _extract_one(article, view, results.get(article.article_id), store, options, summary,
                             EXTRACTOR_VERSION, report)  # fmt: skip
    if summary.stopped:
        return

    if on_stage_start:
        on_stage_start("fuse", store.count_pending_mentions())
    _fuse(store, options, summary, on_stage, report)


def _prepare_extraction(
    article: Article, store: Store, options: Options, summary: RunSummary, version: str, report: ProblemHandler
) -> tuple[Article, Article] | None:  # fmt: skip
    """(article, the capped view extraction reads) for an article to extract; None when it is
    done with here: a language extraction does not read (stored with no mentions, counted as not
    coded), or an article whose extraction never finished `extract.max_attempts` times.

    The attempt is counted before it starts, so an article that kills the process (out of
    memory, or killed by a user who waited too long) is skipped after that many tries instead of
    stalling every later run (W053, naming the article)."""
    from wirewatch.limits import extraction_view

    opts = options.extract
    if article.language not in CODED_LANGUAGES:
        language = str(article.language)
        summary.not_coded[language] = summary.not_coded.get(language, 0) + 1
        store.replace_mentions(article.article_id, [], version)
        summary.articles_extracted += 1
        return None
    warm_up_extraction(opts)
    attempts = store.begin_extraction(article.article_id)
    if attempts > max(opts.max_attempts, 1):
        reason = (
            f"extraction did not finish in {attempts - 1} attempts (killed or failing each time); skipped"
        )
        store.skip_extraction(article.article_id, version, f"{errors.OVER_TIME_BUDGET}: {reason}")
        report(InputProblem(article.source, errors.OVER_TIME_BUDGET, f"{reason} (extract.max_attempts)"))
        return None
    view, capped = extraction_view(article, opts)
    if capped:
        report(capped)
    return article, view


def _extract_one(article: Article, view: Article, extracted: list | Exception | None, store: Store,
                 options: Options, summary: RunSummary, version: str, report: ProblemHandler) -> None:  # fmt: skip
    """One article's mentions (`extracted` by the batch, else extracted here from its `view`
    within `extract.time_budget_s`), stored; one that runs past its budget is marked and skipped
    (W053); a failure is reported and the article retried next run."""
    from wirewatch.budget import OverBudget

    opts = options.extract
    try:
        if isinstance(extracted, Exception):
            raise extracted
        if extracted is None:
            extracted = extract_alone(view, opts)
        mentions = extracted
    except OverBudget as over:
        reason = f"extraction {over} (extract.time_budget_s); marked and skipped"
        store.skip_extraction(article.article_id, version, f"{errors.OVER_TIME_BUDGET}: {reason}")
        report(InputProblem(article.source, errors.OVER_TIME_BUDGET, reason))
        return
    except Exception as exc:  # a bug must not stop the run; the article is retried next run
        report(
            InputProblem(
                article.source, errors.INTERNAL_ERROR, f"extraction failed: {type(exc).__name__}: {exc}"
            )
        )
        return
    mentions = [m for m in mentions if m.confidence >= opts.min_confidence]
    for m in mentions:
        m.story_id = article.story_id
    try:
        store.replace_mentions(article.article_id, mentions, version)
    except Exception as exc:  # the database refused this article's mentions: the others go on
        report(
            InputProblem(article.source, errors.DATABASE_ERROR, f"mentions not stored ({type(exc).__name__})")
        )
        return
    summary.articles_extracted += 1
    summary.mentions += len(mentions)


def _fuse(
    store: Store, options: Options, summary: RunSummary, on_stage: Callable[[str, int], None] | None,
    report: ProblemHandler,
) -> None:  # fmt: skip
    from wirewatch.fuse import fuse_pending

    with _Timer(summary, "fuse"):
        result = fuse_pending(store, options.fuse)
        if on_stage:
            on_stage("fuse", result.mentions_fused)
        summary.events_touched += result.events_touched
        summary.events_new += result.events_created + result.events_split
        summary.events_changed += result.events_updated + result.events_merged + result.events_removed
    for story_id, count in sorted(result.capped_stories.items()):
        report(InputProblem(
            f"story {story_id}", errors.PART_SKIPPED,
            f"{count} more distinct mentions of this story's copies than fuse.max_story_variants "
            f"({options.fuse.max_story_variants}): each joined the event of the story's first mention of its type",
            fatal=False,
        ))  # fmt: skip


def run_documents(
    documents: Iterable[RawDocument | InputProblem], store: Store, options: Options,
    *, inputs: list[str] | None = None, on_problem: ProblemHandler | None = None,
    on_document: Callable[[], None] | None = None, on_stage: Callable[[str, int], None] | None = None,
    on_stage_start: StageStart | None = None, should_stop: StopCheck | None = None,
) -> RunSummary:  # fmt: skip
    """The whole pipeline over documents already read (the API and tests use this).

    `should_stop` is checked between documents and between articles in every stage: once it
    says stop, what was read is stored and the rest is left pending for the next run."""
    summary = RunSummary(run_id=uuid.uuid4().hex[:16], inputs=list(inputs or []))
    summary.interrupted_runs = store.start_run(summary.run_id, summary.inputs)
    if on_stage_start:
        on_stage_start("reading and cleaning", None)
    documents = _until_stopped(documents, summary, should_stop)
    store_documents(documents, store, options, summary, on_problem=on_problem, on_document=on_document)
    if not summary.stopped:
        process_pending(store, options, summary, on_stage=on_stage, on_problem=on_problem,
                        on_stage_start=on_stage_start, should_stop=should_stop)  # fmt: skip
    store.finish_run(summary.run_id, summary.to_dict())
    return summary


def run_pipeline(
    inputs: list[str], store: Store, options: Options | None = None,
    *, on_problem: ProblemHandler | None = None, on_document: Callable[[], None] | None = None,
    on_stage: Callable[[str, int], None] | None = None, on_stage_start: StageStart | None = None,
    should_stop: StopCheck | None = None,
) -> RunSummary:  # fmt: skip
    """Read `inputs` (paths, folders, URLs, feeds, "-") and run every stage; returns counts."""
    from wirewatch.ingest import read_inputs

    options = options or Options()
    return run_documents(
        read_inputs(inputs, options.ingest), store, options, inputs=inputs,
        on_problem=on_problem, on_document=on_document, on_stage=on_stage,
        on_stage_start=on_stage_start, should_stop=should_stop,
    )  # fmt: skip


def ingest_record(
    store: Store, options: Options, record: dict[str, Any], *, source: str = "<record>"
) -> dict[str, Any]:
    """One input record (records.md's input format) through the whole pipeline: its article's id,
    whether it was new, its story, how many mentions it gave and the events they are in.

    A rejected record raises a WirewatchError with the code of its problem (W013: no text, ...);
    `source` names the record in that problem and in the stored article."""
    from wirewatch.ingest.records import record_to_document

    _check_record_size(record, options.ingest.max_bytes, source)
    items = list(record_to_document(record, source))
    fatal = [p for p in items if isinstance(p, InputProblem) and p.fatal]
    if fatal:
        raise WirewatchError(fatal[0].code, fatal[0].message)
    docs = [d for d in items if isinstance(d, RawDocument)]
    summary = run_documents(items, store, options, inputs=[source])
    if summary.skipped:  # cleaning rejected it (no article text, ...)
        code = sorted(summary.skipped)[0]
        problems = [p for p in store.problems(summary.run_id) if p["code"] == code]
        raise WirewatchError(code, problems[0]["message"] if problems else "article rejected")
    article = store.get_article(docs[0].raw_id)
    if article is None:  # pragma: no cover - stored above or rejected with a problem
        raise WirewatchError(errors.DATABASE_ERROR, "article was not stored")
    mentions = list(store.iter_mentions(article_id=article.article_id))
    return {
        "article_id": article.article_id,
        "new": summary.articles_new > 0,
        "story_id": article.story_id,
        "mentions": len(mentions),
        "event_ids": sorted({m.event_id for m in mentions if m.event_id}),
        "warnings": summary.warnings,
    }


def _check_record_size(record: Any, cap: int, source: str) -> None:
    """A posted record's text or HTML over ingest.max_bytes is refused (W005), as a file is."""
    if not isinstance(record, dict):
        return
    for name in ("text", "html"):
        value = record.get(name)
        if isinstance(value, str) and len(value) * 4 > cap:  # only long texts are measured exactly
            size = len(value.encode("utf-8", "surrogatepass"))
            if size > cap:
                raise WirewatchError(
                    errors.INPUT_TOO_LARGE,
                    f"{source}: '{name}' is {size:,} bytes, over the size cap of {cap:,} (ingest.max_bytes)",
                )
