"""Metadata found in the text itself: headline, byline, agency, dateline, sign-off, dates.

Patterns and lists live in rules/metadata.json; this module applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from wirewatch.clean.ruleset import MetadataRules, ends_like_sentence
from wirewatch.clean.text import is_prose

# --- dates -------------------------------------------------------------------------------------

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?\s*(?P<off>Z|[+-]\d{2}:?\d{2})?)?"
)
_MONTH_FIRST = re.compile(
    r"\b(?P<month>[A-Za-z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.IGNORECASE
)
_DAY_FIRST = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<y>\d{4})\b", re.IGNORECASE
)
_TIME = re.compile(
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
    r"(?:\s*\(?\s*(?P<tz>[A-Z]{1,5})\b\)?)?(?:\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?))?",
    re.IGNORECASE,
)


def _offset(text: str) -> str:
    """'+0530', '+05:30', '+5' -> '+05:30'; 'Z' -> '+00:00'."""
    if text.upper() == "Z":
        return "+00:00"
    sign, digits = text[0], text[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
    return f"{sign}{int(hours):02d}:{minutes}"


def _iso(y: int, mo: int, d: int, h=None, mi=None, s=None, off: str | None = None) -> str | None:
    try:
        day = date(y, mo, d)
        if h is None:
            return day.isoformat()
        stamp = datetime(y, mo, d, int(h), int(mi), int(s or 0)).isoformat()
    except ValueError:
        return None
    return stamp + (off or "")


def parse_date_text(text: str, rules: MetadataRules) -> str | None:
    """A publication date in free text ("February 8, 2024 14:45 IST", "2024-02-07") as ISO 8601.

    Time and zone are kept when given; a zone abbreviation becomes its UTC offset.
    """
    m = _ISO.search(text)
    if m:
        off = _offset(m["off"]) if m["off"] else None
        return _iso(int(m["y"]), int(m["mo"]), int(m["d"]), m["h"], m["mi"], m["s"], off)
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        m = pattern.search(text)
        if not m:
            continue
        month = rules.months.get(m["month"].casefold().rstrip("."))
        if not month:
            continue
        y, d = int(m["y"]), int(m["d"])
        t = _TIME.search(text, m.end())
        if not t or text[m.end() : t.start()].strip(" ,|at-") != "":
            return _iso(y, month, d)
        hour = int(t["h"])
        ampm = (t["ampm"] or "").replace(".", "").replace(" ", "").lower()
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        off = None
        if t["off"]:
            off = _offset(t["off"])
        elif t["tz"]:
            off = rules.time_zones.get(t["tz"].upper())
        return _iso(y, month, d, hour, t["mi"], t["s"], off)
    return None


# --- headline and byline -----------------------------------------------------------------------

_TITLE_MAX_CHARS = 200
_TITLE_MIN_WORDS = 3


def is_title_like(unit: str) -> bool:
    """A headline: a short line of a few words that does not end like a sentence."""
    if len(unit) > _TITLE_MAX_CHARS or len(unit.split()) < _TITLE_MIN_WORDS:
        return False
    if unit.endswith((":", ",", ";")):
        return False
    return not ends_like_sentence(unit) or unit.endswith(("?", "!"))


@dataclass(slots=True)
class Byline:
    author: str | None = None
    agency: str | None = None


def parse_byline(who: str, rules: MetadataRules) -> Byline:
    """'IANS' -> agency; 'Jane Roe, Reuters' -> author and agency; 'Jane Roe' -> author."""
    who = who.strip(" |,;-–—")
    agency = rules.agency(who)
    if agency:
        return Byline(agency=agency)
    parts = [p.strip() for p in re.split(r",|\bfor\b|\bwith\b|/", who) if p.strip()]
    found = None
    names = []
    for part in parts:
        a = rules.agency(part)
        if a:
            found = found or a
        else:
            names.append(part)
    return Byline(author=", ".join(names) or None, agency=found)


def byline_in_line(line: str, rules: MetadataRules) -> Byline | None:
    for pattern in rules.byline:
        m = pattern.search(line)
        if m:
            return parse_byline(m["who"], rules)
    return None


def update_time_in_line(line: str, rules: MetadataRules) -> str | None:
    m = rules.update_time.search(line)
    return parse_date_text(m["when"], rules) if m else None


# --- top and tail of the body --------------------------------------------------------------------


@dataclass(slots=True)
class TextMetadata:
    title: str | None = None
    author: str | None = None
    agency: str | None = None
    agency_source: str | None = None  # byline | dateline | signoff | credit
    published_at: str | None = None
    published_at_source: str | None = None
    dateline_place: str | None = None
    dateline_month_day: tuple[int, int] | None = None
    dateline_year: int | None = None
    removed: list[dict[str, str]] = field(default_factory=list)

    def set_agency(self, agency: str | None, source: str) -> None:
        if agency and not self.agency:
            self.agency, self.agency_source = agency, source


def take_top(
    units: list[str],
    rules: MetadataRules,
    meta: TextMetadata,
    *,
    find_headline: bool,
    known_title: str | None,
) -> list[str]:
    """Headline and byline lines at the top of scraped text, taken out of the body."""
    units = list(units)
    if units and known_title and _same_text(units[0], known_title):
        meta.removed.append({"text": units.pop(0), "reason": "headline"})
        meta.title = meta.title or known_title
    elif find_headline and len(units) > 1 and is_title_like(units[0]) and not is_prose(units[0]):
        meta.title = units[0]
        meta.removed.append({"text": units.pop(0), "reason": "headline"})
    # a byline line right under the headline ("By Jane Roe", "By IANS", "Por AFP")
    for _ in range(2):
        m = rules.byline_line.match(units[0]) if units else None
        if not m or len(units[0]) > rules.byline_line_max_chars:
            break
        by = parse_byline(m["who"], rules)
        meta.author = meta.author or by.author
        meta.set_agency(by.agency, "byline")
        meta.removed.append({"text": units.pop(0), "reason": "byline"})
    return units


def _same_text(a: str, b: str) -> bool:
    fold = lambda s: re.sub(r"\W+", " ", s).strip().casefold()  # noqa: E731
    return fold(a) == fold(b)


def take_tail(units: list[str], rules: MetadataRules, meta: TextMetadata) -> list[str]:
    """Agency sign-off ("--IANS"), the editor slug after it ("ash/svn") and credit lines, from the end."""
    units = list(units)
    while units:
        last = units[-1]
        if rules.slug.match(last) and len(units) > 1 and _signs_off(units[-2], rules):
            meta.removed.append({"text": units.pop(), "reason": "editor-slug"})
            continue
        agency = _signoff_agency(last, rules)
        if agency:
            meta.set_agency(agency, "signoff")
            meta.removed.append({"text": units.pop(), "reason": "agency-signoff"})
            continue
        credit = _credit(last, rules)
        if credit is not None:
            meta.set_agency(credit or None, "credit")
            meta.removed.append({"text": units.pop(), "reason": "credit-line"})
            continue
        m = rules.inline_signoff.search(last)
        if m and rules.agency(m["agency"]):
            meta.set_agency(rules.agency(m["agency"]), "signoff")
            meta.removed.append({"text": m.group(0).strip(), "reason": "agency-signoff"})
            units[-1] = last[: m.start()].rstrip()
        break
    return units


def _signs_off(line: str, rules: MetadataRules) -> bool:
    """The line is a sign-off, or ends with one."""
    if _signoff_agency(line, rules):
        return True
    m = rules.inline_signoff.search(line)
    return bool(m and rules.agency(m["agency"]))


def _signoff_agency(line: str, rules: MetadataRules) -> str | None:
    m = rules.signoff.match(line)
    if not m or not line.lstrip().startswith(("-", "—", "–")):
        return None
    return rules.agency(m["agency"])


def _credit(line: str, rules: MetadataRules) -> str | None:
    """'' for a credit line naming no known agency, the agency for one that does, None otherwise."""
    for pattern in rules.credits:
        m = pattern.match(line)
        if m:
            named = m.groupdict().get("agency")
            if named:
                for part in re.split(r",|&|\band\b", named):
                    agency = rules.agency(part)
                    if agency:
                        return agency
            return ""
    return None


def take_dateline(unit: str, rules: MetadataRules, meta: TextMetadata) -> str:
    """Read the dateline at the start of the first paragraph and return the paragraph without it."""
    for rule in rules.datelines:
        m = rule.pattern.match(unit)
        if not m:
            continue
        place = m["place"].strip(" .,")
        if place.split()[0].strip(".,").title() in rules.place_stopwords or place in rules.place_stopwords:
            continue
        groups = m.groupdict()
        agency_text = groups.get("agency")
        agency = rules.agency(agency_text) if agency_text else None
        if agency_text and not agency:
            continue  # "(file photo)" and the like are not agencies
        rest = unit[m.end() :].strip()
        if len(rest) < 20:
            continue
        if place.isupper():
            place = " ".join(w.capitalize() if len(w) > 2 else w for w in place.split())
            place = re.sub(r"\b(\w)(\w*)-(\w)", lambda x: f"{x[1]}{x[2]}-{x[3].upper()}", place)
        meta.dateline_place = place
        meta.set_agency(agency, "dateline")
        if groups.get("month"):
            month = rules.months.get(groups["month"].casefold().rstrip("."))
            if month:
                meta.dateline_month_day = (month, int(groups["day"]))
                if groups.get("year"):
                    meta.dateline_year = int(groups["year"])
        meta.removed.append({"text": unit[: m.end()].strip(), "reason": "dateline"})
        return rest
    return unit


def dateline_date(meta: TextMetadata, year_hint: int | None, latest: str | None) -> str | None:
    """The dateline's month and day with a year: its own, else the hint; not after `latest`."""
    if not meta.dateline_month_day:
        return None
    year = meta.dateline_year or year_hint
    if not year:
        return None
    month, day = meta.dateline_month_day
    found = _iso(year, month, day)
    if found and latest and not meta.dateline_year and found > latest[:10]:
        found = _iso(year - 1, month, day)
    return found
