"""Evaluate a store against a gold file: read the gold, score the predictions, pair the stories."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from wirewatch.evaluate.acled import AcledReport, predictions_from_events, read_acled_csv, score_acled
from wirewatch.evaluate.gold import load_gold
from wirewatch.evaluate.metrics import predictions_from_store, score, stories_from_store, story_pairs
from wirewatch.evaluate.report import EvalReport

if TYPE_CHECKING:  # pragma: no cover
    from wirewatch.store import Store


def evaluate(store: Store, gold_path: str | Path) -> EvalReport:
    """Score the store's events (or, before fusion, its mentions) against a gold file."""
    gold = load_gold(gold_path)
    report = score(gold, predictions_from_store(store, gold))
    report.stories = story_pairs(gold, stories_from_store(store, gold))
    return report


def evaluate_acled(store: Store, gold_path: str | Path) -> AcledReport:
    """Agreement of the store's events with an ACLED-format CSV, field by field as analysts code.

    A row with an `article` column is paired with events citing that article (its id, the input's
    own id or its address); other rows with events within a day and 50 km of their point."""
    gold = read_acled_csv(gold_path)
    keys = {
        a.article_id: [k for k in (a.article_id, a.external_id, a.url) if k] for a in store.iter_articles()
    }
    return score_acled(gold, predictions_from_events(store.iter_events(), keys))
