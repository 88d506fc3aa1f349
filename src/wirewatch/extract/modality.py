"""Did it happen? Threats, plans, hypotheticals, negations, denials, aggregates
and background references cancel a trigger; 'claimed' and 'alleged' mark it.

Cues are data (lexicons/modality.json). A cue cancels a trigger only when it
stands before it in the same clause, so "warned of consequences in the wake of
missile attacks that killed two" keeps the attacks (the barrier "in the wake of"
ends the warning's scope).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from wirewatch.case_blind import CaseBlindRegex
from wirewatch.extract.lexicon import alternation, bounded, load
from wirewatch.extract.triggers import Trigger


@dataclass(slots=True)
class _Cue:
    name: str
    window: int
    rx: CaseBlindRegex
    barrier_exempt: bool


def _bounded_pattern(patterns: list[str]) -> str:
    return bounded(alternation(patterns), not_after=r"[\w'-]")


def _bounded(patterns: list[str]) -> CaseBlindRegex:
    return CaseBlindRegex(_bounded_pattern(patterns))


@cache
def _tables() -> dict[str, object]:
    mod = load("modality")
    exempt = set(mod.get("drop_before_barrier_exempt", []))
    cues = [
        _Cue(c["name"], c["window_chars"], _bounded(c["patterns"]), c["name"] in exempt)
        for c in mod["drop_before"]
    ]
    barrier = re.compile("|".join(re.escape(b) for b in mod["barriers"]), re.IGNORECASE)
    return {
        "cues": cues,
        "barrier": barrier,
        "aggregate": _bounded(mod["aggregate"]),
        "aggregate_unless_dated": _bounded(mod["aggregate_unless_dated"]["patterns"]),
        "day_dated": _bounded(mod["aggregate_unless_dated"]["day_dates"]),
        "background": _bounded(mod["background"]),
        "alleged": _bounded(mod["modality"]["alleged"]),
        "claimed": _bounded(mod["modality"]["claimed"]),
        "not": re.compile(_bounded_pattern(mod["modality_not"]), re.IGNORECASE),  # its text is kept
        "future_time": _bounded(mod["future_time"]["patterns"]),
        "past_year": re.compile(mod["past_year"]["pattern"], re.IGNORECASE),
        "years_ago": re.compile(mod["past_year"]["ago_pattern"], re.IGNORECASE),
    }


def _cancelling_cue(sentence: str, trigger: Trigger) -> str | None:
    t = _tables()
    for cue in t["cues"]:  # type: ignore[attr-defined]
        lo = max(0, trigger.start - cue.window)
        before = sentence[lo : trigger.start]
        for m in cue.rx.finditer(before):
            between = before[m.end() :]
            if not cue.barrier_exempt and t["barrier"].search(" " + between):  # type: ignore[attr-defined]
                continue
            if cue.barrier_exempt and ";" in between:
                continue
            return cue.name
    return None


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")  # fmt: skip
_BACKGROUND_DAYS = 180  # a clause dated further back than this before the article is background
# (half a year: quarterly and monthly reports still tell their events as news)


def _period_end(m: re.Match[str]) -> dt.date:
    """The last day of the period a date phrase names: the day, the month's end or the year's."""
    year = int(m.group("year"))
    if not m.group("month"):
        return dt.date(year, 12, 31)
    month = _MONTHS.index(m.group("month").lower()) + 1
    day = m.group("day") or m.group("day2")
    if day and 1 <= int(day) <= calendar.monthrange(year, month)[1]:
        return dt.date(year, month, int(day))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _long_before(m: re.Match[str], year: int | None, published: dt.date | None) -> bool:
    if published is not None:
        return (published - _period_end(m)).days > _BACKGROUND_DAYS
    return year is not None and int(m.group("year")) < year


def apply_modality(
    sentence: str, triggers: list[Trigger], year: int | None = None, published: dt.date | None = None
) -> list[Trigger]:
    """Marks triggers that do not report a discrete event (sets `dropped`). `published`: the
    article's date (else `year`, its year); a clause dated well before it is background."""
    t = _tables()
    past = [
        (m.start(), m.end())
        for m in t["past_year"].finditer(sentence)  # type: ignore[attr-defined]
        if _long_before(m, year, published)
    ]
    past += [(m.start(), m.end()) for m in t["years_ago"].finditer(sentence)]  # type: ignore[attr-defined]
    aggregate = t["aggregate"].search(sentence)  # type: ignore[attr-defined]
    if aggregate is None and not t["day_dated"].search(sentence):  # type: ignore[attr-defined]
        aggregate = t["aggregate_unless_dated"].search(sentence)  # type: ignore[attr-defined]
    backgrounds = [(m.start(), m.end()) for m in t["background"].finditer(sentence)]  # type: ignore[attr-defined]
    future = [(m.start(), m.end()) for m in t["future_time"].finditer(sentence)]  # type: ignore[attr-defined]
    for trig in triggers:
        if trig.dropped:
            continue
        if any(_same_clause(sentence, trig, s, e) for s, e in future):
            trig.dropped = "future"
            continue
        if aggregate and _same_clause(sentence, trig, aggregate.start(), aggregate.end()):
            trig.dropped = "aggregate"
            continue
        if any(_same_clause(sentence, trig, s, e) for s, e in past):
            trig.dropped = "background"
            continue
        if any(s <= trig.start and trig.end <= e for s, e in backgrounds):
            trig.dropped = "background"
            continue
        why = _cancelling_cue(sentence, trig)
        if why:
            trig.dropped = why
    return triggers


def _same_clause(sentence: str, trig: Trigger, s: int, e: int) -> bool:
    """An aggregate phrase governs the triggers of its own clause (between ; or sentence ends,
    and not across a relative 'which'/'that' boundary that starts a new statement)."""
    lo, hi = min(trig.start, s), max(trig.end, e)
    span = sentence[lo:hi]
    return ";" not in span and not re.search(r",\s+(?:which|while|but|and)\b", span)


def sentence_modality(sentence: str) -> str:
    """reported | claimed | alleged for the events of a sentence."""
    t = _tables()
    cleaned = t["not"].sub(" ", sentence)  # type: ignore[attr-defined]
    if t["alleged"].search(cleaned):  # type: ignore[attr-defined]
        return "alleged"
    if t["claimed"].search(cleaned):  # type: ignore[attr-defined]
        return "claimed"
    return "reported"
