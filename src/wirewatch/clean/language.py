"""Language of the clean body (ISO 639-1), with py3langid; every language is kept.

Plain English prose is told by its commonest words (rules/language.json) before the model,
which costs about half a CPU-second to load, is asked."""

from __future__ import annotations

import re
from functools import cache

from wirewatch.clean.ruleset import load_rules_file

# enough text for a stable guess; more only costs time
_SAMPLE_CHARS = 1200
_MIN_CHARS = 20
_WORD = re.compile(r"[^\W\d_]+")
_MAX_OTHER_SCRIPT = 0.05  # share of words not in ASCII letters: more, and the model decides


@cache
def _identifier():  # -> py3langid LanguageIdentifier
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _english_rule() -> tuple[frozenset[str], int, float]:
    rule = load_rules_file("language.json")
    return frozenset(rule["english_words"]), rule["min_words"], rule["min_share"]


def plainly_english(sample: str) -> bool:
    """Enough words, nearly all in ASCII letters, and a large share of English's commonest."""
    english, min_words, min_share = _english_rule()
    words = _WORD.findall(sample.lower())
    if len(words) < min_words:
        return False
    if sum(not w.isascii() for w in words) > _MAX_OTHER_SCRIPT * len(words):
        return False
    return sum(w in english for w in words) >= min_share * len(words)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when there is too little text to tell."""
    sample = text[:_SAMPLE_CHARS].strip()
    if len(sample) < _MIN_CHARS:
        return None
    if plainly_english(sample):
        return "en"
    code, _prob = _identifier().classify(sample)
    return code
