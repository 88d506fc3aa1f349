"""Site chrome in text: menus, app prompts, share labels, ads, disclaimers, related-story lists, teasers.

Works on units (one line or paragraph each) from scraped text or from HTML extraction.
Every drop is recorded with the name of the rule that made it (rules/chrome.json).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wirewatch.clean.ruleset import ChromeRules, ends_like_sentence
from wirewatch.records import Removed


@dataclass(slots=True)
class ChromeResult:
    kept: list[str]
    removed: list[Removed] = field(default_factory=list)
    prefix_values: dict[str, str] = field(default_factory=dict)  # rule name -> captured value


# a unit that reads like article prose: long, or a full sentence of several words
_PROSE_MIN_CHARS = 120
_PROSE_MIN_WORDS = 8


def is_prose(unit: str) -> bool:
    if len(unit) >= _PROSE_MIN_CHARS:
        return True
    return ends_like_sentence(unit) and len(unit.split()) >= _PROSE_MIN_WORDS


def is_link_line(unit: str, max_chars: int) -> bool:
    """A related-story link: short and not ending like a sentence."""
    return len(unit) <= max_chars and not ends_like_sentence(unit)


def strip_chrome(units: list[str], rules: ChromeRules) -> ChromeResult:
    result = ChromeResult(kept=[])
    seen_body = False
    in_block: str | None = None
    block_max = 0
    for unit in units:
        unit = _strip_prefixes(unit, rules, result)
        if not unit:
            continue
        if in_block:
            starts_block = _block_start(unit, rules, seen_body)
            if starts_block or is_link_line(unit, block_max) or rules.line_rule_for(unit):
                result.removed.append(Removed(unit, in_block))
                continue
            in_block = None
        block = _block_start(unit, rules, seen_body)
        if block:
            in_block, block_max = block.name, block.link_max_chars
            result.removed.append(Removed(unit, block.name))
            continue
        reason = rules.line_rule_for(unit)
        if reason:
            result.removed.append(Removed(unit, reason))
            continue
        result.kept.append(unit)
        seen_body = seen_body or is_prose(unit)
    return result


def _strip_prefixes(unit: str, rules: ChromeRules, result: ChromeResult) -> str:
    """Take a glued field off the start of a line ("date 2024-02-07 Advertisement")."""
    for rule in rules.prefixes:
        m = rule.pattern.match(unit)
        if m:
            result.removed.append(Removed(m.group(0).strip(), rule.name))
            for value in m.groupdict().values():
                if value:
                    result.prefix_values.setdefault(rule.name, value)
                    break
            unit = unit[m.end() :].strip()
    return unit


def _block_start(unit: str, rules: ChromeRules, seen_body: bool):  # -> BlockRule | None
    for block in rules.blocks:
        if block.only_after_body and not seen_body:
            continue
        if any(p.search(unit) for p in block.starts):
            return block
    return None


def _fold_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def drop_repeats(
    units: list[str], rules: ChromeRules, *, duplicates: bool = True
) -> tuple[list[str], list[Removed]]:
    """Drop a teaser cut short with an ellipsis when a later unit starts with it, and (when
    `duplicates`) paragraphs seen before. HTML extraction keeps repeats: there they are content
    (recipes, tables, refrains), and trafilatura already drops repeated page parts."""
    folded = [_fold_text(u) for u in units]
    kept: list[str] = []
    removed: list[Removed] = []
    seen: set[str] = set()
    for i, unit in enumerate(units):
        m = rules.teaser_ellipsis.search(unit)
        if m:
            head = _fold_text(unit[: m.start()])
            if len(head) >= rules.teaser_min_chars and any(
                f.startswith(head) and len(f) > len(head) for f in folded[i + 1 :]
            ):
                removed.append(Removed(unit, rules.teaser_name))
                continue
        key = folded[i]
        if duplicates and len(key) >= rules.duplicate_min_chars and key in seen:
            removed.append(Removed(unit, rules.duplicate_name))
            continue
        seen.add(key)
        kept.append(unit)
    return kept, removed


def menu_items(unit: str, rules: ChromeRules) -> list[str] | None:
    """The items of a menu-like line ("News | Politics | Sport", "HOME > YEMEN"), else None."""
    if ends_like_sentence(unit):
        return None
    items = [x.strip() for x in rules.menu_separator.split(unit) if x.strip()]
    if len(items) < rules.menu_min_items:
        return None
    if any(len(x.split()) > rules.menu_max_words for x in items):
        return None
    return items
