"""Date expressions in news copy, resolved against the article's publication date.

`find_date_expressions(sentence)` finds the words; `resolve_date(expression, published_at)`
turns them into an ACLED-style window: event_date (best estimate), date_low, date_high and
time_precision (1 a day, 2 a week or a few days, 3 a month or longer).

Rules (for past-tense reports; word lists in data/date_words.json):
- "on Thursday": the most recent Thursday on or before publication (a same-day Thursday is
  that day); "last Thursday": the most recent one strictly before publication.
- "today", "this morning", "tonight", "around 9:30 p.m. local time": the publication day.
- "yesterday", "last night": the day before. "overnight", "before dawn": the day before ..
  the publication day, best estimate the day before (ACLED codes the day an event began).
- "last week": Monday..Sunday of the week before the publication week (precision 2, best = its
  middle); "early/mid/late January": days 1-10 / 11-20 / 21-end of the last such January on or
  before publication; "October 17": the last October 17 on or before publication.
- "since October 17": an aggregate window (`is_aggregate`); the caller decides.
- The publication date is the local date as written (2024-02-08T14:45:00+05:30 -> 2024-02-08).
  Without one, relative expressions keep their words and get no dates; absolute dates with a
  year still resolve. dateparser (English, cached) is the fallback for what the rules miss.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from functools import lru_cache
from importlib import resources
from typing import Literal

__all__ = ["DateWindow", "find_date_expressions", "resolve_date", "is_aggregate", "publication_date"]


@dataclass(slots=True)
class DateWindow:
    event_date: str | None  # YYYY-MM-DD best estimate (None when no usable publication date)
    date_low: str | None
    date_high: str | None
    time_precision: int | None  # ACLED 1 day, 2 week/few days, 3 month
    expression: str  # the words ("on Thursday", "last week", "late January")
    inferred: bool  # resolved relative to the publication date


@lru_cache(maxsize=1)
def _words() -> dict:
    text = resources.files("wirewatch.resolve.data").joinpath("date_words.json").read_text(encoding="utf-8")
    return json.loads(text)


def _alt(words: list[str] | set[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    w = _words()
    weekday = _alt(w["weekdays"])
    month = "(?:" + _alt(w["months"]) + r")\.?"
    part = _alt(w["parts_of_day"])
    numbers = _alt(list(w["number_words"]))
    month_part = _alt([k for k in w["month_parts"] if k != "about" and k != "mid-"])
    same_day = _alt(w["same_day_words"]["words"])
    prev_day = _alt(w["previous_day_words"]["words"])
    overnight = _alt(w["overnight_words"]["words"])
    aggregate = _alt(w["aggregate_prefixes"]["words"])
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
    year = r"(?:19|20)\d{2}"
    b = r"\b"
    p = {
        "iso": rf"{b}{year}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]){b}",
        "numeric": rf"{b}(?:[12]\d|3[01]|0?[1-9])[./](?:[12]\d|3[01]|0?[1-9])[./](?:{year}|\d{{2}}){b}",
        "part_of": rf"{b}(?:in\s+|on\s+|during\s+)?(?:the\s+)?(?:early\s+hours|small\s+hours|early\s+morning|morning|night|evening|afternoon|{part})\s+(?:of|on)\s+(?:(?:{weekday})|(?:{month})\s+{day}|{day}\s+(?:{month})){b}",
        "past_period": rf"{b}(?:over|in|during)\s+the\s+(?:past|last)\s+(?:(?:\d+|{numbers})\s+)?(?:days?|weeks?|months?|years?){b}",
        "month_day": rf"{b}(?:{month})\s+{day}(?:,?\s+{year})?{b}",
        "day_month": rf"{b}(?:the\s+)?{day}\s+(?:of\s+)?(?:{month})(?:,?\s+{year})?{b}",
        "month_part": rf"{b}(?:(?:{month_part})\s+|mid-?\s*)(?:{month})(?:\s+{year})?{b}",
        "month_year": rf"{b}(?:{month})\s+(?:of\s+)?{year}{b}",
        "month": rf"{b}(?:in|during|since|early|until|through|by)\s+(?:{month}){b}",
        "weekday": rf"{b}(?:(?:on|last|this|past|this\s+past|early|late|since|by)\s+)?(?:{weekday})(?:\s+(?:{part}))?{b}",
        "relative_period": rf"{b}(?:(?:last|this|past|earlier\s+this|earlier\s+in\s+the|later\s+this|previous)\s+(?:week|month|year|weekend)){b}",
        "ago": rf"{b}(?:\d+|{numbers})\s+(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|before){b}",
        "same_day": rf"{b}(?:{same_day}){b}",
        "prev_day": rf"{b}(?:{prev_day}){b}",
        "overnight": rf"{b}(?:{overnight}){b}",
        "time": rf"{b}{w['time_of_day_pattern']}",
        "recent": rf"{b}(?:in\s+recent\s+days|recent\s+days|in\s+the\s+past\s+few\s+days|a\s+few\s+days\s+ago|days\s+ago|recently){b}",
    }
    compiled = {k: re.compile(v, re.IGNORECASE) for k, v in p.items()}
    compiled["aggregate"] = re.compile(rf"{b}(?:{aggregate})\s+$", re.IGNORECASE)
    return compiled


_LEADING_PREPOSITIONS = re.compile(
    r"^(?:on|in|at|around|about|during|by|from|until|through)\s+", re.IGNORECASE
)


def find_date_expressions(sentence: str) -> list[tuple[int, int, str]]:
    """Date expressions in a sentence as (start, end, text), in order, longest wins on overlap.
    "since X" keeps its "since" (see is_aggregate)."""
    pats = _patterns()
    found: list[tuple[int, int]] = []
    for name, pattern in pats.items():
        if name == "aggregate":
            continue
        for m in pattern.finditer(sentence):
            start, end = m.start(), m.end()
            text = m.group(0)
            stripped = text.rstrip(" ,(")
            end -= len(text) - len(stripped)
            text = stripped
            if name in {"month", "month_part", "month_year"} and re.search(r"\bmay\b", text):
                continue  # lower-case "may" is the verb
            if name == "weekday" and _is_bare_abbreviation(text):
                continue
            if name in {"month_day", "day_month"} and _is_false_month(text):
                continue
            found.append((start, end))
    # attach "since"/"over the past" etc. just before an expression
    spans = []
    for start, end in found:
        before = sentence[max(0, start - 25) : start]
        m = pats["aggregate"].search(before)
        if m and not sentence[start:end].lower().startswith(("since", "from")):
            start = start - (len(before) - m.start())
        spans.append((start, end))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int, str]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            if end > out[-1][1] and start <= out[-1][0]:
                out[-1] = (start, end, sentence[start:end])
            elif end > out[-1][1]:
                prev = out[-1]
                out[-1] = (prev[0], end, sentence[prev[0] : end])
            continue
        out.append((start, end, sentence[start:end]))
    return out


def _is_bare_abbreviation(text: str) -> bool:
    """'Sat', 'Sun', 'Wed' alone are too often other words; keep them with 'on'/'last'."""
    words = text.split()
    return len(words) == 1 and words[0].casefold() not in _words()["weekday_full_names"]


def _is_false_month(text: str) -> bool:
    """'May 5' is a date but 'Mar 3' / 'Sun 5' in odd copy may not be; 'may' lower-case is a verb."""
    first = text.split()[0]
    return first in {"may", "mar", "jun", "jul", "aug", "sat", "sun", "dec", "march"} and first.islower()


# ---------------------------------------------------------------- resolution


def publication_date(published_at: str | None) -> date | None:
    """The publication's local calendar date, or None if missing or unreadable."""
    if not published_at:
        return None
    text = published_at.strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _window(
    expr: str, low: date | None, high: date | None, precision: int, inferred: bool, best: date | None = None
) -> DateWindow:
    if low is None or high is None:
        return DateWindow(None, None, None, precision, expr, inferred)
    if best is None:
        best = low if low == high else low + (high - low) / 2
    return DateWindow(_iso(best), _iso(low), _iso(high), precision, expr, inferred)


