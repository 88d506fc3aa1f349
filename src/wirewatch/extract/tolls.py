"""Fatalities and injuries with ACLED's conventions, each with the words behind it.

- the most conservative figure is the best estimate ("more than 20" -> 21, low 21);
- number words ("three", "two dozen", "a dozen") and vague quantities (lexicons/numbers.json:
  "several"/"a number of" -> 10, "a few" -> 3, "dozens" -> 12, ...) with `vague=True`;
- a count is only a toll when a casualty word governs it: "more than 85 targets" and
  "160 times" never are;
- "no civilian casualties" says nothing about the dead; "no one was killed" is a toll of 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from wirewatch.extract.lexicon import alternation, load


@dataclass(slots=True)
class Toll:
    field: str  # "fatalities" | "injuries"
    best: int | None  # None: reported but unquantified injuries
    low: int | None
    high: int | None
    vague: bool  # "several", "a number of": ACLED's coded value, not a reported figure
    weak: bool  # only implied by a singular noun ("killed a commander"): at least one
    start: int  # offsets of the words within the sentence
    end: int
    text: str
    anchor: int  # offset of the casualty word, to attach the toll to the nearest trigger


@cache
def _words() -> dict[str, str]:
    """The word lists of lexicons/tolls.json, each as one regex alternation in the file's order."""
    return {name: "|".join(words) for name, words in load("tolls").items() if isinstance(words, list)}


@cache
def _phrases() -> dict[str, re.Pattern[str]]:
    """Checks on the words around a count: who the count is of, where its noun phrase ends."""
    w = _words()
    person = rf"(?:{w['person_heads']})\w*"
    return {
        "np_stop": re.compile(
            rf",(?!\d{{3}}(?!\d))|[.;:!?\"“”()]|\sat\s(?!least)|\s(?:{w['noun_phrase_stops']})\s",
            re.IGNORECASE,
        ),
        "person": re.compile(person, re.IGNORECASE),
        "person_next": re.compile(r"\s+" + person, re.IGNORECASE),
        "people_after_count": re.compile(rf"(?:{w['people_after_count']})\b", re.IGNORECASE),
        "determiner": re.compile(rf"(?:{w['determiners']})\s", re.IGNORECASE),
        "injury": re.compile(rf"(?:{w['injury_stems']})", re.IGNORECASE),
        "new_clause": re.compile(rf"\b(?:{w['new_clause_words']})\b", re.IGNORECASE),
        "not_people": re.compile(rf"\b(?:{w['not_people']})\b", re.IGNORECASE),
    }


@cache
def _numbers() -> dict[str, object]:
    data = load("numbers")
    units: dict[str, int] = {k.lower(): v for k, v in data["units"].items()}
    vague: dict[str, int] = {k.lower(): v for k, v in data["vague"].items()}
    mods = data["modifiers"]
    mod_words = [w for ws in mods.values() for w in ws]
    word_num = alternation(list(units) + list(data["multipliers"]))
    core = (
        rf"\d[\d,]*(?:\.\d+)?|(?:{alternation(list(vague))})"
        rf"|(?:{word_num})(?:[- ](?:{word_num}))*"
    )
    num = rf"(?:(?:{alternation(mod_words)})\s+)?(?:{core})"
    return {
        "units": units,
        "vague": vague,
        "mult": data["multipliers"],
        "weak": set(data["weak_singular"]),
        "mods": {k: [w.lower() for w in ws] for k, ws in mods.items()},
        "num": num,
        "unspecified": data["unspecified_plural"],
        "age_before": re.compile(data["not_counts"]["age_before"], re.IGNORECASE),
        "age_after": re.compile(data["not_counts"]["age_after"], re.IGNORECASE),
        "years": tuple(data["not_counts"]["year_range"]),
    }


# an optional title or occupation, then a name of two capitalised words or more
_NAMED_PERSON = re.compile(r"(?:[a-z]+\s+){0,2}[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)+$")


@dataclass(slots=True)
class _Num:
    best: int
    low: int | None
    high: int | None
    vague: bool
    weak: bool


