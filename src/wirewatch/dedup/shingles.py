"""Text normalisation and word shingles for dedup.

Copies of one wire story differ in case, punctuation, quote style, diacritics and
re-encoding damage (UTF-8 read as cp1252: "donâ€™t"); none of that should change the
shingles. Prose lines and words of a whole chunk of texts are found, hashed and combined
into k-word shingle hashes at once with numpy, so there is no per-word or per-shingle
Python loop; rensa computes the MinHash signatures.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import struct
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from itertools import compress, repeat

import numpy as np

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
# UTF-8 lead bytes read as cp1252: Latin-1 letters (Â Ã), punctuation (â), Cyrillic (Ð Ñ), Arabic (Ø Ù)
_MOJIBAKE_LEADS = ("\u00c2", "\u00c3", "\u00e2", "\u00d0", "\u00d1", "\u00d8", "\u00d9")
_FIGURE = re.compile(r"[a-z]*[0-9][a-z0-9]*")
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _folding() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Patterns for characters dropped (apostrophes, so "don't" = "dont"), turned into spaces, or into quotes."""
    data = json.loads(resources.files("wirewatch.dedup").joinpath("char_folding.json").read_text("utf-8"))
    fold = data["fold"]
    drop = re.compile("[" + re.escape(fold["<drop>"]) + "]")
    space = re.compile("[" + re.escape(fold[" "]) + "]")
    quote = re.compile("[" + re.escape(fold['"']) + "]")
    return drop, space, quote


def _fix_mojibake(match: re.Match[str]) -> str:
    chunk = match.group(0)
    try:
        return chunk.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        # a cut-off sequence ("â€" before a lost byte) is noise; real Latin-1 words have no cp1252 symbols
        return " " if any(ord(c) > 0xFF for c in chunk[1:]) else chunk


class _AsciiDropMade(Exception):
    """A folded run came out with an ASCII character of the drop set (fullwidth apostrophe -> "'"),
    which the whole-text passes keep: that rare text takes those passes."""


def _fold_run(run: str, mojibake: bool) -> str:
    """ASCII for one run of non-ASCII characters: mojibake repaired (when the text has any),
    apostrophes dropped, dashes and odd spaces made spaces, diacritics removed."""
    drop, space, _quote = _folding()
    if mojibake:
        run = _MOJIBAKE.sub(_fix_mojibake, run)
    out = unicodedata.normalize("NFKD", space.sub(" ", drop.sub("", run))).encode("ascii", "ignore")
    if any(char in out for char in _ascii_drop()):
        raise _AsciiDropMade
    return out.decode("ascii")


# Folded runs seen so far: texts repeat a few runs (quotes, dashes, accented names) many times.
_RUN_CACHE: dict[tuple[str, bool], str] = {}
_RUN_CACHE_MAX = 100_000


def _fold_error(mojibake: bool):  # type: ignore[no-untyped-def]
    def handler(err: UnicodeEncodeError) -> tuple[str, int]:
        run = err.object[err.start : err.end]
        key = (run, mojibake)
        out = _RUN_CACHE.get(key)
        if out is None:
            if len(_RUN_CACHE) >= _RUN_CACHE_MAX:
                _RUN_CACHE.clear()
            out = _RUN_CACHE[key] = _fold_run(run, mojibake)
        return out, err.end

    return handler


# Encoding to ASCII calls these for each maximal run of non-ASCII characters, so the ASCII bulk of
# a text is copied at C speed. Folding run by run equals the whole-text passes: mojibake sequences
# and the non-ASCII characters folded are all inside runs, and NFKD only reorders marks within a
# run (ASCII characters are starters). The ASCII characters of the drop set go afterwards.
_FOLD_ERRORS = {True: "wirewatch-dedup-fold-mojibake", False: "wirewatch-dedup-fold"}
for _flag, _name in _FOLD_ERRORS.items():
    codecs.register_error(_name, _fold_error(_flag))


@lru_cache(maxsize=1)
def _ascii_drop() -> tuple[bytes, ...]:
    data = json.loads(resources.files("wirewatch.dedup").joinpath("char_folding.json").read_text("utf-8"))
    return tuple(c.encode("ascii") for c in data["fold"]["<drop>"] if c.isascii())


