"""Language of the clean body (ISO 639-1), with py3langid; every language is kept."""

from __future__ import annotations

from functools import cache

# enough text for a stable guess; more only costs time
_SAMPLE_CHARS = 1200
_MIN_CHARS = 20


@cache
def _identifier():  # -> py3langid LanguageIdentifier
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when there is too little text to tell."""
    sample = text[:_SAMPLE_CHARS].strip()
    if len(sample) < _MIN_CHARS:
        return None
    code, _prob = _identifier().classify(sample)
    return code
