"""Metadata found in the text itself: headline, byline, agency, dateline, sign-off, dates.

Patterns and lists live in rules/metadata.json; this module applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from wirewatch.clean.ruleset import ChromeRules, MetadataRules, ends_like_sentence
from wirewatch.clean.text import is_prose, menu_items
from wirewatch.records import Removed

# --- dates -------------------------------------------------------------------------------------

_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?\s*(?P<off>Z|[+-]\d{2}:?\d{2})?)?"
)
_MONTH_FIRST = re.compile(
    r"\b(?P<month>[^\W\d_]{3,10})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.IGNORECASE
)
_DAY_FIRST = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(?P<month>[^\W\d_]{3,10})\.?,?\s+(?:de\s+)?(?P<y>\d{4})\b",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?:T?(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?)?$")
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4})\b")
_TIME = re.compile(
    r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
    r"(?:\s*\(?\s*(?P<tz>[A-Z]{1,5})\b\)?)?(?:\s*(?P<off>[+-]\d{1,2}(?::?\d{2})?))?",
    re.IGNORECASE,
)
_GAP = " ,|-–—/at"  # what may stand between a date and its time


@dataclass(slots=True)
class FoundDate:
    iso: str
    start: int
    end: int


def _offset(text: str) -> str:
    """'+0530', '+05:30', '+5' -> '+05:30'; 'Z' stays 'Z'."""
    if text.upper() == "Z":
        return "Z"
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


def _calendar_date(text: str, rules: MetadataRules) -> tuple[int, int, int, int, int] | None:
    """(year, month, day, start, end) of the first calendar date written out in `text`."""
    found = []
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        for m in pattern.finditer(text):
            month = rules.months.get(m["month"].casefold().rstrip("."))
            if month:
                found.append((m.start(), int(m["y"]), month, int(m["d"]), m.end()))
                break
    m = _NUMERIC.search(text)
    if m:
        a, b = int(m["a"]), int(m["b"])
        day_first = rules.numeric_day_first if a <= 12 and b <= 12 else a > 12
        d, mo = (a, b) if day_first else (b, a)
        found.append((m.start(), int(m["y"]), mo, d, m.end()))
    if not found:
        return None
    start, y, mo, d, end = min(found)
    return y, mo, d, start, end


def _time(t: re.Match[str], rules: MetadataRules) -> tuple[int, str, str | None, str | None] | None:
    hour = int(t["h"])
    ampm = (t["ampm"] or "").replace(".", "").replace(" ", "").lower()
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or int(t["mi"]) > 59:
        return None
    off = None
    if t["off"]:
        off = _offset(t["off"])
    elif t["tz"]:
        off = rules.time_zones.get(t["tz"].upper())
    return hour, t["mi"], t["s"], off


def find_date(text: str, rules: MetadataRules) -> FoundDate | None:
    """The first publication-style date in `text`, with its time and zone when they stand beside it."""
    m = _COMPACT.match(text.strip())
    if m:  # "20250614" in a pubdate meta tag
        iso = _iso(int(m["y"]), int(m["mo"]), int(m["d"]), m["h"], m["mi"], m["s"])
        return FoundDate(iso, 0, len(text)) if iso else None
    m = _ISO.search(text)
    if m:
        off = _offset(m["off"]) if m["off"] else None
        iso = _iso(int(m["y"]), int(m["mo"]), int(m["d"]), m["h"], m["mi"], m["s"], off)
        return FoundDate(iso, m.start(), m.end()) if iso else None
    cal = _calendar_date(text, rules)
    if not cal:
        return None
    y, mo, d, start, end = cal
    after = _TIME.search(text, end)
    if after and text[end : after.start()].strip(_GAP) == "" and after.end() > after.start():
        parts = _time(after, rules)
        if parts:
            iso = _iso(y, mo, d, parts[0], parts[1], parts[2], parts[3])
            return FoundDate(iso, start, after.end()) if iso else None
    # "Published 6:02 PM GMT, July 3, 2025": the time before the date
    for before in _TIME.finditer(text[:start]):
        if text[before.end() : start].strip(_GAP) == "":
            parts = _time(before, rules)
            if parts:
                iso = _iso(y, mo, d, parts[0], parts[1], parts[2], parts[3])
                return FoundDate(iso, before.start(), end) if iso else None
    iso = _iso(y, mo, d)
    return FoundDate(iso, start, end) if iso else None


def parse_date_text(text: str, rules: MetadataRules) -> str | None:
    """A publication date in free text ("February 8, 2024 14:45 IST", "2024-02-07") as ISO 8601.

    Time and zone are kept when given; a zone abbreviation becomes its UTC offset.
    """
    found = find_date(text, rules)
    return found.iso if found else None


def date_line(unit: str, rules: MetadataRules) -> str | None:
    """The date of a line that is only a date stamp ("Thursday, October 9, 2025", "Published: 2 June 2025")."""
    found = find_date(unit, rules)
    if not found:
        return None
    rest = unit[: found.start] + " " + unit[found.end :]
    words = re.findall(r"[^\W\d_][\w.'\-]*", rest)
    if any(
        w.casefold() not in rules.date_words and w.casefold().strip(".") not in rules.date_words
        for w in words
    ):
        return None  # other words beside the date: a sentence or a headline, not a stamp
    return None if re.search(r"\d", rest) else found.iso


# --- headline and byline -----------------------------------------------------------------------

_TITLE_MAX_CHARS = 200
_TITLE_MIN_WORDS = 3
_SHORT_HEADER_WORDS = 4  # "Our Correspondent", "Yemen Today Staff": page furniture, not a standfirst
_HEADER_MAX_UNITS = 10


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
    place: str | None = None


def parse_byline(who: str, rules: MetadataRules) -> Byline:
    """'IANS' -> agency; 'Jane Roe, Reuters' -> author and agency; 'Musa Bello, Gusau' -> author and place."""
    who = re.sub(r"\s+(?:and|&)\s+agenc(?:y|ies)\s*$", "", who.strip(" |,;-–—"), flags=re.IGNORECASE)
    agency = rules.agency(who)
    if agency:
        return Byline(agency=agency)
    parts = [p.strip() for p in re.split(r",|\bfor\b|\bwith\b|/", who) if p.strip()]
    out = Byline()
    names = []
    for i, part in enumerate(parts):
        a = rules.agency(part)
        if a:
            out.agency = out.agency or a
        elif any(role in part.casefold() for role in rules.byline_roles):
            continue
        elif i > 0 and len(part.split()) <= 3 and part[:1].isupper():
            out.place = out.place or part  # "By Musa Bello, Gusau": where the reporter filed from
        else:
            names.append(part)
    out.author = ", ".join(names) or None
    return out


def byline_in_line(line: str, rules: MetadataRules) -> Byline | None:
    for pattern in rules.byline:
        m = pattern.search(line)
        if m:
            return parse_byline(m["who"], rules)
    return None


def update_time_in_line(line: str, rules: MetadataRules) -> str | None:
    m = rules.update_time.search(line)
    return parse_date_text(m["when"], rules) if m else None


def known_or_named_agency(text: str | None, rules: MetadataRules) -> str | None:
    """A parenthesised name in a dateline as an agency: a known one, or one that looks like a name."""
    if not text:
        return None
    known = rules.agency(text)
    if known:
        return known
    text = text.strip()
    if text.casefold() in rules.not_agencies or not rules.org_name.match(text):
        return None
    return text


# --- what the text says about itself ------------------------------------------------------------


@dataclass(slots=True)
class TextMetadata:
    title: str | None = None
    author: str | None = None
    agency: str | None = None
    agency_source: str | None = None  # byline | dateline | signoff | credit
    published_at: str | None = None
    published_at_source: str | None = None
    dateline_place: str | None = None
    dateline_source: str | None = None
    dateline_month_day: tuple[int, int] | None = None
    dateline_year: int | None = None
    dateline_date: str | None = None  # a full date on a place/date line ("Abuja, 14 April 2025")
    byline_place: str | None = None
    removed: list[Removed] = field(default_factory=list)

    def set_agency(self, agency: str | None, source: str) -> None:
        if agency and not self.agency:
            self.agency, self.agency_source = agency, source

    def set_published(self, when: str | None, source: str) -> None:
        if when and not self.published_at:
            self.published_at, self.published_at_source = when, source

    def drop(self, text: str, reason: str) -> None:
        self.removed.append(Removed(text, reason))


def _fold_title(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().casefold()


def _same_text(a: str, b: str) -> bool:
    return _fold_title(a) == _fold_title(b)


def shortened(short: str | None, full: str) -> bool:
    """Whether `short` is a cut-down form of the headline `full` (a feed item's title: its
    start, often ending in an ellipsis)."""
    if not short:
        return False
    cut = _fold_title(re.sub(r"(?:\.\.\.|…)\s*$", "", short))
    whole = _fold_title(full)
    return bool(cut) and cut != whole and whole.startswith(cut)


def _is_title(unit: str, titles: list[str]) -> bool:
    return any(_same_text(unit, t) or shortened(t, unit) for t in titles)


def _recase_place(place: str, rules: MetadataRules) -> str:
    """'KHARTOUM/CAIRO' -> 'Khartoum/Cairo', 'PORT-AU-PRINCE' -> 'Port-au-Prince'."""
    if not place.isupper():
        return place
    out = []
    for i, word in enumerate(re.split(r"([A-Za-z']+)", place)):
        if not word or not word[0].isalpha():
            out.append(word)
        elif i > 1 and word.casefold() in rules.place_lowercase:
            out.append(word.casefold())
        else:
            out.append(word.capitalize())
    return "".join(out)


def place_date_line(unit: str, rules: MetadataRules, meta: TextMetadata) -> bool:
    """'Abuja, 14 April 2025' or 'Tbilisi, Dec 1, 2025 (Caucasus Wire)': a dateline on its own line."""
    m = rules.place_date_line.match(unit)
    if not m or m["place"].split()[0] in rules.place_stopwords:
        return False
    when = date_line(m["when"], rules)
    if not when:
        return False
    agency = known_or_named_agency(m["agency"], rules) if m["agency"] else None
    if m["agency"] and not agency:
        return False
    meta.dateline_place = meta.dateline_place or _recase_place(m["place"].strip(), rules)
    meta.dateline_source = meta.dateline_source or "dateline"
    meta.dateline_date = meta.dateline_date or when
    meta.set_agency(agency, "dateline")
    meta.drop(unit, "dateline")
    return True


def take_header(
    units: list[str],
    rules: MetadataRules,
    chrome: ChromeRules,
    meta: TextMetadata,
    *,
    find_headline: bool,
    known_titles: list[str],
) -> list[str]:
    """Read and remove the page header above the story: headline, date stamps, bylines, mastheads.

    The header is what comes before the first sentence of the story. Of its title-like lines the
    longest is the headline (outlet names and section labels are shorter); the rest is page furniture.
    """
    units = list(units)
    end = 0
    while end < min(len(units), _HEADER_MAX_UNITS) and not _starts_story(units[end]):
        end += 1
    if end >= len(units):  # no story sentence follows: only the first line can be a headline
        end = min(1, len(units) - 1)
    header, body = units[:end], units[end:]
    kept: list[tuple[int, str]] = []
    for i, unit in enumerate(header):
        if known_titles and _is_title(unit, known_titles):  # the headline, as given or cut down
            meta.drop(unit, "headline")
            meta.title = meta.title or unit
            known_titles = []
            continue
        when = date_line(unit, rules)
        if when:
            meta.set_published(when, "header-line")
            meta.drop(unit, "date-line")
            continue
        if place_date_line(unit, rules, meta):
            continue
        if _byline_line(unit, rules, meta):
            continue
        found = find_date(unit, rules) if _SEPARATED.search(unit) else None
        if found or menu_items(unit, chrome):
            if found:  # a masthead with the date: "NAIJA DAILY | Sunday, 9 November 2025"
                meta.set_published(found.iso, "header-line")
            meta.drop(unit, chrome.menu_name)
            continue
        kept.append((i, unit))
    if not find_headline:
        return [u for _, u in kept] + body
    candidates = [(len(u.split()), -i, u) for i, u in kept if is_title_like(u) and not is_prose(u)]
    headline_at = -1
    if candidates and not meta.title:
        _, neg_i, headline = max(candidates)
        headline_at = -neg_i
        meta.title = headline
    rest = []
    for i, unit in kept:
        if i == headline_at:
            meta.drop(unit, "headline")
        elif i < headline_at or len(unit.split()) <= _SHORT_HEADER_WORDS:
            meta.drop(unit, "page-header")
        else:
            rest.append(unit)  # a standfirst under the headline stays with the story
    return rest + body


_SEPARATED = re.compile(r"\s[|—–]\s")


def _starts_story(unit: str) -> bool:
    return is_prose(unit) or (ends_like_sentence(unit) and len(unit.split()) >= 4)


def _byline_line(unit: str, rules: MetadataRules, meta: TextMetadata) -> bool:
    """'By Jane Roe', 'By IANS', 'Por AFP', or an agency's name alone on its line."""
    if len(unit) > rules.byline_line_max_chars:
        return False
    alone = rules.agency(unit.strip("()"))
    if alone:
        meta.set_agency(alone, "byline")
        meta.drop(unit, "byline")
        return True
    m = rules.byline_line.match(unit)
    if not m:
        return False
    by = parse_byline(m["who"], rules)
    meta.author = meta.author or by.author
    meta.byline_place = meta.byline_place or by.place
    meta.set_agency(by.agency, "byline")
    meta.drop(unit, "byline")
    return True