def _month_number(word: str) -> int | None:
    return _words()["months"].get(word.casefold().rstrip("."))


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _words()["number_words"].get(re.sub(r"\s+", " ", word.casefold()))


def _month_window(
    month: int, year: int | None, base: date | None, lo_day: int, hi_day: int
) -> tuple[date, date] | None:
    """Days lo..hi (0 = last) of `month`: of `year`, else of the last such month on or before base."""
    if year is None:
        if base is None:
            return None
        year = base.year if month <= base.month else base.year - 1
        if date(year, month, lo_day) > base:
            year -= 1
    hi = _last_day(year, month) if hi_day == 0 else min(hi_day, _last_day(year, month))
    return date(year, month, lo_day), date(year, month, hi)


def is_aggregate(window: DateWindow) -> bool:
    """True for 'since October 17', 'over the past week': many events over a period."""
    words = _words()["aggregate_prefixes"]["words"]
    expr = window.expression.strip().casefold()
    return any(expr.startswith(w + " ") for w in words)


@lru_cache(maxsize=1)
def _dateparser():  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"], settings={"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True}
    )


def resolve_date(expression: str, published_at: str | None) -> DateWindow | None:
    """Resolve one expression (as found by find_date_expressions) against the publication date."""
    if not expression or not expression.strip():
        return None
    expr = expression.strip()
    base = publication_date(published_at)
    return _resolve(expr, base)


