"""Load a Spark job's output into a database, so `wirewatch serve` serves it and `wirewatch run`
goes on from it (new articles join its stories through its dedup index and its events).

The load reads the Parquet tables in batches on the driver and writes them with insert-or-ignore,
so a load that was interrupted, run again, finishes with no duplicates. The database must be
empty or hold only this output: merging two separate datasets would need their stories and
events fused together, which `wirewatch run` does article by article.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from wirewatch import errors
from wirewatch.config import Options
from wirewatch.errors import WirewatchError
from wirewatch.spark import tables
from wirewatch.spark.output import OutputDir
from wirewatch.store import Store, open_store

BATCH_ROWS = 2000


@dataclass(slots=True)
class LoadResult:
    db: str
    articles: int = 0
    stories: int = 0
    mentions: int = 0
    events: int = 0
    index_rows: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rows(out: OutputDir, name: str) -> Iterator[list[dict[str, Any]]]:
    try:
        dataset = out.dataset(name)
    except (OSError, ValueError) as exc:
        raise WirewatchError(
            errors.BAD_OPTION, f"{out.location}: no readable '{name}' table ({exc})"
        ) from None
    for batch in dataset.to_batches(batch_size=BATCH_ROWS):
        yield batch.to_pylist()


def _check_target(store: Store, out: OutputDir) -> None:
    """Refuse a database holding articles that are not in this output."""
    held = store.count("articles")
    if not held:
        return
    ours = 0
    for rows in _rows(out, "articles"):
        ours += len(store.known_article_ids(r["article_id"] for r in rows))
    if ours < held:
        raise WirewatchError(
            errors.DATABASE_ERROR,
            f"{store.db}: holds {held - ours} articles that are not in {out.location}; load into an empty "
            "database (or run `wirewatch run` on new articles after loading)",
        )


def load_output(out_location: str, db: str, options: Options | None = None) -> LoadResult:
    """Write every table of the job's output at `out_location` into the database `db`."""
    from wirewatch.dedup.index import DedupIndex
    from wirewatch.dedup.presets import effective_options
    from wirewatch.fuse.fields import changed_fields
    from wirewatch.store import bulk_load
    from wirewatch.store import dedup_index as index_tables

    options = options or Options()
    out = OutputDir(out_location)
    summary = out.read_summary()
    if summary is None:
        raise WirewatchError(
            errors.BAD_OPTION, f"{out_location}: not an output of `wirewatch spark` (no summary.json)"
        )
    store = open_store(db, create=True)
    result = LoadResult(db=db)
    try:
        _check_target(store, out)
        run_id = summary.get("run_id") or uuid.uuid4().hex[:16]
        store.start_run(run_id, list(summary.get("inputs") or []))
        for rows in _rows(out, "articles"):
            articles = [tables.article_from_row(r) for r in rows]
            store.add_articles(articles)
            by_extractor: dict[str, list[str]] = {}
            for r in rows:
                if r["extracted_with"]:
                    by_extractor.setdefault(r["extracted_with"], []).append(r["article_id"])
            for extractor, ids in by_extractor.items():
                bulk_load.mark_extracted(store, ids, extractor)
            result.articles += len(articles)
        for rows in _rows(out, "stories"):
            store.save_stories([tables.story_from_row(r) for r in rows])
            result.stories += len(rows)
        # the index's shape first (it is fixed for the database from its first rows), then its rows
        DedupIndex(store).shaped(effective_options(options.dedup))
        for name in ("dedup_signatures", "dedup_bands"):
            for rows in _rows(out, name):
                index_tables.add_rows(
                    store, rows if name == "dedup_signatures" else [], rows if name == "dedup_bands" else []
                )
                result.index_rows += len(rows)
        for rows in _rows(out, "mentions"):
            bulk_load.insert_mentions(store, [tables.mention_from_row(r) for r in rows])
            result.mentions += len(rows)
        for rows in _rows(out, "events"):
            events = [tables.event_from_row(r) for r in rows]
            history = [
                {"event_id": ev.event_id, "revision": 1, "at": ev.updated_at,
                 "cause_article_id": ev.sources[0].article_id if ev.sources else None,
                 "action": "created", "changes": changed_fields(None, ev)}
                for ev in events
            ]  # fmt: skip
            bulk_load.insert_events(store, events, history)
            result.events += len(events)
        problems = [tables.problem_from_row(r) for rows in _rows(out, "problems") for r in rows]
        if problems and not store.problems(run_id):
            store.add_problems(run_id, problems)
        store.finish_run(run_id, summary | {"loaded": result.to_dict()})
    finally:
        store.close()
    return result