def _normalise_by_passes(text: str) -> str:
    """`normalise_text` of a non-ASCII text, one whole-text pass per step (the reference)."""
    drop, space, _quote = _folding()
    if any(lead in text for lead in _MOJIBAKE_LEADS):  # scan for mojibake only where it can be
        text = _MOJIBAKE.sub(_fix_mojibake, text)
    text = drop.sub("", text)
    if not text.isascii():  # curly quotes alone stop here
        text = space.sub(" ", text)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.lower()


def normalise_text(text: str) -> str:
    """Lowercase ASCII text in which words are the runs of [a-z0-9]: mojibake repaired, diacritics
    and apostrophes removed. Plain ASCII text (the common case) takes a fast path."""
    if text.isascii():
        return text.replace("'", "").replace("`", "").lower()
    mojibake = any(lead in text for lead in _MOJIBAKE_LEADS)
    try:
        folded = text.encode("ascii", _FOLD_ERRORS[mojibake])
    except _AsciiDropMade:
        return _normalise_by_passes(text)
    for char in _ascii_drop():  # a replace per character is faster than bytes.translate here
        folded = folded.replace(char, b"")
    return folded.decode("ascii").lower()


def normalise_words(text: str) -> list[str]:
    """The words of `text` after `normalise_text`."""
    return _WORD.findall(normalise_text(text))


# a line break (or a blank line a cleaner made of one) after a word with no sentence end and
# before a lower-case word: a hard wrap inside a sentence
_WRAPPED_BREAK = re.compile(r"\n(?<=[^\s.?!\"'\u201d\u2019)\]]\n)(?:[ \t]*\n)?(?=[a-z0-9(\u2018\u201c])")
_STOPS = ".?!"
_CLOSERS = "\"'\u201d\u2019)]"  # quotes and brackets that may follow a sentence's stop
_SENTENCE_END = re.compile(f"[{re.escape(_STOPS)}][{re.escape(_CLOSERS)}]*(?:\\s|$)")


def prose_lines(text: str, min_words: int) -> str:
    """The lines of `text` that read as prose: at least `min_words` words with a sentence end.

    Hard-wrapped paragraphs are rejoined first (a line break inside a sentence, before a word
    that does not start with a capital). Menus, dates, headlines and lists of related headlines
    are left out, so page chrome a cleaner missed does not dilute the comparison. A text with
    too little prose is used whole (tables, scores, one-liners)."""
    lines = _WRAPPED_BREAK.sub(" ", text).split("\n")
    # the two checks per line run as C-level iterators (no Python bytecode per line):
    # at least min_words - 1 spaces, then a sentence end
    wordy = list(compress(lines, map((min_words - 1).__le__, map(str.count, lines, repeat(" ")))))
    # most prose lines end with a stop (then closers): a sentence end at `$`, found without a scan;
    # the other lines are searched, so `ends` is exactly whether `_SENTENCE_END` finds one
    ends = list(map(str.endswith, map(str.rstrip, wordy, repeat(_CLOSERS)), repeat(tuple(_STOPS))))
    if not all(ends):
        search = _SENTENCE_END.search
        ends = [end or search(line) is not None for end, line in zip(ends, wordy, strict=True)]
    kept = "\n".join(compress(wordy, ends))
    return kept if len(kept) >= 0.3 * len(text.strip()) else text


_CHUNK_CHARS = 1 << 17  # texts are hashed in chunks of about this many characters (arrays stay in cache)
# Version of the word and text hashes below: stored band keys and text hashes are only comparable
# with those of the same version (the index is rebuilt from the stored texts when it changes).
HASH_VERSION = 2
_FIRST_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=_U64)  # keep k bytes
_LENGTH_MIX = _U64(0x9E3779B97F4A7C15)
_PIECE_MIX = _U64(0xC2B2AE3D27D4EB4F)


