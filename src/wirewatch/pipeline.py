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
from wirewatch.config import Options
from wirewatch.errors import InputProblem, WirewatchError
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
CODED_LANGUAGES = (None, "en")  # extraction reads English; an article of unknown language is tried


class _Timer:
    def __init__(self, summary: RunSummary, stage: str):
        self.summary, self.stage = summary, stage

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *_exc: object) -> None:
        spent = time.perf_counter() - self.t0
        self.summary.seconds[self.stage] = round(self.summary.seconds.get(self.stage, 0.0) + spent, 4)


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
    """Clean each document and store the new articles; returns the ids of new articles."""
    from wirewatch.clean import clean_document

    new_ids: list[str] = []
    for batch in _batches(documents, BATCH_SIZE):
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
                try:
                    result = clean_document(raw, options.clean)
                except Exception as exc:  # a bug must not stop the run or lose the rest
                    result = InputProblem(
                        raw.source, errors.INTERNAL_ERROR, f"cleaning failed: {type(exc).__name__}: {exc}"
                    )
                if isinstance(result, InputProblem):
                    _note_problem(summary, result, problems, on_problem)
                    continue
                result.ingested_at = result.ingested_at or now_iso()
                fresh.append(result)
        with _Timer(summary, "store"):
            added = store.add_articles(fresh)
            store.add_problems(summary.run_id, problems)
        summary.articles_new += added
        new_ids.extend(a.article_id for a in fresh)
    return new_ids


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
        for batch in _batches(
            _until_stopped(store.iter_articles(without_story=True), summary, should_stop), 1000
        ):
            if on_stage:
                on_stage("dedup", len(batch))
            summary.stories_assigned += len(assign_stories(store, batch, options.dedup))
    if summary.stopped:
        return

    if on_stage_start:
        on_stage_start("extract", store.count_articles(needs_extraction=EXTRACTOR_VERSION))
    with _Timer(summary, "extract"):
        pending = _until_stopped(
            store.iter_articles(needs_extraction=EXTRACTOR_VERSION), summary, should_stop
        )
        for batch in _batches(pending, 100):
            if on_stage:
                on_stage("extract", len(batch))
            results = _extract_batch(batch, options)
            for article in batch:
                extracted = results.get(article.article_id, [])
                _extract_one(store, options, summary, article, on_problem, extracted)
    if summary.stopped:
        return

    if on_stage_start:
        on_stage_start("fuse", store.count_pending_mentions())
    _fuse(store, options, summary, on_stage)


def _extract_batch(batch: list[Article], options: Options) -> dict[str, list | Exception]:
    """Mentions (or the exception extracting them raised) of each article of a batch in a coded
    language, the model run once over the whole batch's sentences; article by article if that fails."""
    from wirewatch.extract.mentions import extract_many, extract_mentions

    coded = [a for a in batch if a.language in CODED_LANGUAGES]
    try:
        return dict(zip([a.article_id for a in coded], extract_many(coded, options.extract), strict=True))
    except Exception:  # the model failed on the batch: find which article makes it fail
        results: dict[str, list | Exception] = {}
        for article in coded:
            try:
                results[article.article_id] = extract_mentions(article, options.extract)
            except Exception as exc:
                results[article.article_id] = exc
        return results


def _extract_one(
    store: Store, options: Options, summary: RunSummary, article: Article, on_problem: ProblemHandler | None,
    extracted: list | Exception,
) -> None:  # fmt: skip
    """One article's mentions (`extracted` by _extract_batch), replacing what an older extractor
    stored; an article in a language extraction does not read is stored with none and counted as
    not coded."""
    from wirewatch.extract import EXTRACTOR_VERSION

    if article.language not in CODED_LANGUAGES:
        language = str(article.language)
        summary.not_coded[language] = summary.not_coded.get(language, 0) + 1
        store.replace_mentions(article.article_id, [], EXTRACTOR_VERSION)
        summary.articles_extracted += 1
        return
    try:
        if isinstance(extracted, Exception):
            raise extracted
        mentions = extracted
    except Exception as exc:  # a bug must not stop the run; the article is retried next run
        problem = InputProblem(
            article.source, errors.INTERNAL_ERROR, f"extraction failed: {type(exc).__name__}: {exc}"
        )
        _note_problem(summary, problem, [], on_problem)
        store.add_problems(summary.run_id, [problem])
        return
    mentions = [m for m in mentions if m.confidence >= options.extract.min_confidence]
    for m in mentions:
        m.story_id = article.story_id
    store.replace_mentions(article.article_id, mentions, EXTRACTOR_VERSION)
    summary.articles_extracted += 1
    summary.mentions += len(mentions)


def _fuse(
    store: Store, options: Options, summary: RunSummary, on_stage: Callable[[str, int], None] | None
) -> None:
    from wirewatch.fuse import fuse_pending

    with _Timer(summary, "fuse"):
        result = fuse_pending(store, options.fuse)
        if on_stage:
            on_stage("fuse", result.mentions_fused)
        summary.events_touched += result.events_touched
        summary.events_new += result.events_created + result.events_split
        summary.events_changed += result.events_updated + result.events_merged + result.events_removed


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
    store.start_run(summary.run_id, summary.inputs)
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
