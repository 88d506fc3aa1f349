"""The model's attribute rules, looked up per token by our index, match as spaCy's Matcher does."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")
from spacy.tokens import Doc  # noqa: E402

from wirewatch.extract import nlp as nlp_module  # noqa: E402

RULES = [  # (patterns, attrs): every kind of test the model's rules use, and one they do not
    ([[{"TAG": "NN"}]], {"POS": "NOUN"}),
    ([[{"TAG": "NNP"}]], {"POS": "PROPN", "MORPH": "Number=Sing"}),
    ([[{"LOWER": "the", "TAG": "DT"}]], {"LEMMA": "the", "MORPH": "Definite=Def|PronType=Art"}),
    ([[{"LOWER": {"IN": ["i", "you"]}, "DEP": "nsubj"}]], {"MORPH": "Case=Nom"}),
    ([[{"LOWER": "it", "DEP": {"IN": ["dobj", "pobj"]}}]], {"MORPH": "Case=Acc"}),
    ([[{"TAG": {"IN": ["VBD", "VBN"]}, "DEP": {"NOT_IN": ["aux", "auxpass"]}}]], {"POS": "VERB"}),
    ([[{"DEP": {"NOT_IN": ["punct"]}, "TAG": {"NOT_IN": ["NN", "DT"]}}]], {"MORPH": "Foreign=No"}),
    ([[{"IS_SPACE": True}]], {"POS": "SPACE"}),
    ([[{"LOWER": {"REGEX": "^n[ou]thin'$"}}]], {"LEMMA": "nothing"}),
    ([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "go"}),
    ([[{"DEP": "expl"}, {"LOWER": {"IN": ["is", "was"]}}]], {"POS": "AUX"}),
    ([[{"TAG": "VBZ", "LOWER": "gets"}], [{"TAG": "VBD", "LOWER": "got"}]], {"LEMMA": "get"}),
    ([[{"LOWER": "very"}, {"TAG": "JJ", "OP": "+"}]], {"MORPH": "Degree=Pos"}),  # left to spaCy
    ([[{"TAG": "NN"}]], {"POS": "X"}),  # a later rule wins
]

DOCS = [  # words, tags, dependencies
    (["The", "army", "got", "it", "and", "it", "was", "gon", "na", "end"],
     ["DT", "NN", "VBD", "PRP", "CC", "PRP", "VBD", "VBG", "TO", "VB"],
     ["det", "nsubj", "ROOT", "dobj", "cc", "nsubj", "conj", "xcomp", "aux", "xcomp"]),
    (["There", "was", "nuthin'", "very", "bad", " ", "I", "gets", "it"],
     ["EX", "VBD", "NN", "RB", "JJ", "_SP", "PRP", "VBZ", "PRP"],
     ["expl", "ROOT", "attr", "advmod", "amod", "dep", "nsubj", "conj", "pobj"]),
    (["gon"], ["VBG"], ["ROOT"]),
    (["Kyiv", "shelled", ",", "the", "THE", "You"],
     ["NNP", "VBN", ",", "DT", "DT", "PRP"],
     ["nsubj", "ROOT", "punct", "det", "det", "nsubj"]),
]


def _ruler(indexed: bool):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    for patterns, attrs in RULES:
        ruler.add(patterns, attrs)
    if indexed:
        nlp_module._index_attribute_rules(nlp)
    return nlp, ruler


def _doc(nlp, words, tags, deps):
    return Doc(nlp.vocab, words=words, tags=tags, deps=deps, heads=[0] * len(words))


def test_the_index_takes_every_rule_it_can_read_and_leaves_the_rest():
    _, ruler = _ruler(indexed=True)
    assert len(ruler.matcher.rest) == 1  # the rule with an operator


@pytest.mark.parametrize("words, tags, deps", DOCS)
def test_rules_match_and_apply_as_spacy_matcher_does(words, tags, deps):
    ours_nlp, ours = _ruler(indexed=True)
    theirs_nlp, theirs = _ruler(indexed=False)
    ours_doc, theirs_doc = _doc(ours_nlp, words, tags, deps), _doc(theirs_nlp, words, tags, deps)
    matches = ours.match(ours_doc)
    assert matches and matches == theirs.match(theirs_doc)
    ours(ours_doc)
    theirs(theirs_doc)
    got = [(t.pos_, str(t.morph), t.lemma_) for t in ours_doc]
    assert got == [(t.pos_, str(t.morph), t.lemma_) for t in theirs_doc]


def test_a_rule_the_matcher_no_longer_holds_is_skipped():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN"})
    ruler.add([[{"TAG": "JJ"}]], {"POS": "ADJ"})
    ruler.matcher.remove(nlp.vocab.strings.add("0"))
    nlp_module._index_attribute_rules(nlp)
    doc = _doc(nlp, ["big", "city"], ["JJ", "NN"], ["amod", "ROOT"])
    ruler(doc)
    assert [t.pos_ for t in doc] == ["ADJ", ""]