def parse_number(phrase: str) -> _Num | None:
    """'more than 20' -> best 21, low 21; 'two dozen' -> 24; 'several' -> 10 (vague)."""
    n = _numbers()
    p = re.sub(r"\s+", " ", phrase.strip().lower())
    p = re.sub(r"\b(\w+)(?: \1\b)+", r"\1", p)  # "a a senior commander": a doubled word is a typo
    mod = None
    for kind, words in n["mods"].items():  # type: ignore[attr-defined]
        for w in sorted(words, key=len, reverse=True):
            if p.startswith(w + " "):
                mod, p = kind, p[len(w) + 1 :]
                break
        if mod:
            break
    vague = n["vague"]
    if p in vague:  # type: ignore[operator]
        v = vague[p]  # type: ignore[index]
        return _Num(v, v, None, True, False)
    value: int | None = None
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", p):
        value = int(float(p.replace(",", "")))
    else:
        units, mult = n["units"], n["mult"]
        if p in units:  # type: ignore[operator]
            value = units[p]  # type: ignore[index]
        else:
            total, current = 0, 0
            for w in re.split(r"[- ]", p):
                if w in mult:  # type: ignore[operator]
                    current = (current or 1) * mult[w]  # type: ignore[index]
                    if mult[w] >= 100:  # type: ignore[index]
                        total, current = total + current, 0
                elif w in units:  # type: ignore[operator]
                    current += units[w]  # type: ignore[index]
                else:
                    return None
            value = total + current
    if value is None:
        return None
    weak = p in n["weak"]  # type: ignore[operator]
    if mod == "more_than":
        return _Num(value + 1, value + 1, None, False, weak)
    if mod == "at_least":
        return _Num(value, value, None, False, weak)
    if mod == "up_to":
        return _Num(value, None, value, False, weak)
    return _Num(value, value, value, False, weak)


def _not_a_count(sentence: str, start: int, end: int) -> bool:
    """An age ("aged 64", "a 64-year-old") or a year ("between 2015 and 2017") is no toll."""
    n = _numbers()
    text = sentence[start:end].strip().rstrip(",")
    if n["age_before"].search(sentence[:start]) or n["age_after"].match(sentence[end:]):  # type: ignore[attr-defined]
        return True
    lo, hi = n["years"]  # type: ignore[misc]
    if re.fullmatch(r"\d{4}", text) and lo <= int(text) <= hi:
        after = sentence[start + len(text) :]
        return not _phrases()["person_next"].match(after)
    return False


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    num = _numbers()["num"]
    w = _words()
    killed_or_hurt = f"{w['death_verbs']}|{w['hurt_verbs']}"
    aux = rf"(?:(?:{w['auxiliaries']})\s+)"
    f = re.IGNORECASE
    return {
        # "two children were killed", "A number of terrorists were killed", "several others injured"
        "passive": re.compile(
            rf"(?<![\w-])(?P<num>{num})\s+(?P<who>(?:[\w'’-]+\s+){{0,5}}?){aux}{{0,3}}(?P<verb>{killed_or_hurt})(?![\w-])",
            f,
        ),
        # "killed three US troops", "killed two", "killing the commander and two others"
        "active": re.compile(rf"(?<![\w-])(?P<verb>{w['killing_verbs']})\s+(?P<np>[^.;:!?]{{1,120}})", f),
        # "the death of the rebel captain and four of his guards"
        "death_of": re.compile(rf"(?<![\w-])(?P<verb>{w['death_of']})\s+(?P<np>[^.;:!?]{{1,120}})", f),
        # "left 12 dead", "leaving three people wounded"
        "left": re.compile(
            rf"(?<![\w-])(?:{w['left_verbs']})\s+(?P<num>{num})\s+(?:[\w'’-]+\s+){{0,3}}?(?P<verb>{w['left_states']})(?![\w-])",
            f,
        ),
        # "the death toll rose to 14", "claimed 9 lives", "12 deaths"
        "toll": re.compile(
            rf"(?<![\w-])(?P<verb>{w['toll_nouns']})\s+(?:[\w-]+\s+){{0,4}}?(?:{w['toll_links']})\s+(?P<num>{num})(?![\w-])",
            f,
        ),
        # "Six soldiers and at least eleven militants were killed": the subject's counts add up
        "coordinated_verb": re.compile(rf"\s+{aux}{{1,3}}(?P<verb>{killed_or_hurt})(?![\w-])", f),
        "deaths": re.compile(rf"(?<![\w-])(?P<num>{num})\s+(?P<verb>{w['casualty_nouns']})(?![\w-])", f),
        "lives": re.compile(rf"(?<![\w-])(?P<verb>{w['lives_verbs']})\s+(?P<num>{num})\s+lives(?![\w-])", f),
        "zero": re.compile(
            rf"(?<![\w-])(?:{w['nobody']})\s+(?:\w+\s+){{0,2}}?(?P<verb>{w['nobody_verbs']})"
            rf"|(?<![\w-])no (?P<verb2>{w['no_casualty_nouns']})\b",
            f,
        ),
    }


