"""Who was hit: armed victims (state forces, guards, armed groups) make an armed clash,
civilians an attack on civilians (ACLED's rule: the target decides Battles against Violence
against civilians).

Read from the words right after an attack or killing word ("ambushed an army patrol", "shot at
a security guard", "fired on the positions of the army"), from the subject of a passive one
("two police agents were attacked") and from what a toll counts ("killing twelve soldiers").
The nouns are data (lexicons/actor_roles.json, "victims").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from wirewatch.extract.lexicon import alternation, load
from wirewatch.extract.tolls import Toll
from wirewatch.extract.triggers import Trigger
from wirewatch.resolve.places import country_of_name

KINDS = ("military", "police", "private_security", "armed")
_HITTING = {"attack", "casualty", "battle", "instrument", "civilian", "arson"}
# where the words about the target end: an agent, a place, a time, a new clause
_STOP = re.compile(
    r"[,;:.()\"“”]|\b(?:by|in|near|at|during|after|before|when|while|as|according|from|said|says|who|"
    r"which|that|because|for|since|inside|outside|on (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday))\b",
    re.IGNORECASE,
)
_TARGET_PREP = re.compile(r"\b(?:at|on|upon|against|targeting|toward|towards)\s+", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:was|were|been|being|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)


@dataclass(slots=True)
class Victim:
    kind: str  # military | police | private_security | armed
    iso3: str | None  # a nationality named before the noun ("Ukrainian soldiers")
    start: int  # offsets in the sentence
    end: int
    text: str


@cache
def _nouns() -> re.Pattern[str]:
    data = load("actor_roles")["victims"]["nouns"]
    parts = [f"(?P<{kind}>{alternation(data[kind])})" for kind in KINDS]
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


@cache
def _window_words() -> int:
    return int(load("actor_roles")["victims"]["window_words"])


def _first_noun(sentence: str, start: int, end: int) -> Victim | None:
    m = _nouns().search(sentence, start, end)
    if m is None:
        return None
    kind = m.lastgroup or "armed"
    before = re.search(r"([A-Z][\w'’-]+)\s+$", sentence[max(0, m.start() - 40) : m.start()])
    iso3 = country_of_name(before.group(1)) if before else None
    return Victim(kind, iso3, m.start(), m.end(), m.group(0))


def _after(sentence: str, pos: int) -> int:
    """The end of the phrase that starts at `pos`: the target of the word before it."""
    words = list(re.finditer(r"\S+", sentence[pos:]))[: _window_words()]
    end = pos + (words[-1].end() if words else 0)
    stop = _STOP.search(sentence, pos, end)
    return stop.start() if stop else end


def _subject(sentence: str, trigger: Trigger) -> tuple[int, int] | None:
    """The subject before a passive trigger ("Nine soldiers were killed"): its clause's start
    up to the auxiliary."""
    aux = _PASSIVE.search(sentence[: trigger.start])
    if aux is None:
        return None
    clause = max(sentence.rfind(c, 0, aux.start()) for c in ",;:.") + 1
    return clause, aux.start()


def _aimed_at(sentence: str, pos: int) -> Victim | None:
    """The target after "at/on/against" later in the clause ("fired mortars, machine guns and
    small arms at the army's positions")."""
    clause_end = min((i for i in (sentence.find(c, pos) for c in ";.") if i >= 0), default=len(sentence))
    m = _TARGET_PREP.search(sentence, pos, clause_end)
    return _first_noun(sentence, m.end(), _after(sentence, m.end())) if m else None


def find_victim(sentence: str, triggers: list[Trigger], tolls: list[Toll]) -> Victim | None:
    """The armed victim of a sentence's event, if its words name one."""
    for t in triggers:
        if t.kind not in _HITTING:
            continue
        subject = _subject(sentence, t)
        if subject is not None:
            found = _first_noun(sentence, *subject)
        else:
            found = _first_noun(sentence, t.end, _after(sentence, t.end)) or _aimed_at(sentence, t.end)
        if found is not None:
            return found
    for toll in tolls:
        if toll.field == "fatalities" or toll.field == "injuries":
            found = _first_noun(sentence, toll.start, toll.end)
            if found is not None:
                return found
    return None
