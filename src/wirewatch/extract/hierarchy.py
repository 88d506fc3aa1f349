"""Place names given with the places that contain them, found in the raw sentence (the small
NER model misses most small places): "Bambofa (Dori, Seno)", "in Zamora, Michoacan",
"Tuz Khurmatu in Salahuddin province", "Mogadishu-Hodan district (Hodan, Banadir)".

The containing places constrain which place of that name is meant, and give where a village the
gazetteer lacks lies (wirewatch.resolve.places.resolve_within). Words are data
(lexicons/places.json, "hierarchy").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from wirewatch.extract.lexicon import alternation, load


@dataclass(slots=True)
class NamedPlace:
    """A place name and the names of the places around it, innermost first."""

    text: str
    within: list[str]
    start: int  # offsets of the name in the sentence
    end: int
    whole_end: int  # end of the name with its containers ("...(Dori, Seno)")
    locative: bool  # "in/near/at X", "attacked X", or X with its containers in brackets
    near: bool  # "near X"


@cache
def _words() -> dict:
    return load("places")["hierarchy"]


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    w = _words()
    word = r"(?:(?:St|Mt|Ft|Ste)\.|[A-Z][\w'’]*(?:[-.][\w'’]+)*)"
    conn = alternation(w["name_connectors"])
    name = rf"{word}(?:[ -](?:(?:{conn})[ -])*{word}){{0,5}}"
    unit = alternation([re.escape(u) for u in w["unit_words"]])
    inner = rf"{name}(?:\s+(?i:{unit}))?"
    return {
        # "Bambofa (Dori, Seno)", "Mogadishu-Hodan district (Hodan, Banadir)", "Nameless Hills (Tartar Region)"
        "brackets": re.compile(
            rf"(?P<main>{name})(?:\s+(?i:{unit}))?\s*\((?P<inner>{inner}(?:\s*[,/]\s*{inner}){{0,3}})\)"
        ),
        # "Zamora, Michoacan", "El Campito, Merida, Merida state", "Valence, France"
        "commas": re.compile(
            rf"(?P<main>{name})(?:\s+(?i:{unit}))?(?P<inner>(?:,\s*{inner}){{1,2}})(?![\w'’-])"
            rf"(?!\s*,?\s*(?:{alternation(w['list_words'])})\s)"
        ),
        # "Tuz Khurmatu in Salahuddin province", "Kalehe in the district of Kabare"
        "in_unit": re.compile(
            rf"(?P<main>{name})\s+(?:in|of)\s+(?:the\s+)?(?P<inner>{name}\s+(?i:{unit}))(?![\w-])"
        ),
        "locative": re.compile(
            rf"(?:^|\W)(?:{alternation(w['locatives'])})\s+(?:the\s+)?(?:(?:\w+\s+)?(?i:{unit})\s+of\s+)?$",
            re.I,
        ),
        "near": re.compile(
            rf"(?:^|\W)(?:{alternation(w['near_words'])})\s+(?:the\s+)?(?:\w+\s+){{0,3}}$", re.I
        ),
    }


def _split(inner: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s*[,/]\s*", inner.strip(" ,")) if p.strip()]


def named_places(sentence: str, skip_until: int = 0) -> list[NamedPlace]:
    """Every place named with its containers in a sentence, left to right, not overlapping."""
    pats = _patterns()
    found: list[NamedPlace] = []
    taken: list[tuple[int, int]] = []
    for kind in ("brackets", "in_unit", "commas"):
        for m in pats[kind].finditer(sentence):
            start, end = m.start("main"), m.end()
            if start < skip_until or any(s < end and start < e for s, e in taken):
                continue
            before = sentence[max(0, start - 40) : start]
            found.append(NamedPlace(
                text=m.group("main"), within=_split(m.group("inner")), start=start, end=m.end("main"),
                whole_end=end, locative=kind == "brackets" or bool(pats["locative"].search(before)),
                near=bool(pats["near"].search(before)),
            ))  # fmt: skip
            taken.append((start, end))
    return sorted(found, key=lambda p: p.start)