def take_tail(units: list[str], rules: MetadataRules, chrome: ChromeRules, meta: TextMetadata) -> list[str]:
    """Agency sign-off ("--IANS"), editor slugs ("ash/svn", "PTI GDK RKS"), credit lines, date stamps
    and menus below the story, from the end."""
    units = list(units)
    while len(units) > 1:
        last = units[-1]
        if rules.slug.match(last) and (meta.agency or _signs_off(units[-2], rules)):
            meta.drop(units.pop(), "editor-slug")
            continue
        m = rules.agency_slug.match(last)
        if m:
            meta.set_agency(rules.agency(m["agency"]), "signoff")
            meta.drop(units.pop(), "editor-slug")
            continue
        agency = _signoff_agency(last, rules)
        if agency:
            meta.set_agency(agency, "signoff")
            meta.drop(units.pop(), "agency-signoff")
            continue
        credit = _credit(last, rules)
        if credit is not None:
            meta.set_agency(credit or None, "credit")
            meta.drop(units.pop(), "credit-line")
            continue
        when = date_line(last, rules)
        if when:
            meta.set_published(when, "header-line")
            meta.drop(units.pop(), "date-line")
            continue
        if menu_items(last, chrome):
            meta.drop(units.pop(), chrome.menu_name)
            continue
        m = rules.inline_signoff.search(last)
        if m and rules.agency(m["agency"]):
            meta.set_agency(rules.agency(m["agency"]), "signoff")
            meta.drop(m.group(0).strip(), "agency-signoff")
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
        agency = known_or_named_agency(agency_text, rules)
        if agency_text and not agency:
            continue  # "(file photo)" and the like are not agencies
        rest = unit[m.end() :].strip()
        if len(rest) < 20:
            continue
        meta.dateline_place = _recase_place(place, rules)
        meta.dateline_source = "dateline"
        meta.set_agency(agency, "dateline")
        if groups.get("month"):
            month = rules.months.get(groups["month"].casefold().rstrip("."))
            if month:
                meta.dateline_month_day = (month, int(groups["day"]))
                if groups.get("year"):
                    meta.dateline_year = int(groups["year"])
        meta.drop(unit[: m.end()].strip(), "dateline")
        return rest
    return unit


def dateline_date(meta: TextMetadata, year_hint: int | None, latest: str | None) -> str | None:
    """The dateline's date: a full one from a place/date line, else its month and day with its own
    year or the hint's, not after `latest`."""
    if meta.dateline_date:
        return meta.dateline_date
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