def _count_np(np: str) -> tuple[_Num | None, int]:
    """Count the people in a noun phrase after a killing word; returns the count and the
    length of the phrase used. 'the rebel captain and four of his guards' -> 5."""
    phrases = _phrases()
    stop = phrases["np_stop"].search(" " + np + " ")
    phrase = np[: max(0, stop.start() - 1)] if stop else np
    phrase = phrase.rstrip()
    if not phrase:
        return None, 0
    num_rx = re.compile(rf"(?P<num>{_numbers()['num']})(?![\w-])", re.IGNORECASE)
    parts = re.split(r"\s*,(?!\d{3}\b)\s*|\s+and\s+", phrase)
    best = low = 0
    high: int | None = 0
    vague = weak_all = True
    counted = False
    for part in parts:
        part = part.strip()
        if not part:
            continue
        m = num_rx.match(part)
        if m is not None and _not_a_count(part, m.start("num"), m.end("num")):
            m = None
        n = parse_number(m.group("num")) if m else None
        if n is not None and m is not None:
            rest = part[m.end() :].strip()
            if n.weak and not phrases["person"].search(rest):
                continue  # "killed a car" is not a person
            if (
                not n.weak
                and rest
                and not phrases["person"].search(rest)
                and not phrases["people_after_count"].match(rest)
            ):
                # "killed 3 ..." followed by a non-person noun: still a toll when the noun is a group word
                if not re.match(r"[A-Z]|[\w'-]+s\b", rest):
                    continue
        elif phrases["determiner"].match(part) and phrases["person"].search(part):
            n = _Num(1, 1, 1, False, True)
        elif _NAMED_PERSON.match(part):
            n = _Num(1, 1, 1, False, True)  # "shot dead businessman Peter Cup": one named person
        elif phrases["person"].search(part) and re.search(r"s\b", part.split()[0] if part.split() else ""):
            u = _numbers()["unspecified"]
            n = _Num(u, u, None, True, False)  # type: ignore[arg-type]
        else:
            continue
        counted = True
        best += n.best
        low += n.low if n.low is not None else n.best
        high = None if (high is None or n.high is None) else high + n.high
        vague = vague and n.vague
        weak_all = weak_all and n.weak
    if not counted:
        return None, 0
    return _Num(best, low, high, vague, weak_all), len(phrase)


def _count_subjects(before: str) -> tuple[_Num | None, int]:
    """The sum of two or more counted groups coordinated in the subject that ends `before`
    ("Six soldiers and at least eleven militants (TTP)"), and where that subject starts."""
    clause_start = max(before.rfind(c) for c in ';:!?"“”') + 1
    clause = re.sub(r"\([^()]*\)", lambda x: " " * len(x.group(0)), before[clause_start:])
    num_rx = re.compile(rf"(?<![\w-])(?P<num>{_numbers()['num']})(?![\w-])", re.IGNORECASE)
    pieces = [
        (c.start() + p.start(), p.group(0))
        for c in re.finditer(r"(?:[^,]|,(?=\d{3}(?!\d)))+", clause)
        for p in re.finditer(r"(?:(?!\s+and\s).)+", c.group(0))
    ]
    counted: list[tuple[int, _Num]] = []
    for off, raw in reversed(pieces):
        lead = re.match(r"\s*(?:and\s+)?", raw).end()  # type: ignore[union-attr]
        off, piece = off + lead, raw[lead:]
        found = None
        for m in num_rx.finditer(piece):  # the last count in the piece that counts people
            rest = piece[m.end() :].strip()
            if _not_a_count(piece, m.start("num"), m.end("num")) or num_rx.match(rest):
                continue
            if _phrases()["person"].search(" ".join(rest.split()[:4])):
                found = m
        if found is None or parse_number(found.group("num")) is None:
            break
        counted.append((off + found.start(), parse_number(found.group("num"))))  # type: ignore[arg-type]
        if piece[: found.start()].strip(" ,"):
            break  # words before the count: the subject starts here
    if len(counted) < 2:
        return None, 0
    best = sum(n.best for _, n in counted)
    low = sum(n.low if n.low is not None else n.best for _, n in counted)
    highs = [n.high for _, n in counted]
    high = None if any(h is None for h in highs) else sum(highs)  # type: ignore[misc]
    vague = all(n.vague for _, n in counted)
    weak = all(n.weak for _, n in counted)
    return _Num(best, low, high, vague, weak), clause_start + min(o for o, _ in counted)


