"""Extraction speed on a generated mixed feed (most articles without any conflict event).

Prints articles/s and peak RSS for wirewatch.extract.extract_mentions, beside the naive
peer: spaCy (same model) run over every whole article, as an extractor without the
trigger pre-filter would. One process, one core. Usage: python bench/extract_speed.py [N]
"""

from __future__ import annotations

import random
import resource
import sys
import time

from wirewatch.config import ExtractOptions
from wirewatch.extract import extract_mentions
from wirewatch.extract.nlp import get_nlp
from wirewatch.records import Article

QUIET = [
    "The city council approved a revised budget for road repairs on {day}, officials said.",
    "Shares in the regional bank rose 3 per cent after quarterly earnings beat forecasts.",
    "The festival returns to {place} next month with forty bands and a new food market.",
    "Farmers in {place} expect a strong harvest after good rains in the spring.",
    "The ministry said it would publish new school curriculum guidelines before the summer.",
    "A new rail link between the port and the capital opened to passengers on {day}.",
    "The central bank kept interest rates unchanged, citing easing inflation.",
    "Researchers at the university unveiled a low-cost water filter for rural clinics.",
]
EVENT = [
    "Gunmen killed {n} villagers in an attack on a market in {place} on {day}, police said.",
    "An airstrike hit a depot near {place} overnight, officials said, adding that {n} fighters were killed.",
    "Protesters marched through {place} on {day} demanding lower fuel prices.",
    "A roadside bomb struck a patrol in {place}, wounding {n} soldiers.",
]
PLACES = ["Kaduna", "Mosul", "Kherson", "Quetta", "Goma", "Bamako", "Lahore", "Aleppo", "Cali", "Mandalay"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_feed(n: int, event_share: float = 0.15, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    feed = []
    for i in range(n):
        paras = []
        for _ in range(rng.randint(5, 12)):
            pool = EVENT if rng.random() < event_share / 3 else QUIET
            t = rng.choice(pool).format(n=rng.randint(2, 9), place=rng.choice(PLACES), day=rng.choice(DAYS))
            paras.append(t + " " + rng.choice(QUIET).format(place=rng.choice(PLACES), day=rng.choice(DAYS)))
        feed.append(
            Article(article_id=f"b{i}", source="bench", text="\n\n".join(paras), published_at="2025-03-14")
        )
    return feed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    feed = make_feed(n)
    options = ExtractOptions()
    nlp = get_nlp(options.spacy_model)  # load once, outside the timings
    extract_mentions(feed[0], options)
    t0 = time.perf_counter()
    mentions = sum(len(extract_mentions(a, options)) for a in feed)
    ours = time.perf_counter() - t0
    rss_ours = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    for doc in nlp.pipe((a.text for a in feed), batch_size=32):
        _ = doc.ents
    peer = time.perf_counter() - t0
    rss_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with_event = sum(
        1 for a in feed if any(w in a.text for w in ("killed", "airstrike", "Protesters", "bomb"))
    )
    print(
        f"feed: {n} articles, {with_event} with a conflict sentence, {sum(len(a.text) for a in feed) / n:.0f} chars each"
    )
    print(f"{'tool':<44}{'articles/s':>12}{'peak RSS MB':>13}")
    print(
        f"{'wirewatch extract_mentions (' + str(mentions) + ' mentions)':<44}{n / ours:>12.1f}{rss_ours:>13.0f}"
    )
    print(f"{'spaCy en_core_web_sm on whole articles':<44}{n / peer:>12.1f}{rss_all:>13.0f}")


if __name__ == "__main__":
    main()
