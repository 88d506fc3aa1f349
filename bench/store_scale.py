"""Store scale: the per-article cost of ingest (the store's write), dedup and fusion of the next
articles, on top of 10k, 100k and 1M stored articles, on the generated feed; and peak memory.

"Flat" means the next articles cost the same whatever is stored already. Building a stored base of
a million articles through the whole pipeline would take hours on a shared 2-core machine, so the
base is written with bulk inserts through the store's API, in the shape a real run leaves:
- articles with short generated texts (their ids, outlets and times as real ones);
- their dedup index rows (one signature and 16 band keys each; the keys are random, as those of
  distinct texts are, so no base article is a copy of a new one);
- 13% of them with an event (the generated feed's event share) and one linked mention each, dated
  back from the feed's first day at one year per million articles (a monitor's steady intake, so
  the events near the new articles' dates are as many at every size), in the countries with the
  most conflict events (`synth/conflict_events.py`).
The bases are cached (`--cache`). Then, in a fresh process per size, on a copy of the base: the
next `--next` articles of the generated feed (`synth/news_feed.py`) are stored (`add_articles`),
given stories (`assign_stories`, in batches of 500), their mentions stored (the extractor's output,
computed once and cached: not timed, it does not touch the store) and fused (`fuse_pending`).
Each phase's CPU seconds are the process's own (SQLite runs in it); peak RSS is the process's.

Run: python bench/store_scale.py [--sizes 10000,100000,1000000] [--next 1000] [--cache DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import news_feed  # noqa: E402
from synth.conflict_events import generate_events  # noqa: E402

FEED_START = dt.date(2025, 3, 1)
ARTICLES_PER_DAY = 1_000_000 / 365  # the base's intake: a million articles a year
EVENT_SHARE = 0.13
BANDS = 16
SEED = 29


def default_cache() -> Path:
    env = os.environ.get("WIREWATCH_BENCH_CACHE")
    if env:
        return Path(env)
    return Path("/work/cache/wirewatch") if Path("/work/cache").is_dir() else Path.home() / ".cache/wirewatch-bench"


# -- the stored base ----------------------------------------------------------------------------------
def _base_articles(start: int, count: int, rng: random.Random):
    from wirewatch.records import Article, content_id

    words = "the a report said forces town market road council police water school people".split()
    out = []
    for i in range(start, start + count):
        when = dt.datetime.combine(FEED_START, dt.time(6)) - dt.timedelta(days=(i + 1) / ARTICLES_PER_DAY)
        text = " ".join(rng.choice(words) for _ in range(60)) + f" Item {i}."
        out.append(Article(article_id=content_id("base-article", str(i)), source=f"base/{i}.txt", text=text,
                           title=f"Base item {i}", outlet=f"Outlet {i % 97}", url=f"https://outlet{i % 97}.example/{i}",
                           published_at=when.isoformat(timespec="seconds"), language="en",
                           story_id=content_id("base-article", str(i))))  # fmt: skip
    return out


def build_base(db: str, size: int) -> None:
    """`size` base articles with their index rows, events and mentions, through the store."""
    from wirewatch.records import EventMention, content_id
    from wirewatch.store import dedup_index as tables
    from wirewatch.store import open_store
    from wirewatch.store.fusion_queries import insert_events_bulk, insert_mentions_bulk

    rng = random.Random(SEED)
    store = open_store(db)
    batch = 20_000
    for start in range(0, size, batch):
        articles = _base_articles(start, min(batch, size - start), rng)
        store.add_articles(articles)
        signatures = [{"article_id": a.article_id, "text_hash": content_id("hash", a.article_id), "shingle_count": 60,
                       "signature": rng.randbytes(8 * BANDS), "story_id": a.story_id} for a in articles]  # fmt: skip
        bands = [{"band_key": rng.getrandbits(63) - (1 << 62), "article_id": a.article_id}
                 for a in articles for _ in range(BANDS)]  # fmt: skip
        tables.add_rows(store, signatures, bands)
    n_events = int(size * EVENT_SHARE)
    span = size / ARTICLES_PER_DAY  # days the base covers

    def events():
        for k, ev in enumerate(generate_events(n_events, seed=SEED)):
            day = (FEED_START - dt.timedelta(days=1 + int(rng.random() * span))).isoformat()
            ev.event_date = ev.date_low = ev.date_high = ev.first_reported_at = day
            article = content_id("base-article", str(int(k / EVENT_SHARE)))
            ev.sources = [{"article_id": article, "story_id": article, "mention_id": content_id("bm", str(k)),
                           "published_at": day, "spans": [], "values": {"fatalities": ev.fatalities}}]  # fmt: skip
            ev.source_count = ev.independent_source_count = 1
            yield ev

    stored = list(events())
    insert_events_bulk(store, stored)
    insert_mentions_bulk(store, (
        EventMention(mention_id=ev.sources[0]["mention_id"], article_id=ev.sources[0]["article_id"],
                     sentence=ev.notes or "", event_date=ev.event_date, date_low=ev.date_low, date_high=ev.date_high,
                     event_type=ev.event_type, sub_event_type=ev.sub_event_type, actor1=ev.actor1, actor2=ev.actor2,
                     country=ev.country, iso3=ev.iso3, admin1=ev.admin1, location=ev.location,
                     latitude=ev.latitude, longitude=ev.longitude, fatalities=ev.fatalities,
                     story_id=ev.sources[0]["story_id"], event_id=ev.event_id)
        for ev in stored
    ))  # fmt: skip
    store.close()


def base_database(size: int, cache: Path) -> Path:
    from wirewatch.store.schema import SCHEMA_VERSION

    path = cache / f"scale-base-{size}-v{SCHEMA_VERSION}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".building")
        tmp.unlink(missing_ok=True)
        t0 = time.process_time()
        print(f"building a base of {size:,} articles into {path} ...", flush=True)
        build_base(str(tmp), size)
        tmp.rename(path)
        print(f"  built in {time.process_time() - t0:.0f} CPU-s", flush=True)
    return path


# -- the next articles and their mentions ----------------------------------------------------------------
def next_articles(n: int):
    return news_feed.to_articles(news_feed.generate_feed(n, seed=SEED), "feed")


def cached_mentions(n: int, cache: Path) -> dict[str, list[dict]]:
    """article_id -> the extractor's mentions of it (run once, cached: extraction is not measured)."""
    path = cache / f"scale-next-{n}-mentions.json"
    if not path.exists():
        from wirewatch.config import ExtractOptions
        from wirewatch.extract import extract_mentions
        from wirewatch.extract.mentions import EXTRACTOR_VERSION

        print(f"extracting the mentions of the next {n} articles once (cached in {path}) ...", flush=True)
        options = ExtractOptions()
        found = {a.article_id: [m.to_dict() for m in extract_mentions(a, options)] for a in next_articles(n)}
        path.write_text(json.dumps({"extractor": EXTRACTOR_VERSION, "mentions": found}))
    return json.loads(path.read_text())


