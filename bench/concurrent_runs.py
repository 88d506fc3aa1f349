"""Two `run`s at once on one database, N tries: how many end exactly as one run does (articles,
stories, mentions and events, the clock aside), with the writer lock (what `wirewatch run` does)
and, beside it, without it (two processes writing at will, as before the lock). Each try uses two
threads with their own store, each running the whole pipeline over the demo corpus's wire copies
of one story and two other events. Prints the tallies and the CPU seconds spent.

Run: python bench/concurrent_runs.py [--tries 20] [--pg URL] [--skip-unlocked]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from wirewatch.config import Options
from wirewatch.demo import corpus_path
from wirewatch.pipeline import run_pipeline
from wirewatch.store import open_store
from wirewatch.store.writer_lock import writer_lock

CORPUS = ["01_ians_waziristan_clash.txt", "02_scraped_waziristan_clash.txt", "03_republished_waziristan_clash.txt",
          "04_reuters_nyala_airstrike.txt", "05_nyala_airstrike_sahelnile.html", "10_masisi_clash_m23.txt"]  # fmt: skip


def inputs() -> list[str]:
    return [str(corpus_path() / name) for name in CORPUS]


def snapshot(db: str) -> Any:
    store = open_store(db, create=False)
    try:
        events = sorted(
            (e.to_dict() | {"updated_at": None} for e in store.iter_events()), key=lambda e: e["event_id"]
        )
        return (
            sorted((a.article_id, a.story_id) for a in store.iter_articles()),
            sorted((m.mention_id, m.event_id) for m in store.iter_mentions()),
            events,
        )
    finally:
        store.close()


def one_run(db: str, locked: bool, outcomes: list[str]) -> None:
    store = open_store(db)
    try:
        if locked:
            with writer_lock(store, wait_s=600):
                run_pipeline(inputs(), store, Options())
        else:
            run_pipeline(inputs(), store, Options())
        outcomes.append("ran")
    except Exception as exc:  # noqa: BLE001 - a failed writer is a result to count here
        outcomes.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}")
    finally:
        store.close()


def two_at_once(db: str, locked: bool) -> list[str]:
    outcomes: list[str] = []
    threads = [threading.Thread(target=one_run, args=(db, locked, outcomes)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def fresh_pg(server: str) -> str:
    import psycopg

    name = f"wirewatch_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + "/" + name


def drop_pg(server: str, url: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        name = url.rsplit("/", 1)[1]
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def tally(backend: str, make_db, reference: Any, tries: int, locked: bool, drop=lambda db: None) -> None:  # type: ignore[no-untyped-def]
    same, failures = 0, []
    cpu = time.process_time()
    for _ in range(tries):
        db = make_db()
        outcomes = two_at_once(db, locked)
        failed = [o for o in outcomes if o != "ran"]
        if not failed and snapshot(db) == reference:
            same += 1
        else:
            failures.append("; ".join(failed) or "ran, but the database differs from one run")
        drop(db)
    mode = "with the writer lock" if locked else "without a lock"
    print(f"{backend:10}  {mode:22}  {same:3}/{tries} end as one run  CPU {time.process_time() - cpu:7.1f} s")
    for failure in sorted(set(failures))[:5]:
        print(f"{'':36}{failures.count(failure)} x {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=20)
    parser.add_argument("--pg", help="a PostgreSQL server URL (a database is made per try)")
    parser.add_argument("--skip-unlocked", action="store_true", help="only the locked runs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wirewatch-concurrent-"))
    reference_db = str(work / "one.db")
    run_pipeline(inputs(), open_store(reference_db), Options())
    reference = snapshot(reference_db)
    counter = iter(range(10**6))
    backends = [("sqlite", lambda: str(work / f"try-{next(counter)}.db"), lambda db: None)]
    if args.pg:
        backends.append(("postgresql", lambda: fresh_pg(args.pg), lambda db: drop_pg(args.pg, db)))
    for backend, make_db, drop in backends:
        tally(backend, make_db, reference, args.tries, locked=True, drop=drop)
        if not args.skip_unlocked:
            tally(backend, make_db, reference, args.tries, locked=False, drop=drop)


if __name__ == "__main__":
    main()
