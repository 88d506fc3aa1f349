"""Where the event happened: place names in a candidate sentence, scored by how they
attach (a locative "in/near/at/across" beats a name that is the actor or a possessor),
then resolved offline by wirewatch.resolve.places."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from wirewatch.extract.actors import _country_iso3
from wirewatch.extract.hierarchy import named_places
from wirewatch.extract.lexicon import load
from wirewatch.resolve.places import Place, resolve_place, resolve_within

# NER labels that are never a place name, even in a locative phrase
_NOT_NAMES = (
    "DATE",
    "TIME",
    "CARDINAL",
    "ORDINAL",
    "QUANTITY",
    "MONEY",
    "PERCENT",
    "ACTOR",
    "LANGUAGE",
    "LAW",
)


@cache
def _words() -> dict[str, frozenset[str]]:
    """The word lists of lexicons/places.json."""
    return {name: frozenset(words) for name, words in load("places").items() if isinstance(words, list)}


@dataclass(slots=True)
class PlaceChoice:
    place: Place | None  # None when the gazetteer has no entry
    text: str  # the words looked up
    start: int  # offsets in the sentence
    end: int
    score: float
    sentence: Any = None  # the sentence the offsets are in, when not the event's own (a paragraph's lead)
    contained: bool = False  # named with its province or country: its country is sure

    @property
    def weight(self) -> int:
        """How much it says about the article's country: a town's name is often ambiguous, a
        province's or a town named with its province rarely."""
        return 1 if self.place is not None and self.place.kind == "city" and not self.contained else 2


def _unlabelled_names(doc: Any) -> list[Any]:
    """Proper names after a locative preposition that NER left unlabelled ("outskirts of
    Bannu"): offered to the gazetteer as places."""
    from spacy.tokens import Span as _Span

    locative = _words()["locative_prepositions"]
    out = []
    for tok in doc:
        if tok.pos_ != "PROPN" or tok.ent_type_ or tok.dep_ != "pobj":
            continue
        if tok.head.lower_ not in locative and tok.head.lower_ != "of":
            continue
        start = tok.i
        while (
            start > 0
            and doc[start - 1].pos_ == "PROPN"
            and not doc[start - 1].ent_type_
            and doc[start - 1].dep_ == "compound"
        ):
            start -= 1
        out.append(_Span(doc, start, tok.i + 1, label="GPE"))
    return out


def _same_name(a: str, b: str) -> bool:
    return a.casefold().replace("-", " ") == b.casefold().replace("-", " ")


