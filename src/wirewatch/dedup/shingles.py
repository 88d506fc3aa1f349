"""Text normalisation and word shingles for dedup.

Copies of one wire story differ in case, punctuation, quote style, diacritics and
re-encoding damage (UTF-8 read as cp1252: "donâ€™t"); none of that should change the
shingles. Word hashing is done by rensa (Rust) and the k-word shingle hashes are
combined with numpy, so there is no per-shingle Python loop.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import rensa

_U64 = np.uint64
# Odd 64-bit multipliers for mixing word hashes into a shingle hash (k words, position-weighted).
_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
     0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9,
     0x2545F4914F6CDD1D, 0x9FB21C651E98DF25, 0x60642E2A34326F15, 0x1B03738712FAD5C9],
    dtype=_U64,
)  # fmt: skip

_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]+"
)
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _char_map() -> dict[int, str]:
    """Characters folded before tokenising (apostrophes vanish, so "don't" and "dont" agree)."""
    data = json.loads(resources.files("wirewatch.dedup").joinpath("char_folding.json").read_text("utf-8"))
    table: dict[int, str] = {}
    for target, chars in data["fold"].items():
        for ch in chars:
            table[ord(ch)] = "" if target == "<drop>" else target
    return table


def _fix_mojibake(match: re.Match[str]) -> str:
    chunk = match.group(0)
    try:
        return chunk.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        # a cut-off sequence ("â€" before a lost byte) is noise; real Latin-1 words have no cp1252 symbols
        return " " if any(ord(c) > 0xFF for c in chunk[1:]) else chunk


def normalise_words(text: str) -> list[str]:
    """Lowercased ASCII words of `text`, with mojibake repaired and diacritics removed."""
    if "\u00c2" <= max(text, default="\0"):  # only texts with Latin-1 letters can hold mojibake
        text = _MOJIBAKE.sub(_fix_mojibake, text)
    text = text.translate(_char_map())
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(text.lower())


_SENTENCE_END = re.compile(r"[.?!][\"'\u201d\u2019)\]]*(?:\s|$)")


def prose_lines(text: str, min_words: int) -> str:
    """The lines of `text` that read as prose: at least `min_words` words with a sentence end.

    Hard-wrapped paragraphs are rejoined first (a long line without a sentence end continues
    on the next line unless that starts with a capital). Menus, dates, headlines and lists of related headlines are left out, so
    page chrome a cleaner missed does not dilute the comparison. A text with too little prose
    is used whole (tables, scores, one-liners)."""
    logical: list[str] = []
    joining = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            joining = False
            continue
        if joining and not line[0].isupper():  # a wrapped line goes on mid-sentence
            logical[-1] += " " + line
        else:
            logical.append(line)
        joining = len(line.split()) >= min_words and not _SENTENCE_END.search(line[-3:] + " ")
    keep = [ln for ln in logical if len(ln.split()) >= min_words and _SENTENCE_END.search(ln)]
    kept = "\n".join(keep)
    return kept if len(kept) >= 0.3 * len(text.strip()) else text


def text_hash(words: list[str]) -> str:
    """Hash of the normalised text: equal for exact duplicates up to case, punctuation and encoding."""
    return hashlib.blake2b(" ".join(words).encode("ascii"), digest_size=16).hexdigest()


def word_hashes(word_lists: list[list[str]]) -> list[np.ndarray]:
    """64-bit hash of every word, for many documents in one rensa call."""
    return [np.asarray(h, dtype=_U64) for h in rensa.RMinHash.hash_token_sets(word_lists)]


def shingle_hashes(words_h: np.ndarray, size: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of the `size`-word shingles (a text shorter than `size` is one shingle)."""
    n = len(words_h)
    if n == 0:
        return np.empty(0, dtype=_U64)
    k = min(size, n)
    count = n - k + 1
    with np.errstate(over="ignore"):
        acc = words_h[:count] * _MIX[0]
        for j in range(1, k):  # k is the shingle size (a handful), not the document length
            acc = (acc ^ (acc >> _U64(29))) + words_h[j : j + count] * _MIX[j % len(_MIX)]
        acc ^= acc >> _U64(32)
    return np.unique(acc)


@dataclass(slots=True)
class Fingerprint:
    """What dedup knows about one text: exact-duplicate hash, shingle set and counts."""

    text_hash: str
    shingles: np.ndarray  # sorted unique uint64
    numbers: frozenset[str]  # tokens with digits: formulaic items differ in their figures
    word_count: int


def fingerprints(texts: list[str], shingle_size: int, prose_min_words: int = 0) -> list[Fingerprint]:
    """Fingerprints of the prose of each text (the whole text when `prose_min_words` is 0)."""
    if prose_min_words:
        texts = [prose_lines(t, prose_min_words) for t in texts]
    word_lists = [normalise_words(t) for t in texts]
    hashed = word_hashes(word_lists) if word_lists else []
    out = []
    for words, wh in zip(word_lists, hashed, strict=True):
        numbers = frozenset(w for w in words if not w.isalpha())
        out.append(Fingerprint(text_hash(words), shingle_hashes(wh, shingle_size), numbers, len(words)))
    return out


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int]:
    """(Jaccard, containment of the smaller in the larger, shared count) of two sorted unique sets."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0, 0
    shared = int(np.intersect1d(a, b, assume_unique=True).size)
    union = len(a) + len(b) - shared
    return shared / union, shared / min(len(a), len(b)), shared
