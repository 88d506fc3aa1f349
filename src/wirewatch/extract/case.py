"""Text in one case (old wire archives in capitals, transcripts in lower case) is given back its
proper names' capitals before extraction, so it yields the places, actors and types the same text
in normal case does. Offsets do not move: only letters change case.

Names come from the gazetteer (countries, provinces, towns big enough to be named in news), the
actor dictionary and the country and people names; a single word that is also a common English
word ("nice", "reading") keeps its case (lexicons/case.json).
"""

from __future__ import annotations

import re
from functools import cache

from wirewatch.extract.lexicon import load
from wirewatch.resolve.actors import known_actor_forms
from wirewatch.resolve.places import known_place_forms

_WORD = re.compile(r"[A-Za-z\u00c0-\u024f](?:[\w'’-]|\.(?=\w))*")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)([a-z])")
_MAX_WORDS = 5


def one_case(text: str) -> bool:
    """Whether the text is (nearly) all capitals or all lower case."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return False
    upper = sum(c.isupper() for c in letters) / len(letters)
    return upper > 0.85 or upper < 0.01


@cache
def _names() -> dict[str, str]:
    """Lower-cased name -> its usual spelling."""
    common = {w.lower() for w in load("case")["common_words"]}
    from spacy.lang.en.stop_words import STOP_WORDS

    names: dict[str, str] = {}
    for form in (*known_place_forms(), *known_actor_forms(), *load("case")["names"]):
        key = form.lower()
        if " " not in key and (key in STOP_WORDS or key in common or len(key) < 3):
            continue
        names.setdefault(key, form)
    return names


def recase(text: str) -> str:
    """The text with proper names and sentence starts capitalised (same length, same offsets)."""
    chars = list(text.lower())
    names = _names()
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            start, end = words[i].start(), words[i + n - 1].end()
            phrase = text[start:end].lower()
            form = names.get(phrase)
            if form is not None and len(form) == len(phrase):
                chars[start:end] = list(form)
                i += n
                break
        else:
            i += 1
    for m in _SENTENCE_START.finditer("".join(chars)):
        chars[m.start(1)] = chars[m.start(1)].upper()
    return "".join(chars)
