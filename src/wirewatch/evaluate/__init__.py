"""Evaluation: per-field precision, recall and F1 of predicted events against a gold file.

`evaluate(store, gold_path)` reads the gold (format of seeds/gold.json, see gold.py), takes the
store's events (or its mentions, one event each, before fusion) and returns an `EvalReport`
(run.py; matching and counting in metrics.py).
"""

from wirewatch.evaluate.gold import Gold, GoldEvent, load_gold, parse_gold
from wirewatch.evaluate.report import EvalReport, FieldScore
from wirewatch.evaluate.run import evaluate, evaluate_acled

__all__ = [
    "EvalReport",
    "FieldScore",
    "Gold",
    "GoldEvent",
    "evaluate",
    "evaluate_acled",
    "load_gold",
    "parse_gold",
]
