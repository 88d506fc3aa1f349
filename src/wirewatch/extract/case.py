"""Text in one case (old wire archives in capitals, transcripts in lower case) is given back its
proper names' capitals before extraction, so it yields the places, actors and types the same text
in normal case does. Offsets do not move: only letters change case.

Names come from the gazetteer (countries, provinces, towns big enough to be named in news), the
actor dictionary and the country and people names; a single word that is also a common English
word ("nice", "reading") keeps its case (lexicons/case.json).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from wirewatch.extract.lexicon import load
from wirewatch.resolve.actors import known_actor_forms
from wirewatch.resolve.gazetteer_cache import cached_json_object, fingerprint
from wirewatch.resolve.places import known_place_forms, place_patterns_key

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
def _common() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {w.lower() for w in load("case")["common_words"]}


def _index(forms: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for form in forms:
        key = form.lower()
        if " " not in key and (key in _common() or len(key) < 3):
            continue
        names.setdefault(key, form)
    return names


def _names() -> dict[str, str]:
    """Lower-cased name -> its usual spelling: names news capitalises wherever they stand."""
    return _case_names()["names"]


def _place_names() -> dict[str, str]:
    """Every place of the gazetteer: capitalised where the text puts a place ("in x", "(x, y)")."""
    return _case_names()["places"]


@cache
def _case_names() -> dict[str, dict[str, str]]:
    """The two name indexes, from the user's cache folder. Made from every gazetteer entry, they
    took 1.4 CPU-s in each process that met its first text in one case; keyed by what they are
    made from (the gazetteer's and place patterns' key, the actor dictionary, case.json, the
    common words and this module)."""
    actors = known_actor_forms()  # quick, and a user's dictionary changes them
    source = resources.files("wirewatch.extract").joinpath("case.py").read_bytes()
    common = "\n".join(sorted(_common()))
    key = fingerprint([place_patterns_key(), source, json.dumps(load("case")), common, json.dumps(actors)])

    def build() -> dict[str, dict[str, str]]:
        names = _index([*known_place_forms(), *actors, *load("case")["names"]])
        return {"names": names, "places": _index(known_place_forms(min_population=0))}

    return cached_json_object("case-names", key, build, {"names", "places"})


def _longest_name(
    text: str, words: list[re.Match[str]], i: int, names: dict[str, str]
) -> tuple[int, str] | None:
    for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
        start, end = words[i].start(), words[i + n - 1].end()
        form = names.get(text[start:end].lower())
        if form is not None and len(form) == end - start:
            return n, form
    return None


def _place_slot(lowered: str, pos: int) -> bool:
    """Does the text put a place at `pos` ("in x", "near x", "village of x", "(x, y)")?"""
    return bool(_SLOT_BEFORE.search(lowered[max(0, pos - 30) : pos]))


_SLOT_BEFORE = re.compile(
    r"(?:\b(?:in|near|at|outside|around|from|across|into|between|and|of the (?:village|town|city|district) of)\s+"
    r"|[(,/]\s*)$"
)


def recase(text: str) -> str:
    """The text with proper names and sentence starts capitalised (same length, same offsets)."""
    lowered = text.lower()
    chars = list(lowered)
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        found = _longest_name(lowered, words, i, _names())
        if found is None and _place_slot(lowered, words[i].start()):
            found = _longest_name(lowered, words, i, _place_names())
        if found is None:
            i += 1
            continue
        n, form = found
        start = words[i].start()
        chars[start : start + len(form)] = list(form)
        i += n
    _capitalise_hierarchies(lowered, chars)
    for rx in (_SENTENCE_START, _MONTH_IN_DATE):
        for m in rx.finditer("".join(chars)):
            group = 1 if m.group(1) else 2
            chars[m.start(group)] = chars[m.start(group)].upper()
    return "".join(chars)


_MONTH_IN_DATE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(m)(?:ay|arch)\b|\b(m)(?:ay|arch)\s+\d")
# "x (y, z)": a place and the places around it, in brackets
_BRACKETED = re.compile(
    r"\b([a-z][\w'’-]*(?:[ -][a-z][\w'’-]*)?)\s*\(([a-z][\w'’ -]*(?:,\s*[a-z][\w'’ -]*){0,3})\)"
)


def _capitalise_hierarchies(lowered: str, chars: list[str]) -> None:
    """A name with known places in brackets after it is a place too, though the gazetteer may
    lack it (a village): "morideni (logobou, tapoa)"."""
    places = _place_names()
    for m in _BRACKETED.finditer(lowered):
        inner = [p.strip() for p in m.group(2).split(",")]
        if not any(p in places for p in inner) or m.group(1) in _common():
            continue
        for start, end in [(m.start(1), m.end(1)), *_spans_of(lowered, m.start(2), m.group(2))]:
            for w in re.finditer(r"[a-z][\w'’]*", lowered[start:end]):
                if w.group(0) not in _common():
                    chars[start + w.start()] = chars[start + w.start()].upper()


def _spans_of(lowered: str, offset: int, inner: str) -> list[tuple[int, int]]:
    out, pos = [], offset
    for part in inner.split(","):
        out.append((pos, pos + len(part)))
        pos += len(part) + 1
    return out