def place_candidates(
    doc: Any, dateline: str | None, context_iso3: list[str], skip_until: int = 0
) -> list[PlaceChoice]:
    """Scored place mentions of a parsed sentence (offsets in the sentence)."""
    w = _words()
    locative = w["locative_prepositions"]
    out: list[PlaceChoice] = []
    if dateline:
        for tok in doc:
            if tok.lower_ == "here" and tok.idx >= skip_until and tok.pos_ == "ADV":
                # "outside the commission office here": the dateline city
                hint = context_iso3[0] if context_iso3 else None
                place = resolve_place(
                    dateline, country_hint=hint, context_iso3=context_iso3, dateline=dateline
                )
                if place is not None:
                    out.append(PlaceChoice(place, dateline, tok.idx, tok.idx + len(tok.text), 2.5))
    for ent in [*doc.ents, *_unlabelled_names(doc)]:
        if ent.start_char < skip_until:
            continue
        if not any(c.isupper() for c in ent.text):
            continue  # "into the bush", "the field": a common noun, never a place name
        # NER often mislabels small towns (ORG, PERSON, PRODUCT...): tried in locative phrases only
        guessed = ent.label_ not in ("GPE", "LOC", "FAC", *_NOT_NAMES)
        if ent.label_ not in ("GPE", "LOC", "FAC") and not guessed:
            continue
        root = ent.root
        dep = root.dep_
        score = 0.0
        node = root
        if node.dep_ in ("compound", "amod", "nmod") and node.head.lower_ in w["kind_words"]:
            node = node.head  # "Siestan-o-Baluchistan province of Iran": the PP hangs off "province"
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
        prep = node.head if node.dep_ == "pobj" else None
        if dep in ("poss", "nsubj", "nsubjpass", "agent") or node.dep_ in ("nsubj", "poss"):
            continue  # "Iran's airstrikes", "Washington hit": an actor, not where
        if (
            dep in ("compound", "amod", "nmod")
            and node.i == root.i
            and root.head.ent_type_ not in ("GPE", "LOC", "FAC")
        ):
            if _country_iso3(ent.text) or root.head.pos_ == "NOUN":
                continue  # "US drone strike", "Iraqi government"
        nxt = doc[ent.end] if ent.end < len(doc) else None
        if nxt is not None and nxt.lower_ in w["border_words"]:
            continue  # "near the Iran border": which side is unknown
        start, end = ent.start_char, ent.end_char
        text = ent.text
        # "eastern Baghdad": keep the direction word so the resolver gives precision 2
        if ent.start > 0 and doc[ent.start - 1].lower_ in w["direction_words"]:
            start = doc[ent.start - 1].idx
            text = doc[ent.start - 1].text + " " + text
        if node.i != root.i:
            nxt = node
        if nxt is not None and nxt.lower_ in w["kind_words"]:
            end = nxt.idx + len(nxt.text)
            text = text + " " + nxt.text
        if dep in ("dobj", "obj") and node.head.lemma_ in w["place_object_verbs"]:
            score += 2.5
        if guessed and not (prep is not None and (prep.lower_ in locative or prep.lower_ == "of")):
            continue
        if prep is not None and prep.lower_ == "of" and prep.head.lower_ in w["outskirts_words"]:
            score += 3
            text = "near " + text
        elif prep is not None and prep.lower_ in locative:
            score += 3
            if prep.lower_ in w["near_prepositions"]:
                text = "near " + text
        elif (
            prep is not None
            and prep.lower_ == "of"
            and prep.head.lower_ in w["kind_words"]
            and prep.head.dep_ == "pobj"
            and prep.head.head.lower_ in locative
        ):
            score += 3  # "in the northern Afghan city of Kunduz"
        elif prep is not None and prep.lower_ == "of":
            score += 1.5  # "province of Iran", "outskirts of Kabul"
        elif prep is not None and prep.lower_ in w["away_prepositions"]:
            score -= 1
        hint = context_iso3[0] if context_iso3 else None
        place = resolve_place(text, country_hint=hint, context_iso3=context_iso3, dateline=dateline)
        if place is None and text != ent.text:
            place = resolve_place(ent.text, country_hint=hint, context_iso3=context_iso3, dateline=dateline)
        if place is None and guessed:
            continue
        if ent.label_ == "NORP" and (
            place is None or place.kind == "country" or not _same_name(place.name, ent.text)
        ):
            continue  # a people ("Syrian"); the small model also tags some towns so ("Aleppo")
        if place is not None:
            score += {"city": 1.0, "admin2": 0.8, "admin1": 0.6, "region": 0.2, "country": 0.0}.get(
                place.kind, 0.0
            )
        else:
            score -= 1.5
        out.append(PlaceChoice(place, text, start, end, score))
    return _with_named_places(out, doc.text, context_iso3, skip_until)


_KIND_SCORE = {"city": 1.0, "unlisted": 0.9, "admin2": 0.8, "admin1": 0.6, "region": 0.2, "country": 0.0}


def _with_named_places(
    out: list[PlaceChoice], sentence: str, context_iso3: list[str], skip_until: int
) -> list[PlaceChoice]:
    """Places named with their containers ("Bambofa (Dori, Seno)") replace what NER made of
    those words: the containers say which place it is, and where a village the gazetteer lacks
    lies."""
    for named in named_places(sentence, skip_until):
        place = resolve_within(named.text, named.within, context_iso3=context_iso3)
        if place is None or (place.kind == "unlisted" and not named.locative):
            continue  # a name the gazetteer lacks is a village only where the text puts the event
        out = [p for p in out if not (p.start < named.whole_end and named.start < p.end)]
        if named.near and place.geo_precision == 1:
            place = replace(place, geo_precision=2)
        score = (3.0 if named.locative else 1.5) + 1.0 + _KIND_SCORE.get(place.kind, 0.0)
        out.append(
            PlaceChoice(place, named.text, named.start, named.end, score, contained=bool(named.within))
        )
    return out
