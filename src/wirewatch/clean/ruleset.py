"""Load the cleaning rules (rules/*.json) once and compile their patterns."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from wirewatch import errors
from wirewatch.errors import WirewatchError


def load_rules_file(name: str) -> dict[str, Any]:
    """One data file from clean/rules/, parsed."""
    text = resources.files("wirewatch.clean.rules").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def _fold(text: str) -> str:
    """Key for 'exact' chrome labels: case and trailing punctuation do not matter."""
    return re.sub(r"[\s:|>»›•·.\-–—]+$", "", text.strip()).casefold()


@dataclass(slots=True)
class LineRule:
    name: str
    exact: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]
    only_unpunctuated: bool = False  # applies only to lines that do not end like a sentence

    def matches(self, line: str, folded: str | None = None) -> bool:
        if self.only_unpunctuated and ends_like_sentence(line):
            return False
        if self.exact and (folded if folded is not None else _fold(line)) in self.exact:
            return True
        return any(p.search(line) for p in self.patterns)


@dataclass(slots=True)
class BlockRule:
    name: str
    starts: tuple[re.Pattern[str], ...]
    link_max_chars: int
    only_after_body: bool


@dataclass(slots=True)
class PrefixRule:
    name: str
    pattern: re.Pattern[str]


@dataclass(slots=True)
class DatelineRule:
    name: str
    pattern: re.Pattern[str]


@dataclass(slots=True)
class ChromeRules:
    lines: list[LineRule]
    blocks: list[BlockRule]
    prefixes: list[PrefixRule]
    teaser_name: str
    teaser_ellipsis: re.Pattern[str]
    teaser_min_chars: int
    duplicate_name: str
    duplicate_min_chars: int
    menu_name: str
    menu_separator: re.Pattern[str]
    menu_max_words: int
    menu_min_items: int

    def line_rule_for(self, line: str) -> str | None:
        """Name of the first line rule that matches, or None."""
        folded = _fold(line)
        for rule in self.lines:
            if rule.matches(line, folded):
                return rule.name
        return None


@dataclass(slots=True)
class MetadataRules:
    agency_by_spelling: dict[str, str]  # folded spelling -> canonical name
    byline: tuple[re.Pattern[str], ...]
    byline_line: re.Pattern[str]
    byline_line_max_chars: int
    update_time: re.Pattern[str]
    signoff: re.Pattern[str]
    inline_signoff: re.Pattern[str]
    slug: re.Pattern[str]
    credits: tuple[re.Pattern[str], ...]
    datelines: list[DatelineRule]
    place_stopwords: frozenset[str]
    months: dict[str, int]
    time_zones: dict[str, str]
    numeric_day_first: bool
    date_words: frozenset[str]
    byline_roles: tuple[str, ...]
    not_agencies: frozenset[str]
    agency_slug: re.Pattern[str]
    org_name: re.Pattern[str]
    place_lowercase: frozenset[str]
    place_date_line: re.Pattern[str]

    def agency(self, name: str | None) -> str | None:
        """Canonical agency for a spelling ("Press Trust of India" -> "PTI"), else None."""
        if not name:
            return None
        key = re.sub(r"\s+", " ", name.strip(" .,;:()-–—")).casefold()
        key = re.sub(r"^the ", "", key) if key not in self.agency_by_spelling else key
        return self.agency_by_spelling.get(key)


@dataclass(slots=True)
class HtmlRules:
    published_meta: tuple[str, ...]
    title_meta: tuple[str, ...]
    author_meta: tuple[str, ...]
    site_name_meta: tuple[str, ...]
    url_meta: tuple[str, ...]
    jsonld_types: frozenset[str]
    drop_tags: tuple[str, ...]
    block_tags: frozenset[str]
    justext_stoplists: dict[str, str]


_SENTENCE_END = re.compile(r"[.!?;]['\"’”)\]]*\s*$")


def ends_like_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def _line_rules(rules: list[dict[str, Any]]) -> list[LineRule]:
    out = []
    for r in rules:
        # glued category labels are case-sensitive ("BusinessNew"), the rest are not
        rule_flags = 0 if r.get("only_unpunctuated") else re.IGNORECASE
        out.append(
            LineRule(
                name=r["name"],
                exact=frozenset(_fold(v) for v in r.get("exact", [])),
                patterns=tuple(re.compile(p, rule_flags) for p in r.get("regex", [])),
                only_unpunctuated=bool(r.get("only_unpunctuated", False)),
            )
        )
    return out


def _block_rules(rules: list[dict[str, Any]]) -> list[BlockRule]:
    return [
        BlockRule(
            name=r["name"],
            starts=tuple(re.compile(p, re.IGNORECASE) for p in r["start_regex"]),
            link_max_chars=int(r.get("link_max_chars", 220)),
            only_after_body=bool(r.get("only_after_body", True)),
        )
        for r in rules
    ]


def _user_rules(path: str) -> tuple[list[LineRule], list[BlockRule]]:
    """A user's own chrome rules file; mistakes are configuration errors, named with the file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return _line_rules(data.get("line_rules", [])), _block_rules(data.get("block_rules", []))
    except FileNotFoundError:
        raise WirewatchError(errors.CONFIG_ERROR, f"{path}: chrome rules file not found") from None
    except (ValueError, KeyError, TypeError, AttributeError, re.error) as exc:
        raise WirewatchError(errors.CONFIG_ERROR, f"{path}: not a valid chrome rules file ({exc})") from None