def _mix64(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (splitmix64) so that similar words get unrelated hashes."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
        return x ^ (x >> _U64(31))


# Byte classes of normalised text. Words are class 0, so the other bytes are found in one pass
# (np.flatnonzero) and everything after works on those (about a quarter of the bytes).
_C_WORD, _C_PUNCT, _C_SPACE, _C_NEWLINE, _C_STOP, _C_CLOSER, _C_WHITE = range(7)
_CLASS = np.full(256, _C_PUNCT, dtype=np.uint8)
_CLASS[list(b"abcdefghijklmnopqrstuvwxyz0123456789")] = _C_WORD
_CLASS[ord(" ")] = _C_SPACE
_CLASS[ord("\n")] = _C_NEWLINE
_CLASS[list(b".?!")] = _C_STOP
_CLASS[list(b'")]')] = _C_CLOSER  # closers after normalising (apostrophes and curly quotes are dropped)
_CLASS[list(b"\t\r\x0b\x0c")] = _C_WHITE
_CLASS_TABLE = _CLASS.tobytes()  # for bytes.translate


class _Chunk:
    """Normalised texts joined by newlines (one more at the end), split into words and lines.

    Words are runs of [a-z0-9]. A line is prose with at least `min_words - 1` spaces and a
    sentence end: a stop, then closing quotes or brackets, then white space (the line's own
    newline counts). A text whose prose is under 30% of its stripped length is kept whole.
    This is `prose_lines` vectorised over the chunk (tests check they agree)."""

    def __init__(self, norms: list[str], prose_min_words: int):
        self.raw = "\n".join(norms).encode("ascii") + b"\n"
        self.text_starts = np.cumsum([0] + [len(t) + 1 for t in norms[:-1]])
        cls = np.frombuffer(self.raw.translate(_CLASS_TABLE), dtype=np.uint8)  # a C table look-up per byte
        other = np.flatnonzero(cls != _C_WORD)  # every byte not in a word; the last is a newline
        other_cls = cls[other]
        before = np.concatenate(([-1], other[:-1]))
        gap = np.flatnonzero(other - before > 1)
        word_starts, word_ends = before[gap] + 1, other[gap]
        newlines = np.flatnonzero(other_cls == _C_NEWLINE)  # index into `other` of each line's end
        self.line_ends = other[newlines]
        self.line_starts = np.concatenate(([0], self.line_ends[:-1] + 1))
        self.keep_line = np.ones(len(newlines), dtype=bool)
        if prose_min_words:
            spaces = np.cumsum(other_cls == _C_SPACE)[newlines]
            wordy = np.diff(spaces, prepend=0) >= prose_min_words - 1
            ended = self._sentence_ends(other, other_cls)
            has_end = np.zeros(len(newlines), dtype=bool)
            has_end[np.searchsorted(newlines, ended)] = True
            keep = wordy & has_end
            text_of_line = np.searchsorted(self.text_starts, self.line_starts, "right") - 1
            length = self.line_ends - self.line_starts + 1
            kept_chars = np.bincount(text_of_line, weights=length * keep, minlength=len(norms)) - 1
            stripped = np.fromiter((len(t.strip()) for t in norms), dtype=np.float64, count=len(norms))
            keep |= (kept_chars < 0.3 * stripped)[text_of_line]
            self.keep_line = keep
        self.words, self.offsets = self._word_hashes(word_starts, word_ends)
        # what fingerprints keep (to read figures later): the bytes and lines, not the word arrays
        self.lines = _ChunkLines(self.raw, self.text_starts, self.line_starts, self.line_ends, self.keep_line)

    @staticmethod
    def _sentence_ends(other: np.ndarray, other_cls: np.ndarray) -> np.ndarray:
        """Indexes into `other` of the stops that end a sentence: a stop, then a run of closers
        with no word byte between, then white space. Found for every stop at once (a text of
        a stop and a million closers is one search, not a million steps)."""
        stops = np.flatnonzero(other_cls == _C_STOP)
        adjacent = np.zeros(len(other), dtype=bool)  # no word byte between this and the one before
        adjacent[1:] = other[1:] == other[:-1] + 1
        # where each stop's run of closers ends: the first later position that does not go on with
        # an adjacent closer (there is one: the chunk ends with a newline, and a stop is never last)
        breaks = np.flatnonzero(~((other_cls == _C_CLOSER) & adjacent))
        after = breaks[np.searchsorted(breaks, stops, side="right")]
        c = other_cls[after]
        ended = adjacent[after] & ((c == _C_SPACE) | (c == _C_NEWLINE) | (c == _C_WHITE))
        return stops[ended]

    def _word_hashes(self, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hashes of the kept words, flat, and each text's offsets into them.

        A word's hash mixes its length and its bytes read eight at a time: one gather of
        unaligned 64-bit values at the word starts (and one more per eight bytes for the few
        longer words), so the work is per word, not per byte, and there is no Python loop."""
        if not self.keep_line.all():
            kept_bytes = np.repeat(self.keep_line, self.line_ends - self.line_starts + 1)
            kept = kept_bytes[starts]
            starts, ends = starts[kept], ends[kept]
        # the 8 bytes from every position (zeros after the end): a strided view, nothing copied
        padded = self.raw + bytes(8)
        octets = np.ndarray(shape=(len(self.raw),), dtype="<u8", buffer=padded, strides=(1,))
        lengths = ends - starts
        with np.errstate(over="ignore"):
            words = octets[starts] & _FIRST_BYTES[np.minimum(lengths, 8)]
            words = _mix64(words ^ lengths.astype(_U64) * _LENGTH_MIX)
            longer = np.flatnonzero(lengths > 8)
            done = 8
            while len(longer) and done < _VECTOR_WORD_BYTES:  # one step per further 8 bytes: a handful
                rest = lengths[longer] - done
                piece = octets[starts[longer] + done] & _FIRST_BYTES[np.minimum(rest, 8)]
                words[longer] = _mix64(words[longer] * _PIECE_MIX ^ piece)
                longer, done = longer[rest > 8], done + 8
        for i in longer.tolist():  # the rare longer "words" (a run of letters with no space): one by one
            words[i] = _finish_long_word(int(words[i]), self.raw, int(starts[i]) + done, int(ends[i]))
        offsets = np.searchsorted(starts, self.text_starts)
        return words, np.append(offsets, len(starts))


_VECTOR_WORD_BYTES = 256  # words are hashed 8 bytes a numpy step up to this length, then one by one
_M64 = (1 << 64) - 1


def _finish_long_word(h: int, raw: bytes, pos: int, end: int) -> int:
    """The rest of a long word's hash from byte `pos` on, the same as the numpy steps would give,
    with plain integers: a numpy step over one word costs as much as over thousands, and a
    hostile text can be one word of megabytes."""
    mix, a, b = int(_PIECE_MIX), 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
    whole = pos + (end - pos) // 8 * 8
    pieces = [p for (p,) in struct.iter_unpack("<Q", raw[pos:whole])]
    if whole < end:
        pieces.append(int.from_bytes(raw[whole:end], "little"))
    for piece in pieces:
        h = ((h * mix) & _M64) ^ piece
        h ^= h >> 30
        h = (h * a) & _M64
        h ^= h >> 27
        h = (h * b) & _M64
        h ^= h >> 31
    return h


class _ChunkLines:
    """The bytes of a chunk and which of its lines were kept as prose."""

    __slots__ = ("raw", "text_starts", "line_starts", "line_ends", "keep_line")

    def __init__(self, raw: bytes, text_starts: np.ndarray, line_starts: np.ndarray, line_ends: np.ndarray,
                 keep_line: np.ndarray):  # fmt: skip
        self.raw, self.text_starts = raw, text_starts
        self.line_starts, self.line_ends, self.keep_line = line_starts, line_ends, keep_line

    def prose_spans(self, text: int) -> list[tuple[int, int]]:
        """Byte spans of the kept lines of text number `text`."""
        lo = self.text_starts[text]
        hi = self.text_starts[text + 1] if text + 1 < len(self.text_starts) else len(self.raw)
        first, last = np.searchsorted(self.line_starts, [lo, hi])
        keep = self.keep_line[first:last]
        return list(
            zip(
                self.line_starts[first:last][keep].tolist(),
                self.line_ends[first:last][keep].tolist(),
                strict=True,
            )
        )


def _shingles(words: np.ndarray, size: int) -> np.ndarray:
    """Hash of each run of `size` consecutive words (in text order, repeats kept)."""
    count = len(words) - size + 1
    if count <= 0:
        return np.empty(0, dtype=_U64)
    tmp = np.empty(count, dtype=_U64)  # in-place steps: no new array per operation
    with np.errstate(over="ignore"):
        acc = words[:count] * _MIX[0]
        for j in range(1, size):  # size is the shingle length (a handful), not the text length
            np.right_shift(acc, _U64(29), out=tmp)
            acc ^= tmp
            np.multiply(words[j : j + count], _MIX[j % len(_MIX)], out=tmp)
            acc += tmp
        np.right_shift(acc, _U64(32), out=tmp)
        acc ^= tmp
        return acc


# a word with a digit; tried only at word starts, and the letters before the digit never given
# back (possessive), so the search is linear: three times faster than the plain pattern
_FIGURE_BYTES = re.compile(rb"(?<![a-z0-9])[a-z]*+[0-9][a-z0-9]*")


class Fingerprint:
    """What dedup knows about one text: exact-duplicate hash and its shingles."""

    __slots__ = ("text_hash", "raw", "_chunk", "_text", "_set", "_numbers")

    def __init__(self, text_hash: str, raw: np.ndarray, chunk: _ChunkLines, text: int):
        self.text_hash = text_hash
        self.raw = raw  # shingle hashes in text order; MinHash needs no de-duplication
        self._chunk = chunk  # the normalised text is text number `text` of the chunk
        self._text = text
        self._set: np.ndarray | None = None
        self._numbers: frozenset[bytes] | None = None

    @property
    def shingle_count(self) -> int:
        return len(self.raw)

    @property
    def shingles(self) -> np.ndarray:
        """Sorted unique shingle hashes (computed when first verified)."""
        if self._set is None:
            self._set = np.unique(self.raw)
        return self._set

    @property
    def numbers(self) -> frozenset[bytes]:
        """Tokens with digits in the prose: formulaic items (tables, scores) differ in their figures."""
        if self._numbers is None:
            raw = self._chunk.raw
            prose = b"\n".join(raw[lo:hi] for lo, hi in self._chunk.prose_spans(self._text))
            self._numbers = frozenset(_FIGURE_BYTES.findall(prose))  # one search over the kept lines
        return self._numbers


def unwrap_lines(text: str) -> str:
    """Hard-wrapped paragraphs rejoined: a line break inside a sentence, before a word that does
    not start with a capital, becomes a space (before lowercasing loses the capitals)."""
    return _WRAPPED_BREAK.sub(" ", text) if _WRAPPED_BREAK.search(text) else text


def fingerprints(texts: Sequence[str], shingle_size: int, prose_min_words: int = 0) -> list[Fingerprint]:
    """Fingerprints of the prose of each text (the whole text when `prose_min_words` is 0).

    Texts are normalised one by one (C-level string methods), then a chunk of them is split
    into lines and words, hashed and shingled at once with numpy."""
    out: list[Fingerprint] = []
    norms: list[str] = []
    size = 0
    for i, text in enumerate(texts):
        norm = normalise_text(unwrap_lines(text) if prose_min_words else text)
        norms.append(norm)
        size += len(norm)
        if size >= _CHUNK_CHARS or i == len(texts) - 1:
            chunk = _Chunk(norms, prose_min_words)
            words, offsets = chunk.words, chunk.offsets
            windows = _shingles(words, shingle_size)  # over the whole chunk; cut per text below
            bounds = offsets.tolist()
            for j in range(len(norms)):
                lo, hi = bounds[j], bounds[j + 1]
                # SHA-256 runs in hardware on most CPUs: half the time of BLAKE2 on a text's words
                digest = hashlib.sha256(words[lo:hi]).hexdigest()[:32]
                out.append(Fingerprint(digest, windows[lo : max(lo, hi - shingle_size + 1)], chunk.lines, j))
            norms, size = [], 0
    return out


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float, int]:
    """(Jaccard, containment of the smaller in the larger, shared count) of two sorted unique sets."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0, 0
    shared = int(np.intersect1d(a, b, assume_unique=True).size)
    union = len(a) + len(b) - shared
    return shared / union, shared / min(len(a), len(b)), shared