def _field_of(verb: str) -> str:
    return "injuries" if _phrases()["injury"].match(verb) else "fatalities"


@cache
def _appositive() -> re.Pattern[str]:
    words = load("tolls")["appositives"]["words"]
    return re.compile(r",\s*(?:" + "|".join(words) + r")\s[^,;.()]*,", re.IGNORECASE)


def _mask_appositives(sentence: str) -> str:
    """'Twelve people, including five children, were killed' reads as 'Twelve people ... were
    killed' (offsets kept): the breakdown is part of the count."""
    return _appositive().sub(lambda m: " " * len(m.group(0)), sentence)


def find_tolls(sentence: str) -> list[Toll]:
    """Every toll phrase in a sentence (fatalities and injuries), left to right."""
    original, sentence = sentence, _mask_appositives(sentence)
    tolls = _find_tolls(sentence)
    for t in tolls:
        t.text = original[t.start : t.end]
    return tolls


def _find_tolls(sentence: str) -> list[Toll]:
    pats = _patterns()
    phrases = _phrases()
    out: list[Toll] = []

    def add(
        field: str, n: _Num | None, start: int, end: int, anchor: int, vague_injury: bool = False
    ) -> None:
        if any(t.start < end and start < t.end and t.field == field for t in out):
            return
        if field == "injuries" and (n is None or n.vague):
            # ACLED records no injury figure for "several injured": keep the words, no number
            out.append(Toll(field, None, None, None, True, False, start, end, sentence[start:end], anchor))
            return
        if n is None:
            return
        out.append(
            Toll(field, n.best, n.low, n.high, n.vague, n.weak, start, end, sentence[start:end], anchor)
        )

    for m in pats["zero"].finditer(sentence):
        verb = m.group("verb") or m.group("verb2")
        out.append(Toll(_field_of(verb), 0, 0, 0, False, False, m.start(), m.end(), m.group(0), m.start()))
    for m in pats["coordinated_verb"].finditer(sentence):
        n, start = _count_subjects(sentence[: m.start()])
        if n is not None:
            add(_field_of(m.group("verb")), n, start, m.end(), m.start("verb"))
    for name in ("passive", "left", "toll", "deaths", "lives"):
        pos = 0
        while (m := pats[name].search(sentence, pos)) is not None:
            if _not_a_count(sentence, m.start("num"), m.end("num")):
                pos = m.end("num")  # an age or a year: a real count may follow it
                continue
            pos = m.end()
            n = parse_number(m.group("num"))
            if name == "passive":
                who = m.group("who") or ""
                if phrases["new_clause"].search(who) and not phrases["person"].match(who):
                    pos = m.end("num")  # "killed at 13 and said two residents were wounded": a new clause
                    continue
                if phrases["not_people"].search(who):
                    continue
                if n is not None and n.weak and not phrases["person"].search(who):
                    continue
            add(_field_of(m.group("verb")), n, m.start(), m.end(), m.start("verb"))
    for name in ("active", "death_of"):
        for m in pats[name].finditer(sentence):
            n, used = _count_np(m.group("np"))
            if n is None:
                continue
            verb = m.group("verb")
            fld = "fatalities" if name == "death_of" else _field_of(verb)
            add(fld, n, m.start(), m.start("np") + used, m.start())
    out.sort(key=lambda t: t.start)
    return out
