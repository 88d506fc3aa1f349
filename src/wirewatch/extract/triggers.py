"""Trigger words: which sentences can carry an event, and what kind of event.

Everything here is regular expressions built from lexicons/triggers.json and
lexicons/negatives.json, so the pre-filter over a whole article is cheap and the
heavy NLP only runs on sentences with a surviving trigger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from wirewatch.case_blind import CaseBlindRegex
from wirewatch.extract.lexicon import alternation, bounded, load


@dataclass(slots=True)
class Trigger:
    start: int  # offsets within the sentence
    end: int
    text: str
    kind: str  # instrument | attack | casualty | battle | civilian | protest | riot | strategic
    sub_event_type: str | None
    rank: int
    dropped: str | None = None  # why a cue cancelled it (kept for debugging and tests)


@dataclass(slots=True)
class _Entry:
    kind: str
    sub_event_type: str | None
    rank: int


@cache
def _trigger_regex() -> tuple[CaseBlindRegex, list[_Entry]]:
    entries = sorted(load("triggers")["triggers"], key=lambda e: -e["rank"])
    parts = []
    table = []
    for i, e in enumerate(entries):
        parts.append(f"(?P<t{i}>{e['pattern']})")
        table.append(_Entry(e["kind"], e["sub_event_type"], e["rank"]))
    rx = CaseBlindRegex(bounded("|".join(parts)))
    return rx, table


def _bounded(patterns: list[str]) -> CaseBlindRegex:
    return CaseBlindRegex(bounded(alternation(patterns)))


@cache
def _negative_regexes() -> dict[str, object]:
    neg = load("negatives")
    contexts = [
        (c["name"], _bounded(c["words"]), bool(c.get("ignore_unless")), frozenset(c["kinds"]), c["min_words"])
        for c in neg["context_drops"]
    ]
    reclass = [(_bounded(r["patterns"]), r["sub_event_type"]) for r in neg["reclassify"]]
    return {
        "phrase": _bounded(neg["phrase_drops"]),
        "contexts": contexts,
        "unless": _bounded(neg["context_drop_unless"]),
        "reclass": reclass,
        "arrest_raids": _bounded(neg["arrest_raids"]["patterns"]),
        "article": {
            c["name"]: (
                [(w.casefold(), re.compile(bounded(w), re.I)) for w in c["words"]],
                n,
            )
            for c in neg["context_drops"]
            for name, n in neg["article_contexts"]["contexts"].items()
            if c["name"] == name
        },
    }


@cache
def _strike_default() -> tuple[re.Pattern[str], str]:
    sd = load("triggers")["strike_default"]
    return re.compile(r"(?:" + alternation(sd["patterns"]) + r")$", re.IGNORECASE), sd["sub_event_type"]


def has_trigger(text: str) -> bool:
    """Cheap pre-filter: does this text contain any trigger word at all?"""
    return _trigger_regex()[0].search(text) is not None


def raw_triggers(sentence: str) -> list[Trigger]:
    rx, table = _trigger_regex()
    out = []
    for m in rx.finditer(sentence):
        name = m.lastgroup
        assert name is not None
        e = table[int(name[1:])]
        start, end = m.span()
        out.append(Trigger(start, end, sentence[start:end], e.kind, e.sub_event_type, e.rank))
    return out


def _overlaps(t: Trigger, s: int, e: int) -> bool:
    return t.start < e and s < t.end


def find_triggers(sentence: str) -> list[Trigger]:
    """Triggers in one sentence after the non-event filters (sport, films, markets,
    idioms); labour strikes come back as protests. Dropped triggers are returned
    with `dropped` set so callers and tests can see why."""
    triggers = raw_triggers(sentence)
    if not triggers:
        return []
    neg = _negative_regexes()
    for m in neg["phrase"].finditer(sentence):  # type: ignore[attr-defined]
        for t in triggers:
            if t.dropped is None and _overlaps(t, m.start(), m.end()):
                t.dropped = "idiom"
    for rx, sub in neg["reclass"]:  # type: ignore[attr-defined]
        for m in rx.finditer(sentence):
            for t in triggers:
                if _overlaps(t, m.start(), m.end()) and re.match(r"strik", t.text, re.I):
                    t.kind, t.sub_event_type, t.rank, t.dropped = "protest", sub, 41, None
    conflict_words = bool(neg["unless"].search(sentence))  # type: ignore[attr-defined]
    for name, rx, ignore_unless, kinds, need in neg["contexts"]:  # type: ignore[attr-defined]
        if (ignore_unless or not conflict_words) and _context_words(rx, sentence) >= need:
            for t in triggers:
                if t.dropped is None and _explains(kinds, t):
                    t.dropped = f"context:{name}"
            break
    for t in triggers:
        if t.text in ("March", "MARCH") and t.dropped is None:
            t.dropped = "month"  # the month, not a protest march
    if any(t.sub_event_type == "Arrests" and t.dropped is None for t in triggers):
        for t in triggers:
            if t.dropped is None and t.kind == "attack" and neg["arrest_raids"].fullmatch(t.text):  # type: ignore[attr-defined]
                t.dropped = "arrest raid"  # "detained 47 in dawn raids": the raid is the arrest
    rx_default, sub_default = _strike_default()
    for t in triggers:
        if t.kind == "attack" and t.sub_event_type is None and rx_default.match(t.text):
            t.sub_event_type = sub_default
            t.rank = 12
    return triggers


_NAME_WORD = re.compile(r"[A-Z][\w'’-]*")


def _in_proper_name(sentence: str, start: int, end: int) -> bool:
    """A capitalised word beside another capitalised word, not opening the sentence, is part
    of a name ("Peter Cup", "Oscar Mendes"), not the common word."""
    if not sentence[start : start + 1].isupper():
        return False
    before = sentence[:start].rstrip()
    prev = re.search(r"([\w'’-]+)$", before)
    nxt = _NAME_WORD.match(sentence[end:].lstrip()) if sentence[end : end + 1] == " " else None
    prev_is_name = prev is not None and prev.group(1)[:1].isupper() and before[: prev.start()].strip() != ""
    return prev_is_name or nxt is not None


def _explains(kinds: frozenset[str], t: Trigger) -> bool:
    """Whether a context explains away this trigger: its kind is listed, or 'kind:prefix' with
    the trigger's words starting so."""
    if t.kind in kinds:
        return True
    return any(k.startswith(t.kind + ":") and t.text.lower().startswith(k.split(":", 1)[1]) for k in kinds)