def flush_to_disk(path: Path) -> None:
    """Write the fresh copy of a base to disk before it is measured. Left in the page cache, its
    gigabytes were written out by the first WAL checkpoint's fsync, inside the timed ingest (1M:
    0.14-0.17 of 0.25 CPU-s was system time, 0.04-0.06 once the copy was on disk); a monitor's
    database is on disk already."""
    with open(path, "rb+") as stream:
        os.fsync(stream.fileno())


# -- the measurement (in a fresh process per size) --------------------------------------------------------
def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM starts afresh at exec; ru_maxrss keeps the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(db: str, n: int, mentions_file: str) -> dict:
    from wirewatch.config import DedupOptions, FuseOptions
    from wirewatch.dedup import assign_stories
    from wirewatch.fuse import fuse_pending
    from wirewatch.records import EventMention
    from wirewatch.store import open_store

    articles = next_articles(n)
    cached = json.loads(Path(mentions_file).read_text())
    found, extractor = cached["mentions"], cached["extractor"]
    store = open_store(db)
    rss0 = peak_rss_mb()
    out: dict = {}
    t = time.process_time()
    for k in range(0, n, 500):
        store.add_articles(articles[k : k + 500])
    out["ingest"] = time.process_time() - t
    t = time.process_time()
    stories: dict[str, str] = {}
    for k in range(0, n, 500):
        stories.update(assign_stories(store, articles[k : k + 500], DedupOptions()))
    out["dedup"] = time.process_time() - t
    mentions = 0
    for a in articles:
        ms = [EventMention.from_dict(d) for d in found.get(a.article_id, [])]
        for m in ms:
            m.story_id = stories.get(a.article_id)
        store.replace_mentions(a.article_id, ms, extractor)
        mentions += len(ms)
    t = time.process_time()
    result = fuse_pending(store, FuseOptions())
    out["fuse"] = time.process_time() - t
    out["mentions"] = mentions
    out["touched"] = getattr(result, "events_touched", None)
    out["stored_events"] = store.count("events")
    out["peak_rss_mb"] = peak_rss_mb()
    out["base_rss_mb"] = rss0
    out["spacy_loaded"] = "spacy" in sys.modules
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--next", type=int, default=1000, help="articles ingested on top of each base")
    parser.add_argument("--cache", type=Path, default=default_cache())
    parser.add_argument("--measure", nargs=3, metavar=("DB", "N", "MENTIONS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        db, n, mentions = args.measure
        print("RESULT " + json.dumps(measure(db, int(n), mentions)))
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cached_mentions(args.next, args.cache)
    mentions_file = args.cache / f"scale-next-{args.next}-mentions.json"
    print(f"the next {args.next} articles of the generated feed on top of a stored base (bulk-built through the "
          f"store's API, see the docstring); SQLite; CPU seconds of the measuring process; "
          f"load average {os.getloadavg()[0]:.1f}\n")  # fmt: skip
    rows = []
    for size in sizes:
        base = base_database(size, args.cache)
        work = args.cache / f"scale-work-{size}.sqlite"
        shutil.copyfile(base, work)
        flush_to_disk(work)
        cmd = [sys.executable, __file__, "--measure", str(work), str(args.next), str(mentions_file)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        if done.returncode != 0:
            print(f"{size:>9,}: failed\n{done.stderr[-2000:]}")
            continue
        rows.append((size, json.loads(done.stdout.rsplit("RESULT ", 1)[1])))
        r = rows[-1][1]
        print(f"  base {size:,}: {r}", flush=True)
    n = args.next
    print(f"\n{'stored articles':>15} {'ingest art/CPU-s':>17} {'dedup art/CPU-s':>16} {'fuse art/CPU-s':>15} "
          f"{'all three':>10} {'mentions':>9} {'events touched':>15} {'peak RSS MB':>12}")  # fmt: skip
    for size, r in rows:
        total = r["ingest"] + r["dedup"] + r["fuse"]
        print(f"{size:>15,} {n / r['ingest']:>17,.0f} {n / r['dedup']:>16,.0f} {n / r['fuse']:>15,.0f} "
              f"{n / total:>10,.0f} {r['mentions']:>9} {str(r['touched']):>15} {r['peak_rss_mb']:>12,.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
