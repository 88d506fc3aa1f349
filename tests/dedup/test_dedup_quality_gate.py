"""Quality floors for dedup, pinned: the generated syndication corpus (and ECB+ when present).

Figures come from bench/dedup_bench.py; these floors only move up, or down with a reason.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from wirewatch.config import DedupOptions
from wirewatch.dedup import assign_stories
from wirewatch.records import Article
from wirewatch.store import open_store

ROOT = Path(__file__).resolve().parents[2]
ECBPLUS = ROOT.parent / "shared" / "bench" / "ecbplus" / "ecbplus_docs.jsonl"
F1_FLOOR = 0.98


def _pairs(labels: list[str]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    return {p for members in groups.values() for p in combinations(members, 2)}


def _stories(tmp_path: Path, articles: list[Article]) -> list[str]:
    store = open_store(str(tmp_path / "gate.db"))
    store.add_articles(articles)
    got = assign_stories(store, articles, DedupOptions())
    store.close()
    return [got[a.article_id] for a in articles]


def test_generated_syndication_corpus_f1_floor(tmp_path: Path, syndication) -> None:  # type: ignore[no-untyped-def]
    gen = syndication
    items = gen.generate_corpus(800, 11)
    pred = _stories(tmp_path, gen.to_articles(items))
    gold_pairs, pred_pairs = _pairs([it["label"] for it in items]), _pairs(pred)
    tp = len(gold_pairs & pred_pairs)
    precision, recall = tp / len(pred_pairs), tp / len(gold_pairs)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= F1_FLOOR, f"F1 {f1:.4f} (P {precision:.4f}, R {recall:.4f}) below {F1_FLOOR}"


def test_generator_is_deterministic(syndication) -> None:  # type: ignore[no-untyped-def]
    gen = syndication
    a, b = gen.generate_corpus(120, 5), gen.generate_corpus(120, 5)
    assert [x["text"] for x in a] == [x["text"] for x in b]
    assert Counter(x["label"] for x in a) == Counter(x["label"] for x in b)


@pytest.mark.skipif(not ECBPLUS.exists(), reason="../shared/bench/ecbplus not present")
def test_ecbplus_no_merges_across_events(tmp_path: Path) -> None:
    docs = [json.loads(line) for line in ECBPLUS.read_text("utf-8").splitlines() if line.strip()]
    arts = [
        Article(article_id=f"e{i}", source=d["doc_name"], text=d["text_tokenized"])
        for i, d in enumerate(docs)
    ]
    pred = _stories(tmp_path, arts)
    cross = [(a, b) for a, b in _pairs(pred) if docs[a]["cluster_id"] != docs[b]["cluster_id"]]
    assert cross == []
    assert sum(1 for n in Counter(pred).values() if n == 1) >= 0.85 * len(docs)  # mostly left alone