class _Rule(Enum):
    NO_MATCH = 0  # a rule's answer when the expression is not of its kind: the next rule tries


NO_MATCH = _Rule.NO_MATCH
Found = DateWindow | None | Literal[_Rule.NO_MATCH]  # None: of the rule's kind, but no date


@lru_cache(maxsize=4096)
def _resolve(expr: str, base: date | None) -> DateWindow | None:
    """The rules in order (the numbered steps below), then dateparser for what they miss."""
    text = re.sub(r"\s+", " ", expr.casefold()).strip(" ,.;:")
    for rule in _PERIOD_RULES:
        found = rule(expr, text, base)
        if found is not NO_MATCH:
            return found
    text = _LEADING_PREPOSITIONS.sub("", text)
    text = re.sub(r"^the\s+", "", text) if not text.startswith("the day") else text
    for rule in _RULES:
        found = rule(expr, text, base)
        if found is not NO_MATCH:
            return found
    # 9. fallback: dateparser, relative to the publication day
    return _dateparser_fallback(expr, base)


def _past_period(expr: str, text: str, base: date | None) -> Found:
    """'over the past three days': the period up to publication."""
    m = re.fullmatch(
        r"(?:over|in|during) the (?:past|last) (?:(\d+|[a-z ]+?) )?(day|week|month|year)s?", text
    )
    if not m:
        return NO_MATCH
    n = _number(m.group(1)) if m.group(1) else 1
    span = {"day": 1, "week": 7, "month": 30, "year": 365}[m.group(2)] * (n or 1)
    if base is None:
        return DateWindow(None, None, None, 2 if span <= 14 else 3, expr, True)
    return DateWindow(None, _iso(base - timedelta(days=span)), _iso(base), 2 if span <= 14 else 3, expr, True)


def _aggregate(expr: str, text: str, base: date | None) -> Found:
    """'since October 17' (up to publication, no single best date); 'from/between X': X."""
    aggregate = _patterns()["aggregate"]
    for prefix in sorted(_words()["aggregate_prefixes"]["words"], key=len, reverse=True):
        if text.startswith(prefix + " ") and aggregate.search(prefix + " "):
            inner = _resolve(expr.strip()[len(prefix) :].strip(), base)
            if inner is None:
                return None
            if prefix in {"from", "between"}:
                return DateWindow(
                    inner.event_date,
                    inner.date_low,
                    inner.date_high,
                    inner.time_precision,
                    expr,
                    inner.inferred,
                )
            high = _iso(base) if base else None
            return DateWindow(None, inner.date_low, high, 3, expr, inner.inferred)
    return NO_MATCH