@cache
def chrome_rules(extra_files: tuple[str, ...] = ()) -> ChromeRules:
    """The packaged chrome rules, with users' own rules files (checked first) when given."""
    data = load_rules_file("chrome.json")
    flags = re.IGNORECASE
    lines = _line_rules(data["line_rules"])
    blocks = _block_rules(data["block_rules"])
    for path in reversed(extra_files):
        user_lines, user_blocks = _user_rules(path)
        lines, blocks = user_lines + lines, user_blocks + blocks
    prefixes = [PrefixRule(r["name"], re.compile(r["regex"], flags)) for r in data["inline_prefix_rules"]]
    teaser = data["teaser"]
    dup = data["duplicate_paragraph"]
    menu = data["menu_line"]
    return ChromeRules(
        lines=lines,
        blocks=blocks,
        prefixes=prefixes,
        teaser_name=teaser["name"],
        teaser_ellipsis=re.compile(teaser["ellipsis_regex"]),
        teaser_min_chars=int(teaser["min_chars"]),
        duplicate_name=dup["name"],
        duplicate_min_chars=int(dup["min_chars"]),
        menu_name=menu["name"],
        menu_separator=re.compile(menu["separator_regex"]),
        menu_max_words=int(menu["max_words_per_item"]),
        menu_min_items=int(menu["min_items"]),
    )


@cache
def metadata_rules() -> MetadataRules:
    data = load_rules_file("metadata.json")
    flags = re.IGNORECASE
    by_spelling: dict[str, str] = {}
    for canonical, spellings in data["agencies"].items():
        if canonical.startswith("_"):
            continue
        for s in [canonical, *spellings]:
            by_spelling[s.casefold()] = canonical
    zones = {k: v for k, v in data["time_zones"].items() if not k.startswith("_")}
    return MetadataRules(
        agency_by_spelling=by_spelling,
        byline=tuple(re.compile(p, flags) for p in data["byline_regex"]),
        byline_line=re.compile(data["byline_line_regex"]),
        byline_line_max_chars=int(data["byline_line_max_chars"]),
        update_time=re.compile(data["update_time_regex"], flags),
        signoff=re.compile(data["signoff_regex"]),
        inline_signoff=re.compile(data["inline_signoff_regex"]),
        slug=re.compile(data["slug_regex"]),
        credits=tuple(re.compile(p, flags) for p in data["credit_regex"]),
        # datelines are case-sensitive: capitals are what mark a place name
        datelines=[DatelineRule(r["name"], re.compile(r["regex"])) for r in data["dateline_regex"]],
        place_stopwords=frozenset(data["dateline_place_stopwords"]),
        months={k.casefold(): v for k, v in data["months"].items()},
        time_zones=zones,
        numeric_day_first=bool(data["numeric_dates_day_first"]),
        date_words=frozenset(w.casefold() for w in data["date_words"]),
        byline_roles=tuple(w.casefold() for w in data["byline_roles"]),
        not_agencies=frozenset(w.casefold() for w in data["not_agencies"]),
        agency_slug=re.compile(data["agency_slug_regex"]),
        org_name=re.compile(data["org_name_regex"]),
        place_lowercase=frozenset(data["place_lowercase_words"]),
        place_date_line=re.compile(data["place_date_line_regex"]),
    )


@cache
def html_rules() -> HtmlRules:
    data = load_rules_file("html.json")
    return HtmlRules(
        published_meta=tuple(s.casefold() for s in data["published_meta"]),
        title_meta=tuple(s.casefold() for s in data["title_meta"]),
        author_meta=tuple(s.casefold() for s in data["author_meta"]),
        site_name_meta=tuple(s.casefold() for s in data["site_name_meta"]),
        url_meta=tuple(s.casefold() for s in data["url_meta"]),
        jsonld_types=frozenset(data["jsonld_article_types"]),
        drop_tags=tuple(data["fallback_drop_tags"]),
        block_tags=frozenset(data["fallback_block_tags"]),
        justext_stoplists={k: v for k, v in data["justext_stoplists"].items() if not k.startswith("_")},
    )
