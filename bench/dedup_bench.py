"""Dedup benchmark: story quality, speed and index size, with datasketch MinHashLSH beside us.

    python bench/dedup_bench.py [--sizes 3000] [--big 100000] [--seed 7] [--preset balanced]

Prints, for the generated syndication corpus (bench/synth/syndication.py) and for ECB+
(../shared/bench/ecbplus, when present): pairwise precision, recall, F1 and adjusted Rand
index of wirewatch stories and of datasketch MinHashLSH at its defaults (threshold 0.9,
128 permutations, same 5-word shingles, union of query results); on ECB+ the right answer
for dedup is mostly singletons (different newsrooms' texts), so it reports the merges.
Then throughput of signature + query on ~600-word articles (ours and datasketch), index
bytes per article, and the time to add one article to a database of `--big` articles.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench.synth.syndication import generate_corpus, to_articles  # noqa: E402

from wirewatch.config import DedupOptions  # noqa: E402
from wirewatch.dedup import apply_preset, assign_stories, bandmap  # noqa: E402
from wirewatch.dedup.index import DedupIndex  # noqa: E402
from wirewatch.dedup.shingles import fingerprints, normalise_words  # noqa: E402
from wirewatch.dedup.signature import band_keys, signatures  # noqa: E402
from wirewatch.records import Article  # noqa: E402
from wirewatch.store import open_store  # noqa: E402

ECBPLUS = ROOT.parent / "shared" / "bench" / "ecbplus" / "ecbplus_docs.jsonl"


# -- metrics ----------------------------------------------------------------------------------------
def _c2(x: np.ndarray) -> float:
    return float((x * (x - 1) / 2).sum())


def pair_scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    """Pairwise precision/recall/F1 and adjusted Rand index of a clustering against gold labels."""
    g = {v: i for i, v in enumerate(dict.fromkeys(gold))}
    p = {v: i for i, v in enumerate(dict.fromkeys(pred))}
    cells = Counter((g[a], p[b]) for a, b in zip(gold, pred, strict=True))
    tp = _c2(np.array(list(cells.values()), dtype=float))
    gold_pairs = _c2(np.array(list(Counter(gold).values()), dtype=float))
    pred_pairs = _c2(np.array(list(Counter(pred).values()), dtype=float))
    total = len(gold) * (len(gold) - 1) / 2
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = gold_pairs * pred_pairs / total if total else 0.0
    top = (gold_pairs + pred_pairs) / 2
    ari = (tp - expected) / (top - expected) if top != expected else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ari": ari,
        "pred_pairs": pred_pairs,
        "tp": tp,
    }


def fmt_scores(name: str, sc: dict[str, float], seconds: float, n: int) -> str:
    return (
        f"  {name:<26} P {sc['precision']:.4f}  R {sc['recall']:.4f}  F1 {sc['f1']:.4f}  ARI {sc['ari']:.4f}"
        f"  ({n / seconds:,.0f} articles/s wall)"
    )


# -- the two systems --------------------------------------------------------------------------------
def index_bytes(store) -> int:  # type: ignore[no-untyped-def]
    """Bytes of the dedup tables and their indexes in a SQLite database (dbstat)."""
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE '%dedup%'").scalar_one()
    return int(rows or 0)


def run_wirewatch(
    articles: list[Article], opts: DedupOptions, db: str, batch: int = 1000
) -> tuple[list[str], int, float]:
    """Story ids in article order, the index bytes of the database afterwards, and the seconds
    assign_stories took (storing the articles first is not counted)."""
    store = open_store(db)
    store.add_articles(articles)
    out: dict[str, str] = {}
    t = time.perf_counter()
    for i in range(0, len(articles), batch):
        out.update(assign_stories(store, articles[i : i + batch], opts))
    seconds = time.perf_counter() - t
    size = index_bytes(store)
    store.close()
    return [out[a.article_id] for a in articles], size, seconds


def shingle_strings(text: str, k: int) -> list[bytes]:
    words = normalise_words(text)
    if len(words) < k:
        return [" ".join(words).encode()]
    return [" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)]


def run_datasketch(texts: list[str], k: int, threshold: float = 0.9) -> tuple[list[int], float, float]:
    """datasketch MinHashLSH at its defaults; clusters = union of each document's query results."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold)  # defaults: threshold 0.9, num_perm 128
    parent = list(range(len(texts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sig_s = 0.0
    t0 = time.perf_counter()
    for i, text in enumerate(texts):
        t = time.perf_counter()
        m = MinHash()
        m.update_batch(shingle_strings(text, k))
        sig_s += time.perf_counter() - t
        for j in lsh.query(m):
            parent[find(i)] = find(j)
        lsh.insert(i, m)
    total = time.perf_counter() - t0
    return [find(i) for i in range(len(texts))], total, sig_s


# -- sections -----------------------------------------------------------------------------------------
def clean_articles(items: list[dict]) -> list[Article]:
    """Generated pages through wirewatch.clean (chrome, sign-offs, datelines removed)."""
    from wirewatch.clean import clean_document
    from wirewatch.config import CleanOptions
    from wirewatch.records import RawDocument

    out = []
    for article, item in zip(to_articles(items), items, strict=True):
        raw = RawDocument(
            source=article.source, kind="text", content=item["text"], given_outlet=item["outlet"]
        )
        got = clean_document(raw, CleanOptions(detect_language=False))
        if isinstance(got, Article):
            article.text = got.text
        out.append(article)
    return out


def quality_generated(size: int, seed: int, opts: DedupOptions, tmp: Path, clean: bool = True) -> None:
    items = generate_corpus(size, seed)
    articles = to_articles(items)
    gold = [it["label"] for it in items]
    print(
        f"\n== generated syndication corpus: {len(items)} articles, {len(set(gold))} true stories (seed {seed})"
    )
    pred, _, ours_s = run_wirewatch(articles, opts, str(tmp / f"gen{size}.db"))
    sc = pair_scores(gold, pred)
    print(fmt_scores(f"wirewatch ({opts.preset})", sc, ours_s, len(items)))
    for threshold, name in ((0.9, "datasketch (defaults, 0.9)"), (0.5, "datasketch threshold 0.5")):
        ds_pred, ds_s, _ = run_datasketch([it["text"] for it in items], opts.shingle_size, threshold)
        print(fmt_scores(name, pair_scores(gold, [str(x) for x in ds_pred]), ds_s, len(items)))
    if clean:  # the production path: wirewatch.clean first, then dedup on the clean body
        cleaned = clean_articles(items)
        pred_clean, _, clean_s = run_wirewatch(cleaned, opts, str(tmp / f"gen{size}-clean.db"))
        print(fmt_scores("wirewatch after clean", pair_scores(gold, pred_clean), clean_s, len(items)))
        ds_pred, ds_s, _ = run_datasketch([a.text for a in cleaned], opts.shingle_size, 0.5)
        print(
            fmt_scores(
                "datasketch 0.5 after clean", pair_scores(gold, [str(x) for x in ds_pred]), ds_s, len(items)
            )
        )
    # where our mistakes are
    by_pred: dict[str, list[int]] = {}
    for i, sid in enumerate(pred):
        by_pred.setdefault(sid, []).append(i)
    wrong = Counter()
    for members in by_pred.values():
        labels = Counter(gold[i] for i in members)
        if len(labels) > 1:
            kinds = {items[i]["kind"] for i in members}
            wrong[
                "stories mixing true stories"
                + (f" (formulaic: {sorted(kinds)})" if kinds != {"story"} else "")
            ] += 1
    missed = Counter()
    by_gold: dict[str, set[str]] = {}
    for i, lab in enumerate(gold):
        by_gold.setdefault(lab, set()).add(pred[i])
    for i, lab in enumerate(gold):
        if len(by_gold[lab]) > 1 and pred[i] != pred[gold.index(lab)]:
            for op in items[i]["ops"]:
                missed[op] += 1
    print(
        f"  wirewatch errors: {dict(wrong) or 'no mixed stories'}; split copies by variant op: {dict(missed) or 'none'}"
    )


def quality_ecbplus(opts: DedupOptions, tmp: Path) -> None:
    if not ECBPLUS.exists():
        print(f"\n== ECB+: skipped ({ECBPLUS} not found)")
        return
    docs = [json.loads(line) for line in ECBPLUS.read_text("utf-8").splitlines() if line.strip()]
    articles = [
        Article(article_id=f"ecb{i:04d}", source=d["doc_name"], text=d["text_tokenized"])
        for i, d in enumerate(docs)
    ]
    print(
        f"\n== ECB+: {len(docs)} documents, {len({d['cluster_id'] for d in docs})} events in {len({d['topic'] for d in docs})} topics"
    )
    print(
        "  right answer for dedup: singletons (each document is a newsroom's own text); reported: merged pairs"
    )
    pred, ecb_index, ours_s = run_wirewatch(articles, opts, str(tmp / "ecb.db"))
    print(
        f"  wirewatch index: {ecb_index / len(docs):,.0f} B per article in SQLite "
        "(mostly stories of one: every article holds its own band keys)"
    )
    runs = [("wirewatch", pred, ours_s)]
    for threshold, name in ((0.9, "datasketch (defaults, 0.9)"), (0.5, "datasketch threshold 0.5")):
        ds_pred, ds_s, _ = run_datasketch([d["text_tokenized"] for d in docs], opts.shingle_size, threshold)
        runs.append((name, [str(x) for x in ds_pred], ds_s))
    for name, labels, secs in runs:
        groups: dict[str, list[int]] = {}
        for i, lab in enumerate(labels):
            groups.setdefault(lab, []).append(i)
        pairs = same_event = cross_cluster = cross_topic = 0
        for members in groups.values():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    a, b = docs[members[x]], docs[members[y]]
                    pairs += 1
                    if a["cluster_id"] == b["cluster_id"]:
                        same_event += 1
                    else:
                        cross_cluster += 1
                        cross_topic += a["topic"] != b["topic"]
        alone = sum(1 for members in groups.values() if len(members) == 1)
        vs_events = pair_scores([d["cluster_id"] for d in docs], labels)
        print(
            f"  {name:<26} merged pairs {pairs} (same event {same_event}, cross-cluster {cross_cluster}, of which cross-topic "
            f"{cross_topic}); stories {len(groups)}, {alone} documents left alone; "
            f"vs event clusters P {vs_events['precision']:.4f} R {vs_events['recall']:.4f}  ({len(docs) / secs:,.0f} articles/s)"
        )


def long_articles(items: list[dict], n: int, words: int = 600) -> list[str]:
    """600-word articles (the issue's size): consecutive items of the generated corpus glued
    together, cut after the 600th word."""
    out, cur = [], []
    cut = re.compile(rf"\s*(?:\S+\s+){{{words - 1}}}\S+")
    for it in items:
        cur.append(it["text"])
        if sum(len(t.split()) for t in cur) >= words:
            out.append(cut.match("\n".join(cur)).group(0))  # type: ignore[union-attr]
            cur = []
            if len(out) == n:
                break
    return out


def speed_and_size(big: int, seed: int, opts: DedupOptions, tmp: Path) -> None:
    print(f"\n== index of {big:,} generated articles (SQLite)")
    t = time.perf_counter()
    items = generate_corpus(big + 2000, seed + 1)
    gen_s = time.perf_counter() - t
    base, extra = items[:big], items[big:]
    db = str(tmp / "big.db")
    store = open_store(db)
    t = time.perf_counter()
    articles = to_articles(base)
    store.add_articles(articles)
    store_s = time.perf_counter() - t
    t = time.perf_counter()
    for i in range(0, len(articles), 5000):
        assign_stories(store, articles[i : i + 5000], opts)
    build_s = time.perf_counter() - t
    print(
        f"  generated in {gen_s:.1f} s; stored articles in {store_s:.1f} s; dedup of all {big:,} in {build_s:.1f} s "
        f"({big / build_s:,.0f} articles/s incl. writing stories and story ids)"
    )
    with store.engine.connect() as conn:
        bands = conn.exec_driver_sql("SELECT COUNT(*) FROM dedup_bands").scalar_one()
    index_size = index_bytes(store)
    db_bytes = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    sig_bytes = opts.num_perm * 4
    print(
        f"  index bytes per article: {index_size / big:,.0f} B in SQLite (dedup tables + their indexes); "
        f"logical: signature {sig_bytes} B + {bands / big:.1f} band keys x 8 B = {sig_bytes + 8 * bands / big:,.0f} B; "
        f"whole DB incl. article texts {db_bytes / big:,.0f} B/article"
    )

    # add one article at a time to the full index: a copy of a stored story and a new story
    copies = [a for a in to_articles(extra)]
    times, cpu, joined = [], [], 0
    for a in copies[:40]:
        store.add_articles([a])
        t, c = time.perf_counter(), time.process_time()
        got = assign_stories(store, [a], opts)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        joined += (
            got[a.article_id] != a.article_id
            and store.count("stories") > 0
            and len(store.get_story(got[a.article_id]).members) > 1
        )
    print(
        f"  add one article to {big:,}: assign_stories median {statistics.median(times):.1f} ms wall "
        f"({statistics.median(cpu):.1f} ms CPU), p90 {sorted(times)[int(len(times) * 0.9)]:.1f} ms; "
        f"{joined} of {len(times)} joined an existing story"
    )

    # throughput: signature + query on ~600-word articles, one core
    texts = long_articles(extra[40:] + base[:20000], 2000)
    mean_words = statistics.mean(len(t.split()) for t in texts)
    clock = time.process_time  # CPU seconds of this process: per-core figures on a shared machine
    # The corpus and index objects built above are long-lived: freeze them so that a full garbage
    # collection they trigger does not land inside one timed step (timeit turns collection off
    # for the same reason). Applies to the datasketch figures below alike.
    gc.collect()
    gc.freeze()
    # The in-memory band map: read once per process from the database (timed on its own), then
    # kept current by this process's writes. "database" answers each look-up with indexed queries.
    t, w = clock(), time.perf_counter()
    band_map = bandmap.BandMap.load(store)
    load_cpu, load_wall = clock() - t, time.perf_counter() - w
    tracemalloc.start()  # a second load, traced, for the memory the map holds
    traced = bandmap.BandMap.load(store)
    map_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del traced
    bandmap.remember(store, band_map)
    in_memory = dataclasses.replace(opts, band_map="memory")
    in_database = dataclasses.replace(opts, band_map="database")
    # each step timed in `rounds` rounds (a fresh DedupIndex each time), the median reported:
    # one CPU-time sample on a shared machine varies by a quarter
    rounds = 5
    times: dict[str, list[float]] = {"sig": [], "mh": [], "q": [], "qdb": []}
    for _ in range(rounds):
        t = clock()
        fps = fingerprints(texts, opts.shingle_size, opts.prose_min_words)
        times["sig"].append(clock() - t)
        t = clock()
        sigs = signatures([f.raw for f in fps], opts.num_perm)
        keys = band_keys(sigs, opts.bands)
        times["mh"].append(clock() - t)
        t = clock()
        found = DedupIndex(store, in_memory).by_band_keys(keys.ravel(), opts.max_bucket_stories)
        times["q"].append(clock() - t)
        t = clock()
        found_db = DedupIndex(store, in_database).by_band_keys(keys.ravel().tolist(), opts.max_bucket_stories)
        times["qdb"].append(clock() - t)
        assert found == found_db  # both paths answer alike
    sig_s, mh_s, q_s, qdb_s = (statistics.median(times[k]) for k in ("sig", "mh", "q", "qdb"))
    n = len(texts)
    print(
        f"\n== throughput per core (CPU time, median of {rounds} rounds), {n} articles of {mean_words:.0f} words on average"
    )
    print(
        f"  wirewatch (rensa), band map in memory: {n / (sig_s + mh_s + q_s):,.0f} articles/s signature + query "
        f"(prose+normalise+shingle {n / sig_s:,.0f}/s, MinHash+bands {n / mh_s:,.0f}/s, "
        f"look-up {n / q_s:,.0f}/s); the map of {big:,} articles ({len(band_map.keys):,} band rows) "
        f"loads in {load_cpu:.2f} s CPU ({load_wall:.2f} s wall) and holds {map_bytes / big:,.0f} B per article, once per process"
    )
    print(
        f"  wirewatch (rensa), look-up in SQLite:  {n / (sig_s + mh_s + qdb_s):,.0f} articles/s signature + query "
        f"(look-up in the {big:,}-article index {n / qdb_s:,.0f}/s)"
    )
    from datasketch import MinHash, MinHashLSH

    shingled = [shingle_strings(x, opts.shingle_size) for x in texts]
    lsh = MinHashLSH()
    pre = []
    for i, sh in enumerate(shingled[:500]):
        m = MinHash()
        m.update_batch(sh)
        lsh.insert(i, m)
        pre.append(m)
    ds_times: dict[str, list[float]] = {"sig": [], "q": [], "sh": []}
    for _ in range(rounds):  # the same rounds and median as ours
        t = clock()
        for sh in shingled:
            m = MinHash()
            m.update_batch(sh)
        ds_times["sig"].append(clock() - t)
        t = clock()
        for m in pre:
            lsh.query(m)
        ds_times["q"].append((clock() - t) / len(pre) * n)
        t = clock()
        shingled = [shingle_strings(x, opts.shingle_size) for x in texts]
        ds_times["sh"].append(clock() - t)
    ds_sig, ds_q, shingle_s = (statistics.median(ds_times[k]) for k in ("sig", "q", "sh"))
    print(
        f"  datasketch MinHashLSH:  {n / (shingle_s + ds_sig + ds_q):,.0f} articles/s signature + query "
        f"(shingle strings {n / shingle_s:,.0f}/s, MinHash 128 perm {n / ds_sig:,.0f}/s, in-memory query of "
        f"{len(pre)} {n / ds_q:,.0f}/s)"
    )
    import rensa

    t = clock()
    for sh in shingled:
        r = rensa.RMinHash(128, 42)
        r.update(sh)
    rensa_s = clock() - t
    print(
        f"  same shingle strings, 128 perm, one document at a time: rensa {n / rensa_s:,.0f}/s, datasketch {n / ds_sig:,.0f}/s"
    )
    gc.unfreeze()
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="3000", help="comma-separated sizes of generated corpora for quality")
    ap.add_argument(
        "--big", type=int, default=100_000, help="articles in the index for size and add-one timing"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--preset", default="balanced", choices=["precision", "balanced", "recall"])
    ap.add_argument(
        "--skip", default="", help="comma-separated sections to skip: generated,clean,ecbplus,speed"
    )
    args = ap.parse_args()
    opts = apply_preset(DedupOptions(), args.preset)
    skip = set(args.skip.split(",")) - {""}
    print(
        f"wirewatch dedup bench: preset {opts.preset}, shingles of {opts.shingle_size} words, {opts.num_perm} MinHash "
        f"values in {opts.bands} bands, Jaccard >= {opts.jaccard_threshold} or containment >= {opts.containment_threshold}"
    )
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "generated" not in skip:
            for size in [int(x) for x in args.sizes.split(",") if x]:
                quality_generated(size, args.seed, opts, tmp, clean="clean" not in skip)
        if "ecbplus" not in skip:
            quality_ecbplus(opts, tmp)
        if "speed" not in skip and args.big:
            speed_and_size(args.big, args.seed, opts, tmp)


if __name__ == "__main__":
    main()
