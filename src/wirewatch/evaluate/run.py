"""Evaluate a store against a gold file: read the gold, score the predictions, pair the stories."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