def _iso_date(expr: str, text: str, base: date | None) -> Found:
    """1. ISO date."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        return NO_MATCH
    d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return _window(expr, d, d, 1, False)


def _numeric_date(expr: str, text: str, base: date | None) -> Found:
    """1b. "08.02.2024", "5/03/2016": day-first or month-first, whichever lies on or before
    publication and nearest to it (day-first when there is no base)."""
    m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})", text)
    if not m:
        return NO_MATCH
    a, b_, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    y = y + 2000 if y < 100 else y
    options = []
    for day_, month_ in ((a, b_), (b_, a)):
        try:
            options.append(date(y, month_, day_))
        except ValueError:
            pass
    if not options:
        return None
    if base is not None:
        past = [d for d in options if d <= base]
        d = max(past) if past else min(options)
    else:
        d = options[0]
    return _window(expr, d, d, 1, False)


def _part_of_day(expr: str, text: str, base: date | None) -> Found:
    """1c. "the early hours of Tuesday", "the night of February 6": that day."""
    m = re.fullmatch(
        r"(?:the\s+)?(?:early hours|small hours|early morning|morning|night|evening|afternoon|[a-z -]+?)\s+(?:of|on)\s+(.+)",
        text,
    )
    if m and not re.fullmatch(
        r"(?:the\s+)?(?:end|beginning|start|middle|first week|last week)",
        text[: m.start(1)].strip()[:-3].strip(),
    ):
        inner = _resolve(m.group(1), base)
        if inner is not None and inner.time_precision == 1:
            return DateWindow(inner.event_date, inner.date_low, inner.date_high, 1, expr, inner.inferred)
    return NO_MATCH


def _day_words(expr: str, text: str, base: date | None) -> Found:
    """2. same day / previous day / overnight / time of day."""
    w = _words()
    same = {x.casefold() for x in w["same_day_words"]["words"]}
    prev = {x.casefold() for x in w["previous_day_words"]["words"]}
    over = {x.casefold() for x in w["overnight_words"]["words"]}
    if text in same or re.fullmatch(_patterns()["time"].pattern, text, re.IGNORECASE):
        return _window(expr, base, base, 1, True)
    if text in prev:
        d = base - timedelta(days=1) if base else None
        return _window(expr, d, d, 1, True)
    if text in over:
        if base is None:
            return _window(expr, None, None, 1, True)
        return _window(expr, base - timedelta(days=1), base, 1, True, best=base - timedelta(days=1))
    if text == "the day before yesterday":
        d = base - timedelta(days=2) if base else None
        return _window(expr, d, d, 1, True)
    return NO_MATCH


def _weekday(expr: str, text: str, base: date | None) -> Found:
    """3. weekdays: "on Thursday", "last Friday", "Monday night"."""
    w = _words()
    weekdays = w["weekdays"]
    m = re.fullmatch(r"(?:(last|this|past|this past|early|late|by)\s+)?([a-z]+)(?:\s+(.+))?", text)
    if not (m and m.group(2) in weekdays and (m.group(3) is None or m.group(3) in w["parts_of_day"])):
        return NO_MATCH
    if base is None:
        return _window(expr, None, None, 1, True)
    target = weekdays[m.group(2)]
    back = (base.weekday() - target) % 7
    if m.group(1) in {"last", "past", "this past"} and back == 0:
        back = 7  # "last Thursday" said on a Thursday is a week ago
    d = base - timedelta(days=back)
    return _window(expr, d, d, 1, True)


def _ago(expr: str, text: str, base: date | None) -> Found:
    """4. "N days/weeks ago"."""
    m = re.fullmatch(r"(\d+|[a-z ]+?)\s+(day|week|month|year)s?\s+(?:ago|earlier|before)", text)
    if not (m and _number(m.group(1)) is not None):
        return NO_MATCH
    n = _number(m.group(1)) or 1
    if base is None:
        return _window(expr, None, None, {"day": 1, "week": 2}.get(m.group(2), 3), True)
    if m.group(2) == "day":
        d = base - timedelta(days=n)
        return _window(expr, d, d, 1, True)
    if m.group(2) == "week":
        d = base - timedelta(days=7 * n)
        return _window(expr, d - timedelta(days=3), min(base, d + timedelta(days=3)), 2, True, best=d)
    months = n if m.group(2) == "month" else 12 * n
    y, mo = divmod(base.year * 12 + base.month - 1 - months, 12)
    return _window(expr, date(y, mo + 1, 1), date(y, mo + 1, _last_day(y, mo + 1)), 3, True)


_RECENT_DAYS = {
    "recent days",
    "in recent days",
    "the past few days",
    "in the past few days",
    "a few days ago",
    "days ago",
    "recently",
}


def _recent_days(expr: str, text: str, base: date | None) -> Found:
    """5. "in recent days": the week before publication."""
    if text not in _RECENT_DAYS:
        return NO_MATCH
    if base is None:
        return _window(expr, None, None, 2, True)
    return _window(expr, base - timedelta(days=7), base - timedelta(days=1), 2, True)


def _relative_period(expr: str, text: str, base: date | None) -> Found:
    """5b. "last week", "this month", "earlier this year", "the weekend"."""
    m = re.fullmatch(
        r"(last|this|past|earlier this|earlier in the|later this|previous)\s+(week|month|year|weekend)", text
    )
    if not m:
        return NO_MATCH
    which, unit = m.group(1), m.group(2)
    if base is None:
        return _window(expr, None, None, 2 if unit in {"week", "weekend"} else 3, True)
    low, high, precision = _PERIODS[unit](which, base)
    return _window(expr, low, high, precision, True)


_PAST = {"last", "past", "previous"}


def _week(which: str, base: date) -> tuple[date, date, int]:
    monday = base - timedelta(days=base.weekday())
    if which in _PAST:
        low = monday - timedelta(days=7)
        return low, low + timedelta(days=6), 2
    if which == "earlier this":
        return monday, max(monday, base - timedelta(days=1)), 2
    return monday, base, 2


def _weekend(which: str, base: date) -> tuple[date, date, int]:
    monday = base - timedelta(days=base.weekday())
    saturday = monday - timedelta(days=2)
    if which == "this" and base.weekday() >= 5:
        saturday = monday + timedelta(days=5)
    return saturday, min(base, saturday + timedelta(days=1)), 2


def _month_period(which: str, base: date) -> tuple[date, date, int]:
    if which in _PAST:
        last = base.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last, 3
    if which == "earlier this":
        return base.replace(day=1), max(base.replace(day=1), base - timedelta(days=1)), 2
    return base.replace(day=1), base, 3


def _year(which: str, base: date) -> tuple[date, date, int]:
    if which in _PAST:
        return date(base.year - 1, 1, 1), date(base.year - 1, 12, 31), 3
    return date(base.year, 1, 1), base, 3


_PERIODS = {"week": _week, "weekend": _weekend, "month": _month_period, "year": _year}


def _part_key(part: str) -> str:
    return re.sub(r"^the\s+", "", part.strip(" -"))


def _month_part(expr: str, text: str, base: date | None) -> Found:
    """6. month parts: "late January", "mid-January 2024", "the end of October"."""
    parts = {k: v for k, v in _words()["month_parts"].items() if k != "about"}
    m = re.fullmatch(r"(.+?)\s*-?\s*([a-z]+)\.?(?:\s+(\d{4}))?", text)
    if not (m and _part_key(m.group(1)) in {_part_key(p) for p in parts} and _month_number(m.group(2))):
        return NO_MATCH
    key = next(p for p in parts if _part_key(p) == _part_key(m.group(1)))
    lo_day, hi_day = parts[key]
    year = int(m.group(3)) if m.group(3) else None
    span = _month_window(_month_number(m.group(2)) or 1, year, base, lo_day, hi_day)
    if span is None:
        return _window(expr, None, None, 2, True)
    return _window(expr, span[0], span[1], 2, year is None)


def _month_and_day(text: str) -> tuple[int, int, str | None] | None:
    """(month, day, year as written) of "October 17", "17 October 2023", "Oct. 17"."""
    m = re.fullmatch(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", text) or None
    day_first = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]+)\.?(?:,?\s+(\d{4}))?", text)
    if m and _month_number(m.group(1)):
        return _month_number(m.group(1)), int(m.group(2)), m.group(3)  # type: ignore[return-value]
    if day_first and _month_number(day_first.group(2)):
        return _month_number(day_first.group(2)), int(day_first.group(1)), day_first.group(3)  # type: ignore[return-value]
    return None


def _month_day(expr: str, text: str, base: date | None) -> Found:
    """7. "October 17", "17 October 2023", "Oct. 17": the last such day on or before publication."""
    found = _month_and_day(text)
    if found is None:
        return NO_MATCH
    month, day_, year = found
    try:
        if year:
            d = date(int(year), month, day_)
            return _window(expr, d, d, 1, False)
        if base is None:
            return _window(expr, None, None, 1, True)
        d = date(base.year, month, day_)
        if d > base:
            d = date(base.year - 1, month, day_)
        return _window(expr, d, d, 1, True)
    except ValueError:
        return None


def _month(expr: str, text: str, base: date | None) -> Found:
    """8. months: "in January", "January 2024" ("may" only with a year: it is mostly the verb)."""
    m = re.fullmatch(r"(?:early\s+|until\s+|through\s+)?([a-z]+)\.?(?:\s+(?:of\s+)?(\d{4}))?", text)
    if m is None:
        return NO_MATCH
    if not (_month_number(m.group(1)) and m.group(1) != "may" or (m.group(1) == "may" and m.group(2))):
        return NO_MATCH
    month = _month_number(m.group(1)) or 1
    year = int(m.group(2)) if m.group(2) else None
    span = _month_window(month, year, base, 1, 0)
    if span is None:
        return _window(expr, None, None, 3, True)
    high = min(span[1], base) if base and year is None and span[0] <= base <= span[1] else span[1]
    return _window(expr, span[0], high, 3, year is None)


Rule = Callable[[str, str, date | None], Found]
# on the expression as written, before its leading preposition goes ("since", "over the past")
_PERIOD_RULES: tuple[Rule, ...] = (_past_period, _aggregate)
_RULES: tuple[Rule, ...] = (
    _iso_date, _numeric_date, _part_of_day, _day_words, _weekday, _ago, _recent_days,
    _relative_period, _month_part, _month_day, _month,
)  # fmt: skip


def _dateparser_fallback(expr: str, base: date | None) -> DateWindow | None:
    parser = _dateparser()
    has_year = re.search(r"\b(?:19|20)\d{2}\b", expr) is not None
    if base is None and not has_year:
        return None
    settings_base = datetime(base.year, base.month, base.day, 12, 0) if base else datetime(2000, 1, 1)
    try:
        parser._settings.RELATIVE_BASE = settings_base  # noqa: SLF001 - the cached parser, new base
        data = parser.get_date_data(expr)
    except Exception:  # dateparser raises many kinds on odd input; unparsed is fine
        return None
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    if base and d > base and not has_year:
        return None  # a future date in a past-tense report: not what we want
    period = data.period or "day"
    if period == "month":
        return _window(expr, d.replace(day=1), d.replace(day=_last_day(d.year, d.month)), 3, not has_year)
    if period == "year":
        return _window(expr, date(d.year, 1, 1), date(d.year, 12, 31), 3, not has_year)
    if period == "week":
        monday = d - timedelta(days=d.weekday())
        return _window(expr, monday, monday + timedelta(days=6), 2, not has_year)
    return _window(expr, d, d, 1, not has_year)