def _context_words(rx: CaseBlindRegex, sentence: str) -> int:
    """How many distinct words of a context the sentence uses, leaving out parts of names."""
    return len(
        {
            m.group(0).lower()
            for m in rx.finditer(sentence)
            if not _in_proper_name(sentence, m.start(), m.end())
        }
    )


def article_subjects(text: str) -> list[str]:
    """The non-event subjects (sport) a whole article is about: enough distinct words of
    that subject's context list (negatives.json 'article_contexts')."""
    out = []
    # the words are plain words: most are not in the text at all, which a substring test
    # of the folded text tells far faster than a bounded case-blind search of every word
    folded = text.casefold()
    for name, (words, need) in _negative_regexes()["article"].items():  # type: ignore[attr-defined]
        if sum(1 for word, rx in words if word in folded and rx.search(text)) >= need:
            out.append(name)
    return out


def drop_for_subjects(sentence: str, triggers: list[Trigger], subjects: list[str]) -> list[Trigger]:
    """In an article about sport or markets, a sentence without a conflict word reports no event
    of the kinds that subject explains."""
    neg = _negative_regexes()
    if not subjects:
        return triggers
    conflict_words = bool(neg["unless"].search(sentence))  # type: ignore[attr-defined]
    kinds = {name: k for name, _rx, _iu, k, _n in neg["contexts"]}  # type: ignore[attr-defined]
    always = {name for name, _rx, iu, _k, _n in neg["contexts"] if iu}  # type: ignore[attr-defined]
    for subject in subjects:
        if conflict_words and subject not in always:  # fiction stays fiction beside conflict words
            continue
        for t in triggers:
            if t.dropped is None and _explains(kinds[subject], t):
                t.dropped = f"article:{subject}"
    return triggers
