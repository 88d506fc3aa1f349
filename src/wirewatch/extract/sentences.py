"""Fast rule-based sentence splitting with character offsets into the clean text.

spaCy never sees a whole article: only the few sentences that can carry an event
(see triggers.py) are parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from wirewatch.extract.lexicon import load


@dataclass(slots=True)
class Sentence:
    start: int  # offset of the first character in the article text
    end: int
    text: str
    paragraph: int  # index of the paragraph (blank-line separated block)
    index: int  # index of the sentence in the article


_PARAGRAPH = re.compile(r"\n\s*\n")
# a candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace, then a plausible start
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LINE_BREAK = re.compile(r"\n")


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(load("sentence_rules")["abbreviations"])


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at `dot` ends an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    return word in _abbreviations()


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence (start, end) pairs inside text[start:end] (one line of a paragraph)."""
    spans: list[tuple[int, int]] = []
    begin = start
    for m in _BOUNDARY.finditer(text, start, end):
        if _is_abbreviation(text, m.start()):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    spans.append((begin, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a clean article text, with offsets. Headings and lines stay separate."""
    sentences: list[Sentence] = []
    para_start = 0
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)] + [(len(text), len(text))]
    paragraph = 0
    for p_end, next_start in bounds:
        line_start = para_start
        # a single newline inside a paragraph still ends a heading-like line
        line_ends = [m.start() for m in _LINE_BREAK.finditer(text, para_start, p_end)] + [p_end]
        for line_end in line_ends:
            for s, e in _split_block(text, line_start, line_end):
                sentences.append(Sentence(s, e, text[s:e], paragraph, len(sentences)))
            line_start = line_end + 1
        if p_end > para_start:
            paragraph += 1
        para_start = next_start
    return sentences
