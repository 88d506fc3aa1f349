"""Cleaning quality on the ScrapingHub article-extraction benchmark (../shared/bench/article_extraction).

Token-level precision, recall and F1 of the body text against each page's `articleBody`
(word tokens, multiset overlap), for wirewatch's `clean_document` and for plain
`trafilatura.extract(html)` side by side in the same run. Micro figures pool tokens over all
pages; macro F1 averages the per-page F1. A second table scores 4-token shingles with precision
and recall averaged over pages, like the benchmark's own evaluation script (its published figures differ slightly).
Prints figures only; floors are pinned elsewhere.

    python bench/clean_quality.py [--data PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import trafilatura

from wirewatch.clean import clean_document
from wirewatch.config import CleanOptions
from wirewatch.records import Article, RawDocument

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "article_extraction"
# gold files whose "articles" say what cleaning must give: our dev set and the real seeds
METADATA_GOLD = [
    REPO / "tests" / "data" / "devset" / "gold.json",
    REPO.parent / "shared" / "seeds" / "gold.json",
]
METADATA_FIELDS = ("title", "agency", "dateline_place", "published_at")
_TOKEN = re.compile(r"\w+")


def token_counts(pred: str, true: str) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) over word-token multisets."""
    p, t = Counter(_TOKEN.findall(pred or "")), Counter(_TOKEN.findall(true or ""))
    tp = sum((p & t).values())
    return tp, sum(p.values()) - tp, sum(t.values()) - tp


def shingle_counts(pred: str, true: str, n: int = 4) -> tuple[int, int, int]:
    """Like token_counts, over runs of n consecutive word tokens."""

    def shingles(text: str) -> Counter:
        tokens = _TOKEN.findall(text or "")
        return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))

    p, t = shingles(pred), shingles(true)
    tp = sum((p & t).values())
    return tp, sum(p.values()) - tp, sum(t.values()) - tp


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def wirewatch_text(html: str, url: str | None) -> str:
    raw = RawDocument(source=url or "page", kind="html", content=html)
    result = clean_document(raw, CleanOptions(detect_language=False))
    return result.text if isinstance(result, Article) else ""


def trafilatura_text(html: str, url: str | None) -> str:
    return trafilatura.extract(html) or ""


SYSTEMS = {"wirewatch clean_document": wirewatch_text, "trafilatura.extract (defaults)": trafilatura_text}


def load_pages(data: Path, limit: int | None) -> list[tuple[str, str, str | None, str]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        raw = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
        html = raw.decode("utf-8", errors="replace")
        pages.append((key, html, truth[key].get("url"), truth[key].get("articleBody") or ""))
    return pages


def metadata_report(gold_files: list[Path]) -> None:
    """Per-field agreement with gold files' "articles" (text-level metadata and body snippets).

    No peer tool reads headlines, agencies and datelines from scraped text, so these figures
    stand alone. `published_at (day)` compares the date part only.
    """
    hits: dict[str, list[int]] = {}
    for gold_path in gold_files:
        if not gold_path.exists():
            continue
        folder = (
            gold_path.parent / "articles" if (gold_path.parent / "articles").is_dir() else gold_path.parent
        )
        for name, gold in json.loads(gold_path.read_text(encoding="utf-8")).get("articles", {}).items():
            path = folder / name
            if not path.exists():
                continue
            kind = "html" if path.suffix in (".html", ".htm") else "text"
            raw = RawDocument(source=str(path), kind=kind, content=path.read_text(encoding="utf-8"))
            article = clean_document(raw, CleanOptions())
            if not isinstance(article, Article):
                hits.setdefault("cleaned", []).append(0)
                continue
            hits.setdefault("cleaned", []).append(1)
            for field in METADATA_FIELDS:
                if field in gold:
                    hits.setdefault(field, []).append(int(getattr(article, field) == gold[field]))
            if gold.get("published_at") is not None or "published_at" in gold:
                want, got = gold.get("published_at"), article.published_at
                hits.setdefault("published_at (day)", []).append(int((want or "")[:10] == (got or "")[:10]))
            for snippet in gold.get("body_must_include", []):
                hits.setdefault("body keeps must-include", []).append(int(snippet in article.text))
            for snippet in gold.get("body_must_exclude", []):
                hits.setdefault("body drops must-exclude", []).append(int(snippet not in article.text))
    if not hits:
        return
    print(
        "\ntext-level metadata against gold articles (dev set and seeds; no peer tool reads these from text)"
    )
    print(f"{'field':28s} {'agree':>7s} {'of':>5s} {'share':>6s}")
    for field, values in hits.items():
        print(f"{field:28s} {sum(values):7d} {len(values):5d} {sum(values) / len(values):6.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--worst", type=int, default=0, help="list the N pages where wirewatch loses most")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").exists():
        print(f"no benchmark data at {args.data}; skipping the extraction benchmark")
        metadata_report(METADATA_GOLD)
        return 0
    pages = load_pages(args.data, args.limit)
    rows = []
    per_page: dict[str, dict[str, float]] = {}
    for name, run in SYSTEMS.items():
        run(pages[0][1], pages[0][2])  # warm-up: imports and model loading are not per-page costs
        tp = fp = fn = 0
        f1s = []
        shingle_p, shingle_r = [], []
        outputs = []
        start = time.perf_counter()
        for _key, html, url, _body in pages:
            outputs.append(run(html, url))
        ms = 1000 * (time.perf_counter() - start) / len(pages)
        for (key, _html, _url, body), text in zip(pages, outputs, strict=True):
            counts = token_counts(text, body)
            tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
            f1 = prf(*counts)[2]
            f1s.append(f1)
            per_page.setdefault(key, {})[name] = f1
            sp, sr, _ = prf(*shingle_counts(text, body))
            shingle_p.append(sp)
            shingle_r.append(sr)
        p, r, f1 = prf(tp, fp, fn)
        mp, mr = sum(shingle_p) / len(pages), sum(shingle_r) / len(pages)
        mf1 = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
        rows.append((name, p, r, f1, sum(f1s) / len(f1s), ms, mp, mr, mf1))
    print(f"article extraction benchmark: {len(pages)} pages, token-level body overlap")
    print(f"{'system':32s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'macro F1':>9s} {'ms/page':>8s}")
    for name, p, r, f1, macro, ms, *_ in rows:
        print(f"{name:32s} {p:9.3f} {r:7.3f} {f1:6.3f} {macro:9.3f} {ms:8.1f}")
    print(
        "\n4-token shingles, precision and recall averaged over pages (like the benchmark's own script; not its exact published figures)"
    )
    print(f"{'system':32s} {'precision':>9s} {'recall':>7s} {'F1':>6s}")
    for name, *_, mp, mr, mf1 in rows:
        print(f"{name:32s} {mp:9.3f} {mr:7.3f} {mf1:6.3f}")
    metadata_report(METADATA_GOLD)
    if args.worst:
        ours, theirs = list(SYSTEMS)
        gaps = sorted(per_page.items(), key=lambda kv: kv[1][ours] - kv[1][theirs])[: args.worst]
        for key, f in gaps:
            print(f"  {key[:16]} wirewatch {f[ours]:.3f} trafilatura {f[theirs]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
